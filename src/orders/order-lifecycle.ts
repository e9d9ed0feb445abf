import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../core/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { StockLedger } from '../stock/stock-ledger.service';
import { Order } from './order';
import { isOverdue, latePaymentMove, OrderMove, transitionFor } from './order-transitions';
import { OrdersRepository } from './orders.repository';

/** Overdue orders expired per product and sweep; the rest wait for the next tick. */
const ORDERS_PER_PRODUCT_SWEEP = 1_000;

/**
 * Every move of an order between statuses after it was created (the rules: order-transitions.ts),
 * each with its units in the same transaction (through the StockLedger) and its event after the
 * commit:
 *
 *   pending ─ success ────────────→ paid
 *   pending ─ failed ─────────────→ failed      (units back)
 *   pending ─ pay_by passed ──────→ expired     (units back)
 *   pending ─ cancel ─────────────→ cancelled   (units back)
 *   expired | cancelled ─ success → paid        (units taken again, if free)
 *                                 → refund_due  (if not: the money goes back)
 *
 * Callers hold the product's row lock (the fixed lock order: product, then order), so two moves
 * of one order never interleave: whichever comes first wins, the other sees its result.
 */
@Injectable()
export class OrderLifecycle {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly orders: OrdersRepository,
    private readonly stock: StockLedger,
    private readonly clock: Clock,
  ) {}

  payBy(createdAt: Date): Date {
    return new Date(createdAt.getTime() + this.config.orderPaymentTimeoutSeconds * 1000);
  }

  /**
   * Locks the order and applies its deadline: a pending order past `pay_by` is expired here, so
   * whatever the caller does next starts from the order's real status. The clock is read after
   * the locks are held: a caller that waited for them decides by the time it got them.
   */
  async lockCurrent(manager: EntityManager, id: string): Promise<Order> {
    const order = (await this.orders.lockById(manager, id))!;
    if (isOverdue(order, this.clock.now())) {
      await this.expire(manager, order.productId, [order]);
      return { ...order, status: transitionFor('expire', order.status).to };
    }
    return order;
  }

  /**
   * A product's orders, current, with their deadline applied, for a caller holding that product's
   * lock: every move of an order happens under its product's lock, so a plain read is current
   * (no order lock needed), and a pending order past `pay_by` is expired here, all in one step.
   */
  async currentUnderProductLock(manager: EntityManager, productId: number, ids: string[]): Promise<Map<string, Order>> {
    const orders = await this.orders.findManyById(manager, ids);
    const now = this.clock.now();
    const overdue = orders.filter((o) => o.productId === productId && isOverdue(o, now));
    await this.expire(manager, productId, overdue);
    const expired = new Set(overdue.map((o) => o.id));
    return new Map(orders.map((o) => [o.id, expired.has(o.id) ? { ...o, status: transitionFor('expire', o.status).to } : o]));
  }

  /** Pays a product's pending orders (a batch of successful deliveries) in one statement. */
  async payMany(manager: EntityManager, productId: number, orders: Order[]): Promise<void> {
    await this.moveMany(manager, productId, orders, 'pay');
  }

  /** Fails a product's pending orders in one statement; their units go back in one step. */
  async failMany(manager: EntityManager, productId: number, orders: Order[]): Promise<void> {
    await this.moveMany(manager, productId, orders, 'fail');
  }

  /** The sweep's step for one product, under its lock: expires its overdue pending orders. */
  async expireOverdue(manager: EntityManager, productId: number): Promise<string[]> {
    const overdue = await this.orders.lockOverdue(manager, productId, this.clock.now(), ORDERS_PER_PRODUCT_SWEEP);
    await this.expire(manager, productId, overdue);
    return overdue.map((o) => o.id);
  }

  async cancel(manager: EntityManager, order: Order): Promise<Order> {
    const moved = await this.move(manager, order, 'cancel');
    this.stock.emitAfterCommit(manager, 'order_cancelled', this.fields(order));
    return moved;
  }

  pay(manager: EntityManager, order: Order): Promise<Order> {
    return this.move(manager, order, 'pay');
  }

  fail(manager: EntityManager, order: Order): Promise<Order> {
    return this.move(manager, order, 'fail');
  }

  /**
   * A payment for an order that had already given its units back (expired or cancelled): it is
   * paid if its units can be taken again now, else it is owed a refund. The units are taken
   * before the move, since whether they could be decides which move it is.
   */
  async payLate(manager: EntityManager, order: Order): Promise<Order> {
    transitionFor('pay-late', order.status); // a late payment of any other status moves no unit
    const moved = await this.move(
      manager,
      order,
      latePaymentMove(await this.stock.takeForLatePayment(manager, order.productId, order)),
    );
    if (moved.status === 'refund_due') {
      this.stock.emitAfterCommit(manager, 'payment_refund_due', {
        ...this.fields(order),
        amount: order.amount,
        previous_status: order.status,
      });
    }
    return moved;
  }

  private async expire(manager: EntityManager, productId: number, orders: Array<{ id: string; qty: number }>): Promise<void> {
    if (orders.length === 0) return;
    const { to, units } = transitionFor('expire', 'pending');
    const ids = orders.map((o) => o.id);
    const moved = await this.orders.transition(manager, ids, 'pending', to);
    if (moved !== orders.length) throw new Error(`expected to expire ${orders.length} locked order(s), expired ${moved}`);
    if (units.kind === 'return') await this.stock.returnOrderUnits(manager, productId, orders, units.reason);
    this.stock.emitAfterCommit(manager, 'order_expired', { count: ids.length, order_ids: ids, product_id: productId });
  }

  /**
   * One order's move by the rules, with its units given back when the move says so. Throws when
   * the rules do not allow it, or when the order is not in the status the caller locked it in (a
   * broken lock order).
   */
  private async move(manager: EntityManager, order: Order, move: OrderMove): Promise<Order> {
    const { to, units } = transitionFor(move, order.status);
    if ((await this.orders.transition(manager, [order.id], order.status, to)) !== 1) {
      throw new Error(`order ${order.id} was not ${order.status} under its lock`);
    }
    if (units.kind === 'return') await this.stock.returnOrderUnits(manager, order.productId, [order], units.reason);
    return { ...order, status: to };
  }

  /** move() for several orders of one product, all in the same status (pay and fail start from pending). */
  private async moveMany(manager: EntityManager, productId: number, orders: Order[], move: 'pay' | 'fail'): Promise<void> {
    if (orders.length === 0) return;
    const from = orders[0].status;
    const { to, units } = transitionFor(move, from);
    if (orders.some((o) => o.status !== from)) throw new Error(`a batch of ${move} moves orders from more than one status`);
    const moved = await this.orders.transition(
      manager,
      orders.map((o) => o.id),
      from,
      to,
    );
    if (moved !== orders.length)
      throw new Error(`expected ${orders.length} ${from} order(s) under the product lock, moved ${moved}`);
    if (units.kind === 'return') await this.stock.returnOrderUnits(manager, productId, orders, units.reason);
  }

  private fields(order: Order): Record<string, unknown> {
    return { order_id: order.id, product_id: order.productId, qty: order.qty };
  }
}
