import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS, withServerNodeFlags } from './node-flags';

const ROOT = join(__dirname, '..', '..');

describe('SERVER_NODE_FLAGS', () => {
  it('are on every way package.json starts the server', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const flags = SERVER_NODE_FLAGS.join(' ');
    expect(scripts.start).toContain(`node ${flags} dist/main`);
    expect(scripts['start:prod']).toBe(`node ${flags} dist/main`);
    expect(scripts['start:cluster']).toContain(`node ${flags} dist/cli/cluster.cli`);
  });

  it("are on the container's CMD", () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`CMD ${JSON.stringify(['node', ...SERVER_NODE_FLAGS, 'dist/main'])}`.replace(/,/g, ', '));
  });
});

describe('withServerNodeFlags', () => {
  it('adds the flags a worker would lack', () => {
    expect(withServerNodeFlags([])).toEqual([...SERVER_NODE_FLAGS]);
    expect(withServerNodeFlags(['--enable-source-maps'])).toEqual(['--enable-source-maps', ...SERVER_NODE_FLAGS]);
  });

  it("keeps the operator's own value of a flag, in either spelling", () => {
    expect(withServerNodeFlags(['--max-semi-space-size=16'])).toEqual([
      '--max-semi-space-size=16',
      '--heap-growing-percent=50',
      '--no-parallel-scavenge',
    ]);
    expect(withServerNodeFlags(['--max_semi_space_size=16', '--heap-growing-percent=100', '--parallel_scavenge'])).toEqual([
      '--max_semi_space_size=16',
      '--heap-growing-percent=100',
      '--parallel_scavenge',
    ]);
  });

  it('adds nothing twice', () => {
    const once = withServerNodeFlags([]);
    expect(withServerNodeFlags(once)).toEqual(once);
  });
});
