// Where the per-client request counters live: in this process, or in Redis (REDIS_URL) so that
// every instance counts against one limit. A fixed window per client and group: the first request
// of a window starts it, and a refusal says when it ends (Retry-After).
import type Redis from 'ioredis';

export interface WindowCount {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends. */
  resetInMs: number;
}

/** Counters in this process: one Map entry per client and group, dropped once its window is over. */
export class LocalCounters {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private nextSweep = 0;

  increment(key: string, windowMs: number, now = Date.now()): WindowCount {
    // Sweeping once per window keeps the Map to the clients of about one window, without a timer.
    if (now >= this.nextSweep) this.sweep(now, windowMs);
    let window = this.windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count++;
    return { count: window.count, resetInMs: window.resetAt - now };
  }

  private sweep(now: number, windowMs: number): void {
    this.nextSweep = now + windowMs;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

/** How long a counter update may take before the request is counted in this process instead. */
const COMMAND_TIMEOUT_MS = 1_000;
const READY_TIMEOUT_MS = 3_000;

/**
 * One round trip per request: INCR, PEXPIRE when it starts the window, and PTTL, in one script.
 * (A window's key that somehow lost its expiry gets it back rather than counting forever.)
 */
const INCREMENT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

type ScriptedRedis = Redis & { incrementWindow(key: string, windowMs: number): Promise<[number, number]> };

/**
 * Counters in Redis, keys prefixed with the database's name (deployments sharing one Redis never
 * share a limit). No offline queue: while Redis is out of reach a command fails at once, and the
 * caller counts in its own process, instead of queueing behind the reconnect.
 */
export class RedisCounters {
  private readonly client: ScriptedRedis;

  constructor(redisUrl: string, namespace: string) {
    // ioredis is loaded here, only with REDIS_URL: a server without Redis never carries its modules.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: IORedis } = require('ioredis') as typeof import('ioredis');
    this.client = new IORedis(redisUrl, {
      keyPrefix: `${namespace}:rate-limit:`,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: COMMAND_TIMEOUT_MS,
      // Reconnect forever, backing off to 2 s: the limiter recovers by itself when Redis returns.
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    }) as ScriptedRedis;
    this.client.defineCommand('incrementWindow', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
    this.client.on('error', () => undefined); // reported by the caller's fallback, not once per retry
  }

  async increment(key: string, windowMs: number): Promise<WindowCount> {
    const [count, resetInMs] = await this.client.incrementWindow(key, windowMs);
    return { count, resetInMs };
  }

  /** Waits (a little) for the connection, so the first crowd does not meet an "outage". */
  async ready(): Promise<void> {
    if (this.client.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, READY_TIMEOUT_MS);
      this.client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.client.disconnect(false);
  }
}
