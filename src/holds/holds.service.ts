import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../core/clock';
import { DomainEvents } from '../core/domain-events';
import {
  DomainError,
  HoldConvertedError,
  HoldNotFoundError,
  InsufficientStockError,
  InvalidFieldError,
  ProductNotFoundError,
} from '../core/errors';
import { newId } from '../core/ids';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Metrics } from '../metrics/metrics.service';
import { AnswerRecorder } from '../idempotency/idempotency-claim';
import { TransactionRunner } from '../database/transaction-runner';
import { ProductCache } from '../products/product-cache';
import { ProductsRepository } from '../products/products.repository';
import { HoldBatcher } from './hold-batcher';
import { Hold, HoldStatus } from './hold';
import { HoldResponse, toHoldResponse } from './hold.response';
import { HoldsRepository, NewHold } from './holds.repository';

/** What became of one hold request in a grant. */
export type GrantOutcome =
  | { kind: 'granted'; hold: NewHold }
  | { kind: 'insufficient'; available: number }
  | { kind: 'unknown-product' };

/** One hold request as the grant sees it. */
export interface HoldRequest {
  qty: number;
  /**
   * Runs inside the grant's transaction once this request's outcome is decided, before the
   * commit: whatever must commit together with the hold (an Idempotency-Key's stored answer)
   * goes here. Throwing fails the whole transaction.
   */
  onDecided?: (manager: EntityManager, outcome: GrantOutcome) => Promise<void>;
}

@Injectable()
export class HoldsService implements BeforeApplicationShutdown {
  /** Group commit of hold requests per product; null when HOLD_BATCHING=off. */
  readonly batcher: HoldBatcher<HoldRequest, GrantOutcome> | null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionRunner,
    private readonly holds: HoldsRepository,
    private readonly products: ProductsRepository,
    private readonly cache: ProductCache,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly metrics: Metrics,
  ) {
    this.batcher = config.holdBatching
      ? new HoldBatcher((productId, requests) => this.grant(productId, requests), {
          maxBatch: config.holdBatchMax,
          maxQueue: config.holdQueueMax,
        })
      : null;
  }

  /** Shutdown waits until every queued hold request has its real answer. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.batcher?.drain();
  }

  /**
   * Reserves `qty` units. An invalid request is refused here, before it can join a batch; a
   * valid one is decided with the product's other waiting requests (or alone when batching is
   * off). `onAnswered` runs inside the deciding transaction with this request's answer (201 or
   * the refusal), so an Idempotency-Key's stored answer commits together with the hold.
   */
  async reserve(productId: number, qty: number, onAnswered?: AnswerRecorder): Promise<HoldResponse> {
    if (qty > this.config.maxQtyPerHold) {
      throw new InvalidFieldError('qty', `qty must not be greater than ${this.config.maxQtyPerHold}`);
    }
    const refusalOf = (outcome: GrantOutcome): DomainError | null => {
      switch (outcome.kind) {
        case 'granted':
          return null;
        case 'insufficient':
          return new InsufficientStockError(productId, qty, outcome.available);
        case 'unknown-product':
          return new ProductNotFoundError(productId);
      }
    };
    const answerOf = (hold: NewHold): HoldResponse =>
      toHoldResponse({ ...hold, status: 'active' } as Hold, this.clock.now());
    const request: HoldRequest = {
      qty,
      onDecided:
        onAnswered &&
        ((manager, decided) =>
          onAnswered(
            manager,
            decided.kind === 'granted' ? { status: 201, body: answerOf(decided.hold) } : refusalOf(decided)!,
          )),
    };
    const outcome = this.batcher
      ? await this.batcher.submit(productId, request)
      : (await this.grant(productId, [request]))[0];
    if (outcome.kind !== 'granted') throw refusalOf(outcome)!;
    return answerOf(outcome.hold);
  }

  /**
   * Decides a batch of hold requests for one product in one transaction: lock the product row,
   * expire its overdue holds (so they never block anyone), grant in arrival order while units
   * remain, insert the granted holds in one statement and move `reserved` once. Nothing is
   * answered before the commit.
   */
  async grant(productId: number, requests: HoldRequest[]): Promise<GrantOutcome[]> {
    this.metrics.observeHoldBatch(requests.length);

    const { outcomes, expired } = await this.tx.run(async (manager) => {
      const product = await this.products.lockForUpdate(manager, productId);
      if (!product) {
        const unknown = requests.map((): GrantOutcome => ({ kind: 'unknown-product' }));
        await this.recordDecisions(manager, requests, unknown);
        return { outcomes: unknown, expired: 0 };
      }
      // The time is read once the lock is held, not when the batch was formed: a wait for the lock
      // must neither keep already-expired holds counting nor shorten the new holds' lifetime.
      const now = this.clock.now();
      const expiresAt = new Date(now.getTime() + this.config.holdTtlSeconds * 1000);
      const freed = await this.holds.expireOverdue(manager, productId, now);
      let available = product.stock - product.reserved + freed.units;
      const granted: NewHold[] = [];
      const decided = requests.map(({ qty }): GrantOutcome => {
        if (qty > available) return { kind: 'insufficient', available };
        available -= qty;
        const hold = { id: newId(), productId, qty, expiresAt };
        granted.push(hold);
        return { kind: 'granted', hold };
      });
      await this.holds.insertMany(manager, granted);
      await this.products.addReserved(
        manager,
        productId,
        granted.reduce((sum, h) => sum + h.qty, 0) - freed.units,
      );
      await this.recordDecisions(manager, requests, decided);
      return { outcomes: decided, expired: freed.count };
    });

    const grantedAny = outcomes.some((o) => o.kind === 'granted');
    if (grantedAny || expired > 0) await this.cache.invalidate(productId);
    if (expired > 0) this.events.emit('holds_expired', { count: expired, products: [productId] });
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.kind === 'granted') {
        const { id, qty } = outcome.hold;
        this.events.emit('hold_created', { hold_id: id, product_id: productId, qty });
      } else if (outcome.kind === 'insufficient') {
        this.events.emit('stock_contention', {
          reason: 'insufficient_stock',
          product_id: productId,
          requested: requests[i].qty,
          available: outcome.available,
        });
      }
    }
    return outcomes;
  }

  private async recordDecisions(
    manager: EntityManager,
    requests: HoldRequest[],
    outcomes: GrantOutcome[],
  ): Promise<void> {
    for (const [i, request] of requests.entries()) {
      if (request.onDecided) await request.onDecided(manager, outcomes[i]);
    }
  }

  /**
   * An active hold past its expiry reads as expired before any sweep has marked it. That answer
   * is final, so it is given only under the hold's row lock, with the time read after the lock:
   * a conversion or release that decided in time but has not committed yet is waited for (and
   * then read as it committed), and any that comes later reads a later time and finds it expired.
   */
  async get(id: string): Promise<HoldResponse> {
    const hold = await this.holds.findById(id);
    if (!hold) throw new HoldNotFoundError(id);
    const now = this.clock.now();
    if (!isOverdue(hold, now)) return toHoldResponse(hold, now);
    return this.tx.run(async (manager) => {
      // Only this one row is locked and nothing is waited for while holding it, so taking it
      // without the product lock first cannot close a deadlock cycle.
      const locked = (await this.holds.lockById(manager, id)) as Hold;
      return toHoldResponse(locked, this.clock.now());
    });
  }

  /**
   * Gives a hold's units back at once. Releasing twice is harmless; a converted hold belongs to
   * its order and cannot be released. A hold already past its expiry when the locks are held has
   * expired, whatever a sweep has done yet: it is expired here (its units counted back once) and
   * answered as such, so a client that read it as expired never sees it turn into "released".
   */
  async release(id: string): Promise<HoldResponse> {
    const { hold, now, changed } = await this.tx.run(async (manager) => {
      const found = await this.holds.findById(id, manager);
      if (!found) throw new HoldNotFoundError(id);
      await this.products.lockForUpdate(manager, found.productId);
      const locked = (await this.holds.lockById(manager, id)) as Hold;
      const lockedAt = this.clock.now();
      if (locked.status === 'converted') throw new HoldConvertedError(id);
      if (locked.status !== 'active') return { hold: locked, now: lockedAt, changed: null };
      const status: HoldStatus = isOverdue(locked, lockedAt) ? 'expired' : 'released';
      await this.holds.setStatus(manager, id, status);
      await this.products.addReserved(manager, locked.productId, -locked.qty);
      return { hold: { ...locked, status }, now: lockedAt, changed: status };
    });
    if (changed) await this.cache.invalidate(hold.productId);
    if (changed === 'released') {
      this.events.emit('hold_released', { hold_id: id, product_id: hold.productId, qty: hold.qty });
    } else if (changed === 'expired') {
      this.events.emit('holds_expired', { count: 1, products: [hold.productId] });
    }
    return toHoldResponse(hold, now);
  }
}

function isOverdue(hold: Hold, now: Date): boolean {
  return hold.status === 'active' && hold.expiresAt.getTime() <= now.getTime();
}
