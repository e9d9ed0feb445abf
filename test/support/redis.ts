import { createClient } from '@keyv/redis';

/** The Redis the tests use: TEST_REDIS_URL, or the local one. */
export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** Keys under a prefix, read straight from Redis (to check where the service put them). */
export async function redisKeys(pattern: string): Promise<string[]> {
  const client = createClient({ url: testRedisUrl() });
  await client.connect();
  try {
    return await client.keys(pattern);
  } finally {
    client.destroy();
  }
}

/** Deletes the keys a test's deployment left in the shared Redis. */
export async function deleteRedisKeys(pattern: string): Promise<void> {
  const client = createClient({ url: testRedisUrl() });
  await client.connect();
  try {
    const keys = await client.keys(pattern);
    if (keys.length > 0) await client.del(keys);
  } finally {
    client.destroy();
  }
}
