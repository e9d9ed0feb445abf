import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SRC = join(ROOT, 'src');
export const BUILT_MAIN = join(ROOT, 'dist', 'main.js');

function newestSource(dir: string): { file: string; mtimeMs: number } | null {
  let newest: { file: string; mtimeMs: number } | null = null;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory()
      ? newestSource(path)
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')
        ? { file: path, mtimeMs: statSync(path).mtimeMs }
        : null;
    if (candidate && (!newest || candidate.mtimeMs > newest.mtimeMs)) newest = candidate;
  }
  return newest;
}

/**
 * The built-server tests run dist/main.js: a dist/ older than src/ would test yesterday's code and
 * pass. `nest build` rewrites every output (deleteOutDir), so dist/main.js dates the build.
 */
export function assertFreshBuild(): void {
  if (!existsSync(BUILT_MAIN)) {
    throw new Error('dist/main.js is missing: run `npx nest build` (npm test does it in pretest).');
  }
  const built = statSync(BUILT_MAIN).mtimeMs;
  const newest = newestSource(SRC);
  if (newest && newest.mtimeMs > built) {
    throw new Error(
      `dist/ is older than ${relative(ROOT, newest.file)}: run \`npx nest build\` before the tests that start the built server ` +
        '(npm test does it in pretest).',
    );
  }
}
