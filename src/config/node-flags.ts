// The V8 flags the server runs with, wherever it runs: `npm start`, `start:prod` and
// `start:cluster` (package.json), the Dockerfile's CMD, the cluster's workers and the bench.

/**
 * `--max-semi-space-size=8`: V8 sizes the young generation from the machine's memory and lets
 * each of its two semi-spaces grow to 64 MB on a large one. Under a crowd (256 requests in flight)
 * it grows to that size and stays, and the young generation alone was a third of the server's
 * peak RSS (128 of ~310 MB in the `read` bench). Capped at 8 MB a semi-space, scavenges come more
 * often but each copies the same live requests, so they cost little more CPU (the README's
 * Performance section gives the figures per scenario); the peak RSS drops by ~110 MB.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

/**
 * `execArgv` with every server flag it lacks added; a flag already given (by name) is left as
 * given, so an operator's own `node --max-semi-space-size=16 dist/main` still decides.
 */
export function withServerNodeFlags(execArgv: readonly string[]): string[] {
  const given = new Set(execArgv.map(flagName));
  return [...execArgv, ...SERVER_NODE_FLAGS.filter((flag) => !given.has(flagName(flag)))];
}

function flagName(arg: string): string {
  return arg.split('=')[0].replace(/_/g, '-');
}
