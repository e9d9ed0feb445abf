import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { assertFreshBuild } from './support/fresh-build';
import { testRedisUrl } from './support/redis';
import { dropDatabase, newDatabaseUrl } from './support/test-database';

// What the built server loads depends on what it is configured to use: the Redis clients
// (ioredis, and @keyv/redis with node-redis: some 470 modules, ~3 MB of heap kept for the life
// of the process) only with REDIS_URL. Run in a process of its own: Jest's module registry is not
// Node's, so only a real `require` tells what a server loads.

const DIST = join(__dirname, '..', 'dist');
const REDIS_PACKAGES = ['ioredis', '@keyv/redis', '@redis/client'];

/** Builds and starts the app (not listening), then lists the Redis packages loaded by then. */
const SCRIPT = `
const { createApp } = require(${JSON.stringify(join(DIST, 'app'))});
const { loadConfig } = require(${JSON.stringify(join(DIST, 'config', 'app-config'))});
createApp(loadConfig(process.env)).then(async (app) => {
  await app.init();
  const loaded = ${JSON.stringify(REDIS_PACKAGES)}.filter((name) =>
    Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/')),
  );
  await app.close();
  process.stdout.write(JSON.stringify(loaded));
  process.exit(0);
});
`;

async function redisPackagesLoaded(env: Record<string, string>): Promise<string[]> {
  const databaseUrl = newDatabaseUrl();
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', SCRIPT], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl, ...env },
    });
    return JSON.parse(stdout.trim().split('\n').pop()!) as string[];
  } finally {
    await dropDatabase(databaseUrl);
  }
}

describe('modules a server loads (e2e, built server)', () => {
  beforeAll(() => assertFreshBuild());

  it('without REDIS_URL: no Redis client at all', async () => {
    expect(await redisPackagesLoaded({})).toEqual([]);
  });

  it('with REDIS_URL: the Redis clients of the cache, the rate limiter and the live-stock bus', async () => {
    // No request is made: nothing is written to Redis.
    expect(await redisPackagesLoaded({ REDIS_URL: testRedisUrl() })).toEqual(REDIS_PACKAGES);
  });
});
