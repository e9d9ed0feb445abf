import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import { Cache } from 'cache-manager';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ProductResponse } from './product.response';

/** How long a product's version tag is kept; far longer than any entry it versions. */
const VERSION_TTL_MS = 24 * 3600 * 1000;

/**
 * The product read cache. Entries are keyed by a per-product version tag, and invalidating a
 * product gives it a new tag. A read that began before a write and stores its (old) answer after
 * the write's invalidation stores it under the old tag, where no later read looks: so a read that
 * starts after a write has returned always sees that write, even across instances sharing Redis.
 * (Deleting the key instead would let such a late store put the stale answer back.)
 */
@Injectable()
export class ProductCache {
  private readonly ttlMs: number;
  private readonly prefix: string;

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.cacheTtlSeconds * 1000;
    // Deployments that share one Redis never see each other's entries.
    this.prefix = `${config.database.database}:product:`;
  }

  async read(id: number, load: () => Promise<ProductResponse | null>): Promise<ProductResponse | null> {
    if (this.ttlMs === 0) return load();
    const version = (await this.cache.get<string>(this.versionKey(id))) ?? '0';
    const key = `${this.prefix}${id}@${version}`;
    const cached = await this.cache.get<ProductResponse>(key);
    if (cached) return cached;
    const fresh = await load();
    if (fresh) await this.cache.set(key, fresh, this.ttlMs);
    return fresh;
  }

  /** Call after the transaction that changed the product has committed. */
  async invalidate(...ids: number[]): Promise<void> {
    if (this.ttlMs === 0) return;
    await Promise.all(ids.map((id) => this.cache.set(this.versionKey(id), randomUUID(), VERSION_TTL_MS)));
  }

  private versionKey(id: number): string {
    return `${this.prefix}${id}:version`;
  }
}
