import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PinoLogger } from 'nestjs-pino';
import { Clock } from '../core/clock';
import { PeriodicJob } from '../core/periodic-job';
import { DomainEvents } from '../core/domain-events';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TransactionRunner } from '../database/transaction-runner';
import { ProductCache } from '../products/product-cache';
import { ProductsRepository } from '../products/products.repository';
import { HoldsRepository } from './holds.repository';

/** Products looked at per sweep; the rest wait for the next tick. */
const PRODUCTS_PER_SWEEP = 200;

export interface SweepResult {
  expired: number;
  products: number[];
  skipped: number[];
}

/**
 * Puts expired holds back on sale every HOLD_SWEEP_INTERVAL_SECONDS. Safe with any number of
 * instances: each product is swept under its row lock, taken with SKIP LOCKED, so a product that
 * another instance (or a hold batch, which expires overdue holds itself) is working on is simply
 * left for the next tick instead of queued behind.
 */
@Injectable()
export class HoldSweeper implements OnModuleInit, OnApplicationShutdown {
  private readonly job = new PeriodicJob('hold-sweep', () => this.sweep(), (err) =>
    this.logger.error({ err }, 'hold sweep failed'),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
    private readonly tx: TransactionRunner,
    private readonly holds: HoldsRepository,
    private readonly products: ProductsRepository,
    private readonly cache: ProductCache,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(HoldSweeper.name);
  }

  onModuleInit(): void {
    this.job.schedule(this.scheduler, this.config.holdSweepIntervalSeconds * 1000);
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.settle();
  }

  /** One sweep; a sweep already under way in this process is joined rather than doubled. */
  claimExpired(): Promise<SweepResult> {
    return this.job.run();
  }

  private async sweep(): Promise<SweepResult> {
    const candidates = await this.holds.productsWithOverdueHolds(this.clock.now(), PRODUCTS_PER_SWEEP);
    const result: SweepResult = { expired: 0, products: [], skipped: [] };
    for (const productId of candidates) {
      const expired = await this.tx.run(async (manager) => {
        if (!(await this.products.tryLock(manager, productId))) return null;
        // Decided by the time under the lock, like every other expiry decision.
        const freed = await this.holds.expireOverdue(manager, productId, this.clock.now());
        await this.products.addReserved(manager, productId, -freed.units);
        return freed.count;
      });
      if (expired === null) {
        result.skipped.push(productId);
      } else if (expired > 0) {
        result.expired += expired;
        result.products.push(productId);
      }
    }
    if (result.products.length > 0) {
      await this.cache.invalidate(...result.products);
      this.events.emit('holds_expired', { count: result.expired, products: result.products });
    }
    return result;
  }
}
