import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../core/clock';
import { DomainEvents } from '../core/domain-events';
import {
  DomainError,
  HoldExpiredError,
  HoldNotFoundError,
  HoldReleasedError,
  OrderNotFoundError,
} from '../core/errors';
import { newId } from '../core/ids';
import { multiplyMoney } from '../core/money';
import { TransactionRunner } from '../database/transaction-runner';
import { AnswerRecorder, UseCaseAnswer } from '../idempotency/idempotency-claim';
import { Hold } from '../holds/hold';
import { HoldsRepository } from '../holds/holds.repository';
import { ProductCache } from '../products/product-cache';
import { ProductsRepository } from '../products/products.repository';
import { Order } from './order';
import { OrderResponse, toOrderResponse } from './order.response';
import { OrdersRepository } from './orders.repository';

export interface ConvertResult {
  order: OrderResponse;
  /** False when the hold had already become this order: the same answer, nothing done again. */
  created: boolean;
}

type Conversion =
  | { kind: 'created'; order: Order }
  | { kind: 'existing'; order: Order }
  | { kind: 'refused'; error: DomainError; expiredHold?: Hold };

@Injectable()
export class OrdersService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly orders: OrdersRepository,
    private readonly holds: HoldsRepository,
    private readonly products: ProductsRepository,
    private readonly cache: ProductCache,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Turns an active hold into an order: in one transaction the units leave `stock`, stop counting
   * in `reserved`, and the hold is marked converted. One hold makes at most one order.
   * `onAnswered` runs inside that transaction with the answer (201, 200 or the refusal), for
   * what must commit with it (an Idempotency-Key's record).
   */
  async convertToOrder(holdId: string, onAnswered?: AnswerRecorder): Promise<ConvertResult> {
    const outcome = await this.tx.run(async (manager): Promise<Conversion> => {
      const decided = await this.decide(manager, holdId);
      if (onAnswered) await onAnswered(manager, answerOf(decided));
      return decided;
    });
    return this.publish(outcome);
  }

  private async decide(manager: EntityManager, holdId: string): Promise<Conversion> {
    const found = await this.holds.findById(holdId, manager);
    if (!found) return { kind: 'refused', error: new HoldNotFoundError(holdId) };
    if (found.status === 'converted') return this.existingOrder(manager, holdId);

    const product = await this.products.lockForUpdate(manager, found.productId);
    const hold = (await this.holds.lockById(manager, holdId)) as Hold;
    // Expiry is decided by the time at which the locks are held: a request that waited for them
    // past the hold's expiry must not turn a hold that others already read as expired into an order.
    const now = this.clock.now();
    switch (hold.status) {
      case 'converted':
        return this.existingOrder(manager, holdId);
      case 'released':
        return { kind: 'refused', error: new HoldReleasedError(holdId) };
      case 'expired':
        return { kind: 'refused', error: new HoldExpiredError(holdId) };
    }
    if (hold.expiresAt.getTime() <= now.getTime()) {
      // Overdue but not yet swept: expire it here and now (committed), then answer 410.
      await this.holds.setStatus(manager, holdId, 'expired');
      await this.products.addReserved(manager, hold.productId, -hold.qty);
      return { kind: 'refused', error: new HoldExpiredError(holdId), expiredHold: hold };
    }

    const order: Order = {
      id: newId(),
      holdId,
      productId: hold.productId,
      qty: hold.qty,
      amount: multiplyMoney(product!.price, hold.qty),
      status: 'pending',
      createdAt: now,
      updatedAt: now,
    };
    await this.products.takeHeldIntoOrder(manager, hold.productId, hold.qty);
    await this.holds.setStatus(manager, holdId, 'converted');
    await this.orders.insert(manager, order);
    return { kind: 'created', order };
  }

  private async publish(outcome: Conversion): Promise<ConvertResult> {
    switch (outcome.kind) {
      case 'refused':
        if (outcome.expiredHold) {
          await this.cache.invalidate(outcome.expiredHold.productId);
          this.events.emit('holds_expired', { count: 1, products: [outcome.expiredHold.productId] });
        }
        throw outcome.error;
      case 'existing':
        return { order: toOrderResponse(outcome.order), created: false };
      case 'created': {
        const { order } = outcome;
        await this.cache.invalidate(order.productId);
        this.events.emit('order_created', {
          order_id: order.id,
          hold_id: order.holdId,
          product_id: order.productId,
          qty: order.qty,
          amount: order.amount,
        });
        return { order: toOrderResponse(order), created: true };
      }
    }
  }

  async get(id: string): Promise<OrderResponse> {
    const order = await this.orders.findById(id);
    if (!order) throw new OrderNotFoundError(id);
    return toOrderResponse(order);
  }

  private async existingOrder(manager: EntityManager, holdId: string): Promise<Conversion> {
    const order = await this.orders.findByHoldId(manager, holdId);
    return { kind: 'existing', order: order as Order };
  }
}

function answerOf(conversion: Conversion): UseCaseAnswer {
  switch (conversion.kind) {
    case 'refused':
      return conversion.error;
    case 'existing':
      return { status: 200, body: toOrderResponse(conversion.order) };
    case 'created':
      return { status: 201, body: toOrderResponse(conversion.order) };
  }
}
