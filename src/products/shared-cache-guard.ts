import { PinoLogger } from 'nestjs-pino';
import { withTimeout } from '../core/with-timeout';

/** A cache command slower than this counts as a failure: the database answers instead. */
export const CACHE_COMMAND_TIMEOUT_MS = 500;
/** While the cache is unavailable, how often one request tries it again. */
export const CACHE_RETRY_INTERVAL_MS = 1_000;

export const CACHE_FAILED = Symbol('cache-failed');

/**
 * Whether the shared cache (Redis) can be trusted right now. Any error or slow answer marks it
 * unavailable until a later probe succeeds; meanwhile product reads go to the database and
 * invalidations are remembered, to be written before the cache is used again. An outage is
 * logged once when it starts and once when it ends, never per request.
 */
export class SharedCacheGuard {
  private unavailableSince: number | null = null;
  private nextProbeAt = 0;
  private probing: Promise<boolean> | null = null;
  /** Bumped on every failure: a read that saw it change during its lookups does not trust them. */
  failures = 0;

  constructor(
    private readonly logger: PinoLogger,
    private readonly now: () => number = Date.now,
  ) {}

  get available(): boolean {
    return this.unavailableSince === null;
  }

  /** Runs one cache command with a time limit; a failure or timeout marks the cache unavailable. */
  async attempt<T>(command: () => Promise<T>): Promise<T | typeof CACHE_FAILED> {
    try {
      return await withTimeout(
        command(),
        CACHE_COMMAND_TIMEOUT_MS,
        `cache command timed out after ${CACHE_COMMAND_TIMEOUT_MS} ms`,
      );
    } catch (error) {
      this.markUnavailable(error);
      return CACHE_FAILED;
    }
  }

  markUnavailable(error: unknown): void {
    this.failures++;
    if (this.unavailableSince !== null) return;
    this.unavailableSince = this.now();
    this.nextProbeAt = this.unavailableSince + CACHE_RETRY_INTERVAL_MS;
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn({ reason }, 'product cache unavailable: reading products from the database until it answers');
  }

  /**
   * True when the cache may be used. While unavailable, at most one caller per retry interval
   * runs `recover`, which writes the remembered invalidations and then calls markAvailable().
   */
  async usable(recover: () => Promise<boolean>): Promise<boolean> {
    if (this.unavailableSince === null) return true;
    if (this.probing || this.now() < this.nextProbeAt) return false;
    this.nextProbeAt = this.now() + CACHE_RETRY_INTERVAL_MS;
    this.probing = recover()
      .catch(() => false)
      .finally(() => (this.probing = null));
    return this.probing;
  }

  /** Called by the recovery in the same tick as its last check, so nothing slips in between. */
  markAvailable(): void {
    if (this.unavailableSince === null) return;
    this.logger.info({ outage_ms: this.now() - this.unavailableSince }, 'product cache available again');
    this.unavailableSince = null;
  }
}
