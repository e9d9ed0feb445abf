import { CacheModuleOptions } from '@nestjs/cache-manager';
import { Keyv } from 'keyv';
import { AppConfig } from '../config/app-config';

/** How long connecting to Redis may take before the cache counts as unavailable. */
const REDIS_CONNECT_TIMEOUT_MS = 500;

/**
 * Where the product cache lives: in this process when REDIS_URL is unset, in Redis when it is
 * set (so every instance sees every other instance's invalidations). The Redis store is
 * namespaced by the database name, so deployments sharing one Redis never meet.
 *
 * Failures must reach ProductCache rather than be swallowed into "no entry": errors are thrown
 * (throwOnErrors), and commands sent while the connection is down fail at once instead of
 * queueing until it comes back (disableOfflineQueue), so a Redis outage turns into database
 * reads, never into waiting requests.
 */
export function cacheModuleOptions(config: AppConfig): CacheModuleOptions {
  const ttl = config.cacheTtlSeconds * 1000;
  if (config.redisUrl === null) return { isGlobal: true, ttl };
  // Loaded here, only with REDIS_URL: @keyv/redis brings node-redis, some 400 modules and ~3 MB
  // of heap that a server without Redis would keep for nothing.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: KeyvRedis, createClient } = require('@keyv/redis') as typeof import('@keyv/redis');
  const client = createClient({
    url: config.redisUrl,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
      // Keep trying in the background, never more than a second apart.
      reconnectStrategy: (attempt: number) => Math.min(100 * 2 ** attempt, 1000),
    },
  });
  // ProductCache reports outages (once each); without a listener an 'error' event would crash.
  client.on('error', () => undefined);
  const namespace = `flash-sale:${config.database.database}`;
  const store = new KeyvRedis(client, {
    namespace,
    throwOnErrors: true,
    throwOnConnectError: true,
    connectionTimeout: REDIS_CONNECT_TIMEOUT_MS,
  });
  store.on('error', () => undefined);
  const keyv = new Keyv(store, { namespace, useKeyPrefix: false, throwOnErrors: true });
  keyv.on('error', () => undefined);
  return { isGlobal: true, ttl, stores: [keyv] };
}
