import { PinoLogger } from 'nestjs-pino';
import { CACHE_FAILED, CACHE_RETRY_INTERVAL_MS, SharedCacheGuard } from './shared-cache-guard';

function recordingLogger() {
  const lines: Array<{ level: string; msg: string }> = [];
  const logger = {
    warn: (_fields: object, msg: string) => lines.push({ level: 'warn', msg }),
    info: (_fields: object, msg: string) => lines.push({ level: 'info', msg }),
  } as unknown as PinoLogger;
  return { logger, lines };
}

describe('SharedCacheGuard', () => {
  let now: number;
  let guard: SharedCacheGuard;
  let lines: Array<{ level: string; msg: string }>;

  beforeEach(() => {
    now = 1_000_000;
    const recorder = recordingLogger();
    lines = recorder.lines;
    guard = new SharedCacheGuard(recorder.logger, () => now);
  });

  it('passes answers through while the cache works', async () => {
    await expect(guard.attempt(async () => 'v1')).resolves.toBe('v1');
    expect(guard.available).toBe(true);
    expect(lines).toEqual([]);
  });

  it('turns any failure into CACHE_FAILED and logs the outage once, however many requests fail', async () => {
    for (let i = 0; i < 5; i++) {
      await expect(guard.attempt(() => Promise.reject(new Error('ECONNREFUSED')))).resolves.toBe(CACHE_FAILED);
    }
    expect(guard.available).toBe(false);
    expect(guard.failures).toBe(5);
    expect(lines).toEqual([{ level: 'warn', msg: expect.stringContaining('product cache unavailable') }]);
  });

  it('tries to recover at most once per interval, and only recovery ends the outage', async () => {
    guard.markUnavailable(new Error('down'));
    const recover = jest.fn(async () => false);
    await expect(guard.usable(recover)).resolves.toBe(false);
    expect(recover).not.toHaveBeenCalled(); // too early

    now += CACHE_RETRY_INTERVAL_MS;
    await expect(guard.usable(recover)).resolves.toBe(false);
    await expect(guard.usable(recover)).resolves.toBe(false);
    expect(recover).toHaveBeenCalledTimes(1);

    now += CACHE_RETRY_INTERVAL_MS;
    const healing = jest.fn(async () => {
      guard.markAvailable();
      return true;
    });
    await expect(guard.usable(healing)).resolves.toBe(true);
    expect(guard.available).toBe(true);
    expect(lines.map((l) => l.level)).toEqual(['warn', 'info']);
  });

  it('runs one recovery at a time: callers meanwhile go to the database', async () => {
    guard.markUnavailable(new Error('down'));
    now += CACHE_RETRY_INTERVAL_MS;
    let finish!: (ok: boolean) => void;
    const first = guard.usable(() => new Promise((resolve) => (finish = resolve)));
    now += 10 * CACHE_RETRY_INTERVAL_MS;
    const second = jest.fn(async () => true);
    await expect(guard.usable(second)).resolves.toBe(false);
    expect(second).not.toHaveBeenCalled();
    finish(false);
    await expect(first).resolves.toBe(false);
  });
});
