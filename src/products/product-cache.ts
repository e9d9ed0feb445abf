import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Cache } from 'cache-manager';
import { PinoLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { Clock } from '../core/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Metrics } from '../metrics/metrics.service';
import { prepareProduct, PreparedProduct } from './product-json';
import { ProductSnapshot } from './product.response';
import { CACHE_FAILED, SharedCacheGuard } from './shared-cache-guard';

/** How long a product's version tag is kept; far longer than any entry it versions. */
const VERSION_TTL_MS = 24 * 3600 * 1000;

/**
 * The product read cache. Entries are keyed by a per-product version tag, and invalidating a
 * product gives it a new tag. A read that began before a write and stores its (old) answer after
 * the write's invalidation stores it under the old tag, where no later read looks: so a read that
 * starts after a write has returned always sees that write, even across instances sharing Redis.
 * (Deleting the key instead would let such a late store put the stale answer back.)
 *
 * When the shared cache fails (Redis down, slow, unreachable), reads go to the database and the
 * products whose invalidation could not be written are remembered; their new tags are written
 * before this instance trusts the cache again, so it never reads an entry older than its own
 * writes. A write whose invalidation fails still succeeds (it has committed).
 *
 * Without REDIS_URL the entries live in a Map of this process (LocalProductEntries), where a hit
 * is one lookup: no store round trip, no timer, no promise race. Entries are the answer's JSON,
 * prepared once when the entry is filled (product-json.ts), so a hit only splices `on_sale` in.
 */
@Injectable()
export class ProductCache implements OnModuleInit, OnApplicationShutdown {
  private readonly ttlMs: number;
  private readonly prefix: string;
  private readonly guard: SharedCacheGuard;
  private readonly pendingInvalidations = new Set<number>();
  private readonly local: LocalProductEntries | null;
  private readonly changeListeners: Array<(ids: number[]) => void> = [];

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly metrics: Metrics,
    logger: PinoLogger,
    clock: Clock,
  ) {
    logger.setContext(ProductCache.name);
    this.ttlMs = config.cacheTtlSeconds * 1000;
    // Deployments that share one Redis never see each other's entries.
    this.prefix = `${config.database.database}:product:`;
    this.guard = new SharedCacheGuard(logger);
    this.local = config.redisUrl === null ? new LocalProductEntries(this.ttlMs, () => clock.now().getTime()) : null;
    // cache-manager reports a failed get as a miss plus this event: turn it into an outage.
    this.cache.on('get', ({ error }: { error?: unknown }) => {
      if (error !== undefined) this.guard.markUnavailable(error);
    });
    metrics.trackCacheAvailability(() => this.guard.available);
  }

  async read(id: number, load: () => Promise<ProductSnapshot | null>): Promise<PreparedProduct | null> {
    if (this.ttlMs === 0) return prepare(await load());
    if (this.local) return this.readLocal(id, load);
    if (!(await this.guard.usable(() => this.recover()))) return this.bypass(load);
    const failuresBefore = this.guard.failures;
    const version = await this.guard.attempt(() => this.cache.get<string>(this.versionKey(id)));
    if (version === CACHE_FAILED || this.guard.failures !== failuresBefore) return this.bypass(load);
    const key = `${this.prefix}${id}@${version ?? '0'}`;
    const cached = await this.guard.attempt(() => this.cache.get<string>(key));
    if (cached === CACHE_FAILED || this.guard.failures !== failuresBefore) return this.bypass(load);
    if (typeof cached === 'string') {
      this.metrics.cacheHit();
      return JSON.parse(cached) as PreparedProduct;
    }
    this.metrics.cacheMiss();
    const fresh = prepare(await load());
    if (fresh !== null) await this.guard.attempt(() => this.cache.set(key, JSON.stringify(fresh), this.ttlMs));
    return fresh;
  }

  /**
   * The process's own entry when it is there and fresh, synchronously (counted as a hit), else
   * undefined without counting anything: the caller then reads through read(), which counts.
   * Always undefined with Redis or with the cache off.
   */
  peekLocal(id: number): PreparedProduct | undefined {
    if (this.ttlMs === 0 || this.local === null) return undefined;
    const hit = this.local.get(id);
    if (hit !== undefined) this.metrics.cacheHit();
    return hit;
  }

  private async readLocal(id: number, load: () => Promise<ProductSnapshot | null>): Promise<PreparedProduct | null> {
    const hit = this.local!.get(id);
    if (hit !== undefined) {
      this.metrics.cacheHit();
      return hit;
    }
    this.metrics.cacheMiss();
    const fill = this.local!.startFill(id);
    const fresh = prepare(await load());
    if (fresh !== null) fill(fresh);
    return fresh;
  }

  /**
   * Who else must hear of a committed change (the live-stock streams). Listeners run before the
   * cache is touched, whatever its state: a change is news even with the cache off or out.
   */
  onCommittedChange(listener: (ids: number[]) => void): void {
    this.changeListeners.push(listener);
  }

  /** Call after the transaction that changed the product has committed. Never throws. */
  async invalidate(...ids: number[]): Promise<void> {
    // The process's own entries go first (synchronously): a listener that reads the product at
    // once must not meet the entry this change has just made stale.
    if (this.local) for (const id of ids) this.local.invalidate(id);
    for (const listener of this.changeListeners) {
      try {
        listener(ids);
      } catch {
        // a listener's failure must not turn a committed write into an error
      }
    }
    if (this.ttlMs === 0 || this.local) return;
    if (!this.guard.available) {
      for (const id of ids) this.pendingInvalidations.add(id);
      return;
    }
    const written = await this.guard.attempt(() => Promise.all(ids.map((id) => this.writeNewVersion(id))));
    if (written === CACHE_FAILED) for (const id of ids) this.pendingInvalidations.add(id);
  }

  /**
   * Connects before the first request: Redis commands never queue (see cache-stores.ts), so a
   * crowd arriving before the connection is up would otherwise see an outage. If Redis does not
   * answer now, the service starts anyway with the cache off (logged) and tries again later.
   */
  async onModuleInit(): Promise<void> {
    if (this.ttlMs === 0 || this.local) return;
    await this.guard.attempt(() => this.probe());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.disconnect().catch(() => undefined);
  }

  private async bypass(load: () => Promise<ProductSnapshot | null>): Promise<PreparedProduct | null> {
    this.metrics.cacheBypass();
    return prepare(await load());
  }

  /** Ends an outage: the invalidations missed during it are written first, then it is trusted. */
  private async recover(): Promise<boolean> {
    const failuresBefore = this.guard.failures;
    if (this.pendingInvalidations.size === 0) {
      if ((await this.guard.attempt(() => this.probe())) === CACHE_FAILED) return false;
    }
    // Loop: a write may add to the set while the previous ones are being written.
    while (this.pendingInvalidations.size > 0) {
      const ids = [...this.pendingInvalidations];
      const written = await this.guard.attempt(() => Promise.all(ids.map((id) => this.writeNewVersion(id))));
      if (written === CACHE_FAILED) return false;
      for (const id of ids) this.pendingInvalidations.delete(id);
    }
    if (this.guard.failures !== failuresBefore) return false;
    this.guard.markAvailable();
    return true;
  }

  /** cache-manager swallows get errors (see the listener above); a set reports them. */
  private probe(): Promise<unknown> {
    return this.cache.set(`${this.prefix}probe`, 1, 1000);
  }

  private writeNewVersion(id: number): Promise<unknown> {
    return this.cache.set(this.versionKey(id), randomUUID(), VERSION_TTL_MS);
  }

  private versionKey(id: number): string {
    return `${this.prefix}${id}:version`;
  }
}

function prepare(snapshot: ProductSnapshot | null): PreparedProduct | null {
  return snapshot === null ? null : prepareProduct(snapshot);
}

/**
 * The entries of one process. Each product has a generation, bumped by every invalidation; a read
 * that loaded from the database stores its answer only if the generation is still the one it
 * started under, so a slow read can never put an answer older than a write back after the
 * write's invalidation (the version tags do the same in Redis).
 */
class LocalProductEntries {
  private readonly entries = new Map<number, { product: PreparedProduct; expiresAt: number }>();
  private readonly generations = new Map<number, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  get(id: number): PreparedProduct | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.now()) return entry.product;
    this.entries.delete(id);
    return undefined;
  }

  /** Call before loading; the returned function stores what was loaded, unless it is stale. */
  startFill(id: number): (product: PreparedProduct) => void {
    const generation = this.generations.get(id) ?? 0;
    // The TTL runs from before the load: the answer is as old as the moment the load started.
    const expiresAt = this.now() + this.ttlMs;
    return (product) => {
      if ((this.generations.get(id) ?? 0) === generation) this.entries.set(id, { product, expiresAt });
    };
  }

  invalidate(id: number): void {
    this.entries.delete(id);
    this.generations.set(id, (this.generations.get(id) ?? 0) + 1);
  }
}
