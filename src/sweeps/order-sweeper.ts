import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PinoLogger } from 'nestjs-pino';
import { Clock } from '../core/clock';
import { PeriodicJob } from '../core/periodic-job';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { OrderLifecycle } from '../orders/order-lifecycle';
import { OrdersService } from '../orders/orders.service';
import { ProductsService } from '../products/products.service';
import { StockLedger } from '../stock/stock-ledger.service';

/** Products looked at per sweep; the rest wait for the next tick. */
const PRODUCTS_PER_SWEEP = 200;

export interface OrderSweepResult {
  /** Ids of the orders this sweep expired. */
  expired: string[];
  products: number[];
  skipped: number[];
}

/**
 * Expires pending orders past their `pay_by` and puts their units back, every
 * HOLD_SWEEP_INTERVAL_SECONDS (one sweep interval for both, so invariant 6 has one bound).
 * Exactly once with any number of instances: each product is swept under its row lock taken
 * with SKIP LOCKED, so sweeps never wait for each other; a product left for the next tick is
 * one that someone else is changing right now (and a webhook or cancel expires an overdue order
 * itself before acting on it).
 */
@Injectable()
export class OrderSweeper implements OnModuleInit, OnApplicationShutdown {
  private readonly job = new PeriodicJob(
    'order-sweep',
    () => this.sweep(),
    (err) => this.logger.error({ err }, 'order sweep failed'),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
    private readonly stock: StockLedger,
    private readonly orders: OrdersService,
    private readonly lifecycle: OrderLifecycle,
    private readonly products: ProductsService,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(OrderSweeper.name);
  }

  onModuleInit(): void {
    this.job.schedule(this.scheduler, this.config.holdSweepIntervalSeconds * 1000);
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.settle();
  }

  /** One sweep; a sweep already under way in this process is joined rather than doubled. */
  expireOverdue(): Promise<OrderSweepResult> {
    return this.job.run();
  }

  private async sweep(): Promise<OrderSweepResult> {
    const candidates = await this.orders.productsWithOverdueOrders(this.clock.now(), PRODUCTS_PER_SWEEP);
    const result: OrderSweepResult = { expired: [], products: [], skipped: [] };
    for (const productId of candidates) {
      const expired = await this.stock.transaction(async (manager) => {
        if (!(await this.products.tryLock(manager, productId))) return null;
        return this.lifecycle.expireOverdue(manager, productId);
      });
      if (expired === null) {
        result.skipped.push(productId);
      } else if (expired.length > 0) {
        result.expired.push(...expired);
        result.products.push(productId);
      }
    }
    return result;
  }
}
