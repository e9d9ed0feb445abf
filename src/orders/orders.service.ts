import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ownedBy } from '../auth/principal';
import { Clock } from '../core/clock';
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

@Injectable()
export class OrdersService {
  constructor(
    private readonly stock: StockLedger,
    private readonly tx: TransactionRunner,
    private readonly lifecycle: OrderLifecycle,
    private readonly orders: OrdersRepository,
    private readonly holds: HoldsService,
    private readonly products: ProductsService,
    private readonly clock: Clock,
  ) {}

  /**
   * Turns an active hold into an order: in one transaction the units leave `stock`, stop counting
   * in `reserved`, and the hold is marked converted. One hold makes at most one order.
   * `onAnswered` runs inside that transaction with the answer (201, 200 or the refusal), for
   * what must commit with it (an Idempotency-Key's record).
   */
  async convertToOrder(holdId: string, customerId: string | null, onAnswered?: AnswerRecorder): Promise<ConvertResult> {
    const outcome = await this.stock.transaction(async (manager): Promise<Conversion> => {
      const decided = await this.decide(manager, holdId, customerId);
      if (onAnswered) await onAnswered(manager, this.answerOf(decided));
      return decided;
    });
    if (outcome.kind === 'refused') throw outcome.error;
    return { order: this.respond(outcome.order), created: outcome.kind === 'created' };
  }

  private async decide(manager: EntityManager, holdId: string, customerId: string | null): Promise<Conversion> {
    const found = await this.holds.findInTransaction(manager, holdId);
    // Another customer's hold is answered exactly as an unknown one.
    if (!found || !ownedBy(found, customerId)) return { kind: 'refused', error: new HoldNotFoundError(holdId) };
    if (found.status === 'converted') return this.existingOrder(manager, holdId);

    const product = await this.products.lockForUpdate(manager, found.productId);
    const hold = (await this.holds.lockHold(manager, holdId)) as Hold;
    switch (hold.status) {
      case 'converted':
        return this.existingOrder(manager, holdId);
      case 'released':
        return { kind: 'refused', error: new HoldReleasedError(holdId) };
      case 'expired':
        return { kind: 'refused', error: new HoldExpiredError(holdId) };
    }
    const now = this.clock.now();
    if (hold.expiresAt.getTime() <= now.getTime()) {
      // Overdue but not yet swept: expire it (and its overdue neighbours) now, committed, then 410.
      await this.holds.expireOverdueLocked(manager, hold.productId, now);
      return { kind: 'refused', error: new HoldExpiredError(holdId) };
    }

    const order: Order = {
      id: newId(),
      holdId,
      productId: hold.productId,
      qty: hold.qty,
      amount: multiplyMoney(product!.price, hold.qty),
      status: 'pending',
      customerId: hold.customerId,
      payBy: this.lifecycle.payBy(now),
      createdAt: now,
      updatedAt: now,
    };
    await this.holds.markConverted(manager, holdId);
    await this.orders.insert(manager, order);
    await this.stock.takeIntoOrder(manager, hold.productId, order);
    this.stock.emitAfterCommit(manager, 'order_created', {
      order_id: order.id,
      hold_id: order.holdId,
      product_id: order.productId,
      qty: order.qty,
      amount: order.amount,
    });
    return { kind: 'created', order };
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

  /** The order as the caller's transaction sees it, unlocked (payments start from it). */
  findInTransaction(manager: EntityManager, id: string): Promise<Order | null> {
    return this.orders.findById(id, manager);
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

  private async existingOrder(manager: EntityManager, holdId: string): Promise<Conversion> {
    const order = await this.orders.findByHoldId(manager, holdId);
    return { kind: 'existing', order: order as Order };
  }
}
