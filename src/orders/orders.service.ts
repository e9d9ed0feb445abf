import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ownedBy } from '../auth/principal';
import { Clock } from '../core/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import {
  DomainError,
  HoldExpiredError,
  HoldNotFoundError,
  HoldReleasedError,
  OrderNotCancellableError,
  OrderNotFoundError,
} from '../core/errors';
import { newId } from '../core/ids';
import { multiplyMoney } from '../core/money';
import { TransactionRunner } from '../database/transaction-runner';
import { AnswerRecorder, UseCaseAnswer } from '../idempotency/idempotency-claim';
import { Hold } from '../holds/hold';
import { ProductBatcher } from '../database/product-batcher';
import { HoldsService } from '../holds/holds.service';
import { ProductsService } from '../products/products.service';
import { StockLedger } from '../stock/stock-ledger.service';
import { Order } from './order';
import { OrderLifecycle } from './order-lifecycle';
import { cancelAnswer, isOverdue } from './order-transitions';
import { OrderResponse, toOrderResponse } from './order.response';
import { OrderFilter, OrdersRepository } from './orders.repository';

export interface ConvertResult {
  order: OrderResponse;
  /** False when the hold had already become this order: the same answer, nothing done again. */
  created: boolean;
}

type Conversion =
  { kind: 'created'; order: Order } | { kind: 'existing'; order: Order } | { kind: 'refused'; error: DomainError };

/** A conversion waiting for its product's batch: the hold as read before, and its recorder. */
interface ConversionRequest {
  hold: Hold;
  onAnswered?: AnswerRecorder;
}

@Injectable()
export class OrdersService {
  /**
   * Group commit of conversions per product, as for holds (HOLD_BATCHING, HOLD_BATCH_MAX,
   * HOLD_QUEUE_MAX); null when HOLD_BATCHING=off: one transaction per conversion.
   */
  private readonly batcher: ProductBatcher<ConversionRequest, Conversion> | null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly stock: StockLedger,
    private readonly tx: TransactionRunner,
    private readonly lifecycle: OrderLifecycle,
    private readonly orders: OrdersRepository,
    private readonly holds: HoldsService,
    private readonly products: ProductsService,
    private readonly clock: Clock,
  ) {
    this.batcher = config.holdBatching
      ? new ProductBatcher((productId, requests) => this.convertBatch(productId, requests), {
          maxBatch: config.holdBatchMax,
          maxQueue: config.holdQueueMax,
          kind: 'order',
        })
      : null;
  }

  /** Shutdown waits until every queued conversion has its real answer. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.batcher?.drain();
  }

  /**
   * Turns an active hold into an order: in one transaction the units leave `stock`, stop counting
   * in `reserved`, and the hold is marked converted. One hold makes at most one order.
   * `onAnswered` runs inside that transaction with the answer (201, 200 or the refusal), for
   * what must commit with it (an Idempotency-Key's record).
   *
   * The hold is read first, outside any transaction: its product and owner never change, and a
   * converted, released or expired hold never changes again, so those are answered from that
   * read. An active one joins its product's next batch, which decides it under the product lock.
   */
  async convertToOrder(holdId: string, customerId: string | null, onAnswered?: AnswerRecorder): Promise<ConvertResult> {
    const found = await this.holds.find(holdId);
    const outcome =
      found && ownedBy(found, customerId) && found.status === 'active'
        ? this.batcher
          ? await this.batcher.submit(found.productId, { hold: found, onAnswered })
          : (await this.convertBatch(found.productId, [{ hold: found, onAnswered }]))[0]
        : await this.answerFinal(holdId, found && ownedBy(found, customerId) ? found : null, onAnswered);
    if (outcome.kind === 'refused') throw outcome.error;
    return { order: this.respond(outcome.order), created: outcome.kind === 'created' };
  }

  /** A hold that is unknown (or another customer's) or no longer active: its answer never changes. */
  private async answerFinal(holdId: string, hold: Hold | null, onAnswered?: AnswerRecorder): Promise<Conversion> {
    const decide = async (manager?: EntityManager): Promise<Conversion> => {
      // Another customer's hold is answered exactly as an unknown one.
      if (!hold) return { kind: 'refused', error: new HoldNotFoundError(holdId) };
      if (hold.status === 'released') return { kind: 'refused', error: new HoldReleasedError(holdId) };
      if (hold.status === 'expired') return { kind: 'refused', error: new HoldExpiredError(holdId) };
      const [order] = await this.orders.findByHoldIds([holdId], manager);
      return { kind: 'existing', order };
    };
    if (!onAnswered) return decide();
    return this.tx.run(async (manager) => {
      const decided = await decide(manager);
      await onAnswered(manager, this.answerOf(decided));
      return decided;
    });
  }

  /**
   * Decides a product's waiting conversions in one transaction: lock the product, read the holds
   * (current under that lock), expire them if overdue, and convert every active one: the holds
   * marked in one statement, the orders inserted in one, the units moved in one and their
   * movements in one. The same hold twice in a batch makes one order (the second answer is 200).
   */
  private convertBatch(productId: number, requests: ConversionRequest[]): Promise<Conversion[]> {
    return this.stock.transaction(async (manager) => {
      const product = (await this.products.lockForUpdate(manager, productId))!;
      const ids = [...new Set(requests.map((r) => r.hold.id))];
      const holds = new Map((await this.holds.findManyUnderProductLock(manager, ids)).map((h) => [h.id, h]));
      // Read after the lock: a batch that waited for it decides expiry by the time it got it.
      const now = this.clock.now();
      const made = new Map<string, Order>();
      const converted: string[] = [];
      let overdue = false;
      const decided = requests.map(({ hold: { id } }): Conversion | string => {
        const hold = holds.get(id)!;
        const earlier = made.get(id);
        if (earlier) return { kind: 'existing', order: earlier };
        switch (hold.status) {
          case 'converted':
            converted.push(id);
            return id;
          case 'released':
            return { kind: 'refused', error: new HoldReleasedError(id) };
          case 'expired':
            return { kind: 'refused', error: new HoldExpiredError(id) };
        }
        if (hold.expiresAt.getTime() <= now.getTime()) {
          overdue = true;
          return { kind: 'refused', error: new HoldExpiredError(id) };
        }
        const order: Order = {
          id: newId(),
          holdId: id,
          productId,
          qty: hold.qty,
          amount: multiplyMoney(product.price, hold.qty),
          status: 'pending',
          customerId: hold.customerId,
          payBy: this.lifecycle.payBy(now),
          createdAt: now,
          updatedAt: now,
        };
        made.set(id, order);
        return { kind: 'created', order };
      });
      // Overdue but not yet swept: expire them (and their overdue neighbours) now, committed, then 410.
      if (overdue) await this.holds.expireOverdueLocked(manager, productId, now);
      // Converted before this batch (by another instance, or a batch just ahead): answered with its order.
      const existing = new Map((await this.orders.findByHoldIds(converted, manager)).map((o) => [o.holdId, o]));
      const created = [...made.values()];
      await this.holds.markManyConverted(
        manager,
        created.map((o) => o.holdId),
      );
      await this.orders.insertMany(manager, created);
      await this.stock.takeIntoOrders(manager, productId, created);
      for (const order of created) {
        this.stock.emitAfterCommit(manager, 'order_created', {
          order_id: order.id,
          hold_id: order.holdId,
          product_id: order.productId,
          qty: order.qty,
          amount: order.amount,
        });
      }
      const outcomes = decided.map((d): Conversion =>
        typeof d === 'string' ? { kind: 'existing', order: existing.get(d)! } : d,
      );
      for (const [i, { onAnswered }] of requests.entries()) {
        if (onAnswered) await onAnswered(manager, this.answerOf(outcomes[i]));
      }
      return outcomes;
    });
  }

  /**
   * A pending order past its pay_by reads as expired before any sweep has marked it. That answer
   * is final, so (as for holds) it is given only under the order's row lock with the time read
   * after it: a payment decided in time but not yet committed is waited for and read as paid.
   */
  async get(id: string, customerId: string | null): Promise<OrderResponse> {
    const order = await this.orders.findById(id);
    if (!order || !ownedBy(order, customerId)) throw new OrderNotFoundError(id);
    if (!isOverdue(order, this.clock.now())) return this.respond(order);
    // Only this one row is locked and nothing is waited for while holding it: no deadlock cycle.
    return this.tx.run(async (manager) => this.respond((await this.orders.lockById(manager, id))!));
  }

  /** The order as last committed, outside any transaction (where a payment starts). */
  find(id: string): Promise<Order | null> {
    return this.orders.findById(id);
  }

  /** Products with pending orders past their pay_by (the sweep's work list; a read, no lock). */
  productsWithOverdueOrders(now: Date, limit: number): Promise<number[]> {
    return this.orders.productsWithOverdueOrders(now, limit);
  }

  /** Every customer's orders, for the operators. */
  async list(filter: OrderFilter): Promise<{ data: OrderResponse[] }> {
    return { data: (await this.orders.list(filter)).map((order) => this.respond(order)) };
  }

  /**
   * Gives a pending order's units back and closes it. Cancelling twice answers the same; an order
   * whose deadline passed is expired (first, if no sweep got to it) and answered as it is; a paid
   * or failed order, or one owed a refund, cannot be cancelled.
   */
  async cancel(id: string, customerId: string | null): Promise<OrderResponse> {
    const order = await this.stock.transaction(async (manager) => {
      const found = await this.orders.findById(id, manager);
      if (!found || !ownedBy(found, customerId)) throw new OrderNotFoundError(id);
      await this.products.lockForUpdate(manager, found.productId);
      const current = await this.lifecycle.lockCurrent(manager, id);
      switch (cancelAnswer(current.status)) {
        case 'cancel':
          return this.lifecycle.cancel(manager, current);
        case 'as-is':
          return current;
        case 'refuse':
          throw new OrderNotCancellableError(id, current.status);
      }
    });
    return this.respond(order);
  }

  private respond(order: Order): OrderResponse {
    return toOrderResponse(order, this.clock.now());
  }

  private answerOf(conversion: Conversion): UseCaseAnswer {
    switch (conversion.kind) {
      case 'refused':
        return conversion.error;
      case 'existing':
        return { status: 200, body: this.respond(conversion.order) };
      case 'created':
        return { status: 201, body: this.respond(conversion.order) };
    }
  }
}
