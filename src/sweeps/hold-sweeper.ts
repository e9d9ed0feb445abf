import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PinoLogger } from 'nestjs-pino';
import { Clock } from '../core/clock';
import { PeriodicJob } from '../core/periodic-job';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { HoldsService } from '../holds/holds.service';
import { ProductsService } from '../products/products.service';
import { StockLedger } from '../stock/stock-ledger.service';

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
  private readonly job = new PeriodicJob(
    'hold-sweep',
    () => this.sweep(),
    (err) => this.logger.error({ err }, 'hold sweep failed'),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
    private readonly stock: StockLedger,
    private readonly holds: HoldsService,
    private readonly products: ProductsService,
    private readonly clock: Clock,
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
      const expired = await this.stock.transaction(async (manager) => {
        if (!(await this.products.tryLock(manager, productId))) return null;
        // The clock is read once the lock is held: a sweep that waited decides by then.
        return this.holds.expireOverdueLocked(manager, productId, this.clock.now());
      });
      if (expired === null) {
        result.skipped.push(productId);
      } else if (expired > 0) {
        result.expired += expired;
        result.products.push(productId);
      }
    }
    return result;
  }
}
