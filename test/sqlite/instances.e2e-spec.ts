import request from 'supertest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServerProcess } from '../support/server-process';
import { dropDatabase, newDatabaseUrl } from '../support/test-database';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/** SQLite serializes writes inside one process, so a file serves one instance: MySQL is for more. */
describe('one instance per SQLite file (e2e, built server processes)', () => {
  const databaseUrl = newDatabaseUrl();
  afterAll(() => dropDatabase(databaseUrl));

  function startSecond(env: Record<string, string> = {}) {
    return spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, NODE_ENV: 'test', PORT: '0', DATABASE_URL: databaseUrl, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
  }

  it('refuses a second instance on the same file, pointing to MySQL; a crashed one leaves no stale lock', async () => {
    const first = await startServerProcess({ DATABASE_URL: databaseUrl });
    let crashed = false;
    try {
      const second = startSecond();
      expect(second.status).toBe(1);
      expect(second.stderr).toContain('another instance is already serving');
      expect(second.stderr).toContain('use MySQL: DATABASE_URL=mysql://');
      expect(second.stderr).not.toMatch(/\n\s+at /);
      await request(first.url).get('/health/ready').expect(200);

      expect(await first.stop('SIGKILL')).toBeNull();
      crashed = true;
      const third = await startServerProcess({ DATABASE_URL: databaseUrl });
      await request(third.url).get('/health/ready').expect(200);
      expect(await third.stop()).toBe(0);
    } finally {
      if (!crashed) await first.stop('SIGKILL');
    }
  });

  it.each([
    [
      'CLUSTER_WORKERS=2',
      'main.js',
      { CLUSTER_WORKERS: '2' },
      'Invalid configuration: CLUSTER_WORKERS cannot be used with the embedded SQLite',
    ],
    ['npm run start:cluster', join('cli', 'cluster.cli.js'), {}, 'Invalid configuration: DATABASE_URL names the embedded SQLite'],
  ])('refuses cluster mode (%s) before opening the file, pointing to MySQL', (_label, script, env, message) => {
    const run = spawnSync(process.execPath, [join(__dirname, '..', '..', 'dist', script)], {
      env: { PATH: process.env.PATH, NODE_ENV: 'test', PORT: '0', DATABASE_URL: databaseUrl, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('DATABASE_URL to a MySQL database');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
