// The V8 flags the server runs with, wherever it runs: `npm start`, `start:prod` and
// `start:cluster` (package.json), the Dockerfile's CMD, the cluster's workers and the bench.

/**
 * V8 sizes its heap from the machine's memory (24 GB here), and under a crowd it uses the room:
 * - `--max-semi-space-size=8`: the young generation's two semi-spaces would grow to 64 MB each
 *   (a third of the server's peak RSS in the `read` bench: 128 of ~310 MB). At 8 MB scavenges
 *   come more often, but each copies about the same live requests.
 * - `--heap-growing-percent=50`: after a full GC the old generation may grow by half its live
 *   size before the next one, instead of V8's dynamic factor (up to 4× on a large machine).
 *   A request that waits for its batch (hundreds of ms under 256 connections) outlives two
 *   scavenges, so its objects are promoted and die old: the old generation filled with that
 *   garbage to ~180 MB between full GCs in `sellout` (peak RSS 308 MB), ~65 MB with the flag.
 * Together they keep the peak RSS of every request-driven bench scenario near or under 200 MB;
 * their CPU cost per scenario is in the README's Performance section.
 * - `--no-parallel-scavenge`: a scavenge runs on the main thread alone instead of with V8's helper
 *   threads. With a small young generation scavenges come often and each is short, and the
 *   helpers' start, hand-over and stealing cost more CPU than they save, the more so where the
 *   server shares its cores with the database: in `hot`, V8's worker threads used a third of the
 *   server's CPU. About 10% less CPU per hold in `hot` and 8% per attempt in `sellout` (README).
 */
export const SERVER_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=8',
  '--heap-growing-percent=50',
  '--no-parallel-scavenge',
];

/**
 * `execArgv` with every server flag it lacks added; a flag already given (by name) is left as
 * given, so an operator's own `node --max-semi-space-size=16 dist/main` still decides.
 */
export function withServerNodeFlags(execArgv: readonly string[]): string[] {
  const given = new Set(execArgv.map(flagName));
  return [...execArgv, ...SERVER_NODE_FLAGS.filter((flag) => !given.has(flagName(flag)))];
}

/** A flag's name, its spelling (`_` or `-`) and a boolean's `--no-` aside: `--parallel-scavenge` is ours given. */
function flagName(arg: string): string {
  return arg
    .split('=')[0]
    .replace(/_/g, '-')
    .replace(/^--no-/, '--');
}
