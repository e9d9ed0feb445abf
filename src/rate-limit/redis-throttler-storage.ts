// The rate limiter's Redis connection (REDIS_URL): one counter per client and window, shared by
// every instance. Kept apart from the product cache's Redis use on purpose.
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import Redis from 'ioredis';

/** How long a counter update may take before the request is let through on local counters. */
const COMMAND_TIMEOUT_MS = 1_000;
const READY_TIMEOUT_MS = 3_000;

export interface RedisThrottlerStorage {
  storage: ThrottlerStorageRedisService;
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Keys are prefixed with the database's name, so deployments sharing one Redis never share a
 * limit. No offline queue: while Redis is out of reach a command fails at once (and the caller
 * falls back) instead of queueing behind the reconnect.
 */
export function createRedisThrottlerStorage(redisUrl: string, namespace: string): RedisThrottlerStorage {
  const client = new Redis(redisUrl, {
    keyPrefix: `${namespace}:rate-limit:`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    // Reconnect forever, backing off to 2 s: the limiter recovers by itself when Redis returns.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
  client.on('error', () => undefined); // reported by the callers' fallbacks, not once per retry
  return {
    storage: new ThrottlerStorageRedisService(client),
    async ready() {
      if (client.status === 'ready') return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, READY_TIMEOUT_MS);
        client.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    close() {
      client.disconnect(false);
      return Promise.resolve();
    },
  };
}
