import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../core/clock';
import { ownedBy } from '../auth/principal';
import {
  CustomerLimitReachedError,
  DomainError,
  HoldConvertedError,
  HoldNotFoundError,
  InsufficientStockError,
  InvalidFieldError,
  ProductNotFoundError,
  SaleEndedError,
  SaleNotStartedError,
} from '../core/errors';
import { newId } from '../core/ids';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Metrics } from '../metrics/metrics.service';
import { AnswerRecorder } from '../idempotency/idempotency-claim';
import { saleWindowState } from '../products/product.response';
import { ProductsService } from '../products/products.service';
import { StockLedger } from '../stock/stock-ledger.service';
import { decideGrants } from './grant-decision';
import { ProductBatcher } from '../database/product-batcher';
import { Hold, HoldStatus } from './hold';
import { HoldResponse, toHoldResponse } from './hold.response';
import { HoldsRepository, NewHold } from './holds.repository';

/** What became of one hold request in a grant. */
export type GrantOutcome =
  | { kind: 'granted'; hold: NewHold }
  | { kind: 'insufficient'; available: number }
  | { kind: 'limit-reached'; limit: number; remaining: number }
  | { kind: 'not-started'; startsAt: Date; now: Date }
  | { kind: 'ended'; endsAt: Date }
  | { kind: 'unknown-product' };

/** One hold request as the grant sees it. */
export interface HoldRequest {
  qty: number;
  /** The customer asking (null when anonymous: no per-customer limit can apply). */
  customerId: string | null;
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
  readonly batcher: ProductBatcher<HoldRequest, GrantOutcome> | null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly stock: StockLedger,
    private readonly holds: HoldsRepository,
    private readonly products: ProductsService,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {
    this.batcher = config.holdBatching
      ? new ProductBatcher((productId, requests) => this.grant(productId, requests), {
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
  async reserve(productId: number, qty: number, customerId: string | null, onAnswered?: AnswerRecorder): Promise<HoldResponse> {
    if (qty > this.config.maxQtyPerHold) {
      throw new InvalidFieldError('qty', `qty must not be greater than ${this.config.maxQtyPerHold}`);
    }
    // No closure per request but the Idempotency-Key's, and only when a key was sent.
    const request: HoldRequest = {
      qty,
      customerId,
      onDecided:
        onAnswered &&
        ((manager, decided) =>
          onAnswered(
            manager,
            decided.kind === 'granted' ? { status: 201, body: this.answerOf(decided.hold) } : refusalOf(productId, qty, decided)!,
          )),
    };
    const outcome = this.batcher ? await this.batcher.submit(productId, request) : (await this.grant(productId, [request]))[0];
    if (outcome.kind !== 'granted') throw refusalOf(productId, qty, outcome)!;
    return this.answerOf(outcome.hold);
  }

  private answerOf(hold: NewHold): HoldResponse {
    return toHoldResponse({ ...hold, status: 'active' } as Hold, this.clock.now());
  }

  /**
   * Decides a batch of hold requests for one product in one transaction: lock the product row,
   * refuse everything outside the sale window, expire its overdue holds (so they never block
   * anyone), count what each customer of the batch already has when the product has a limit,
   * grant in arrival order while units and allowances remain (grant-decision.ts), insert the
   * granted holds in one statement and move `reserved` once. Nothing is answered before the commit.
   */
  async grant(productId: number, requests: HoldRequest[]): Promise<GrantOutcome[]> {
    this.metrics.observeHoldBatch(requests.length);
    return this.stock.transaction(async (manager) => {
      const product = await this.products.lockForUpdate(manager, productId);
      const decideAll = async (outcome: GrantOutcome) => {
        const same = requests.map(() => outcome);
        await this.recordDecisions(manager, requests, same);
        return same;
      };
      if (!product) return decideAll({ kind: 'unknown-product' });
      // Read after the lock: a batch that waited for it decides (window, expiry) by the time it got it.
      const now = this.clock.now();
      switch (saleWindowState(product.saleStartsAt, product.saleEndsAt, now)) {
        case 'not-started':
          return decideAll({ kind: 'not-started', startsAt: product.saleStartsAt!, now });
        case 'ended':
          return decideAll({ kind: 'ended', endsAt: product.saleEndsAt! });
      }
      const expiresAt = new Date(now.getTime() + this.config.holdTtlSeconds * 1000);
      const freed = await this.holds.expireOverdue(manager, productId, now);
      const customers = [...new Set(requests.flatMap((r) => (r.customerId === null ? [] : [r.customerId])))];
      const owned =
        product.maxPerCustomer !== null && customers.length > 0
          ? await this.holds.unitsPerCustomer(manager, productId, customers)
          : new Map<string, number>();
      const decided = decideGrants(requests, {
        available: product.stock - product.reserved + freed.units,
        maxPerCustomer: product.maxPerCustomer,
        owned,
      }).map((decision, i): GrantOutcome => {
        if (decision.kind !== 'granted') return decision;
        const { qty, customerId } = requests[i];
        return { kind: 'granted', hold: { id: newId(), productId, qty, expiresAt, customerId } };
      });
      const granted = decided.flatMap((o) => (o.kind === 'granted' ? [o.hold] : []));
      await this.holds.insertMany(manager, granted);
      await this.stock.hold(manager, productId, granted.reduce((sum, h) => sum + h.qty, 0) - freed.units);
      if (freed.count > 0) this.reportExpired(manager, productId, freed.count);
      for (const [i, outcome] of decided.entries()) this.reportDecision(manager, productId, requests[i], outcome);
      await this.recordDecisions(manager, requests, decided);
      return decided;
    });
  }

  /**
   * Expires the product's overdue holds and frees their units; the caller holds the product's
   * lock and a StockLedger transaction. The hold sweep and late payments use it.
   */
  async expireOverdueLocked(manager: EntityManager, productId: number, now: Date): Promise<number> {
    const freed = await this.holds.expireOverdue(manager, productId, now);
    if (freed.count === 0) return 0;
    await this.stock.release(manager, productId, freed.units);
    this.reportExpired(manager, productId, freed.count);
    return freed.count;
  }

  /** Products with active holds past their expiry (the sweep's work list; a read, no lock). */
  productsWithOverdueHolds(now: Date, limit: number): Promise<number[]> {
    return this.holds.productsWithOverdueHolds(now, limit);
  }

  /** The hold as last committed, outside any transaction (where a conversion starts). */
  find(id: string): Promise<Hold | null> {
    return this.holds.findById(id);
  }

  /**
   * Holds of one product read in the caller's transaction, which holds that product's lock: no
   * hold of it changes status while that lock is held, so these are current without a lock.
   */
  findManyUnderProductLock(manager: EntityManager, ids: string[]): Promise<Hold[]> {
    return this.holds.findManyById(manager, ids);
  }

  /**
   * Marks a batch of a product's locked, active holds as having become orders, in one statement.
   * Their units leave `reserved` through StockLedger.takeIntoOrders in the same transaction: the
   * caller does both.
   */
  markManyConverted(manager: EntityManager, ids: string[]): Promise<void> {
    return this.holds.setStatus(manager, ids, 'converted');
  }

  private reportExpired(manager: EntityManager, productId: number, count: number): void {
    this.stock.emitAfterCommit(manager, 'holds_expired', { count, products: [productId] });
  }

  private reportDecision(manager: EntityManager, productId: number, request: HoldRequest, outcome: GrantOutcome): void {
    if (outcome.kind === 'granted') {
      const { id, qty } = outcome.hold;
      this.stock.emitAfterCommit(manager, 'hold_created', {
        hold_id: id,
        product_id: productId,
        qty,
        customer_id: outcome.hold.customerId,
      });
    } else if (outcome.kind === 'insufficient') {
      this.stock.emitAfterCommit(manager, 'stock_contention', {
        reason: 'insufficient_stock',
        product_id: productId,
        requested: request.qty,
        available: outcome.available,
      });
    } else if (outcome.kind === 'limit-reached') {
      this.stock.emitAfterCommit(manager, 'stock_contention', {
        reason: 'customer_limit_reached',
        product_id: productId,
        requested: request.qty,
        remaining: outcome.remaining,
      });
    }
  }

  private async recordDecisions(manager: EntityManager, requests: HoldRequest[], outcomes: GrantOutcome[]): Promise<void> {
    for (const [i, request] of requests.entries()) {
      if (request.onDecided) await request.onDecided(manager, outcomes[i]);
    }
  }

  /**
   * `customerId` (null: anonymous mode) sees only their own holds; another's is unknown. An
   * active hold past its expiry reads as expired before any sweep has marked it. That answer
   * is final, so it is given only under the hold's row lock, with the time read after the lock:
   * a conversion or release that decided in time but has not committed yet is waited for (and
   * then read as it committed), and any that comes later reads a later time and finds it expired.
   */
  async get(id: string, customerId: string | null): Promise<HoldResponse> {
    const hold = await this.holds.findById(id);
    if (!hold || !ownedBy(hold, customerId)) throw new HoldNotFoundError(id);
    const now = this.clock.now();
    if (!isOverdue(hold, now)) return toHoldResponse(hold, now);
    return this.stock.transaction(async (manager) => {
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
  async release(id: string, customerId: string | null): Promise<HoldResponse> {
    const { hold, now } = await this.stock.transaction(async (manager) => {
      const found = await this.holds.findById(id, manager);
      if (!found || !ownedBy(found, customerId)) throw new HoldNotFoundError(id);
      await this.products.lockForUpdate(manager, found.productId);
      const locked = (await this.holds.lockById(manager, id)) as Hold;
      const lockedAt = this.clock.now();
      if (locked.status === 'converted') throw new HoldConvertedError(id);
      if (locked.status !== 'active') return { hold: locked, now: lockedAt };
      const status: HoldStatus = isOverdue(locked, lockedAt) ? 'expired' : 'released';
      await this.holds.setStatus(manager, id, status);
      await this.stock.release(manager, locked.productId, locked.qty);
      if (status === 'released') {
        this.stock.emitAfterCommit(manager, 'hold_released', { hold_id: id, product_id: locked.productId, qty: locked.qty });
      } else {
        this.reportExpired(manager, locked.productId, 1);
      }
      return { hold: { ...locked, status }, now: lockedAt };
    });
    return toHoldResponse(hold, now);
  }
}

/** The refusal a request's outcome stands for; null for a grant. */
function refusalOf(productId: number, qty: number, outcome: GrantOutcome): DomainError | null {
  switch (outcome.kind) {
    case 'granted':
      return null;
    case 'insufficient':
      return new InsufficientStockError(productId, qty, outcome.available);
    case 'limit-reached':
      return new CustomerLimitReachedError(productId, qty, outcome.limit, outcome.remaining);
    case 'not-started':
      return new SaleNotStartedError(productId, outcome.startsAt, outcome.now);
    case 'ended':
      return new SaleEndedError(productId, outcome.endsAt);
    case 'unknown-product':
      return new ProductNotFoundError(productId);
  }
}

function isOverdue(hold: Hold, now: Date): boolean {
  return hold.status === 'active' && hold.expiresAt.getTime() <= now.getTime();
}
