import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../core/clock';
import { DomainEventName } from '../core/domain-events';
import { OrderNotFoundError } from '../core/errors';
import { isDuplicateKey } from '../database/db-errors';
import { HoldsService } from '../holds/holds.service';
import { Order, OrderStatus } from '../orders/order';
import { OrderLifecycle } from '../orders/order-lifecycle';
import { latePaymentMove, transitionFor } from '../orders/order-transitions';
import { OrdersService } from '../orders/orders.service';
import { ProductsService } from '../products/products.service';
import { StockLedger } from '../stock/stock-ledger.service';
import { PaymentWebhookDto } from './dto/payment-webhook.dto';
import { decidePayment } from './payment-decision';
import { WebhookResult } from './webhook-log';
import { WebhookLogEntry, WebhookLogsRepository } from './webhook-logs.repository';

export interface WebhookResponse {
  result: Exclude<WebhookResult, 'not_found'>;
  order_status: OrderStatus;
}

/** Log events of the deliveries that change nothing. */
const EVENTS: Record<Exclude<WebhookResult, 'processed'>, DomainEventName> = {
  duplicate: 'webhook_dedupe',
  ignored: 'webhook_out_of_order',
  not_found: 'webhook_retry_required',
};

type Applied = { result: WebhookResult; orderStatus: OrderStatus | null };

@Injectable()
export class PaymentsService {
  constructor(
    private readonly stock: StockLedger,
    private readonly lifecycle: OrderLifecycle,
    private readonly orders: OrdersService,
    private readonly holds: HoldsService,
    private readonly products: ProductsService,
    private readonly logs: WebhookLogsRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Applies one delivery from the payment gateway. The idempotency key is consumed by inserting
   * it into a unique column in the same transaction as the order's change, so of any number of
   * deliveries of one key (however concurrent) exactly one acts; the database decides, not a
   * prior read. A delivery for an unknown order is logged but does not consume its key.
   */
  async applyDelivery(delivery: PaymentWebhookDto, payload: string): Promise<WebhookResponse> {
    const entry = {
      idempotencyKey: delivery.idempotency_key,
      orderId: delivery.order_id,
      paymentStatus: delivery.status,
      payload,
      receivedAt: this.clock.now(),
    };
    const outcome = await this.stock.transaction(async (manager): Promise<Applied> => {
      const applied = await this.apply(manager, delivery, entry);
      // A refund owed is reported by the order's lifecycle (payment_refund_due, with the amount).
      if (applied.orderStatus !== 'refund_due' || applied.result !== 'processed') {
        const event: DomainEventName = applied.result === 'processed' ? `payment_${delivery.status}` : EVENTS[applied.result];
        this.stock.emitAfterCommit(manager, event, {
          order_id: delivery.order_id,
          idempotency_key: delivery.idempotency_key,
          status: delivery.status,
          order_status: applied.orderStatus,
        });
      }
      return applied;
    });
    if (outcome.result === 'not_found') throw new OrderNotFoundError(delivery.order_id);
    return { result: outcome.result, order_status: outcome.orderStatus! };
  }

  private async apply(
    manager: EntityManager,
    delivery: PaymentWebhookDto,
    entry: Omit<WebhookLogEntry, 'consumedKey' | 'result' | 'orderStatus'>,
  ): Promise<Applied> {
    const found = await this.orders.findInTransaction(manager, delivery.order_id);
    if (!found) {
      await this.logs.insert(manager, { ...entry, consumedKey: null, result: 'not_found', orderStatus: null });
      return { result: 'not_found', orderStatus: null };
    }
    await this.products.lockForUpdate(manager, found.productId);
    // A pending order past its pay_by is expired first: the deadline decides, not the delivery.
    const order = await this.lifecycle.lockCurrent(manager, found.id);
    const decision = decidePayment(order.status, delivery.status);
    if (decision === 'pay-late') {
      // Holds that have already expired must not stand between a paying customer and the units.
      await this.holds.expireOverdueLocked(manager, order.productId, this.clock.now());
    }
    // The outcome is decided under the product lock before the key is consumed, so the log row
    // records it; nothing below can change it.
    const after: Order = decision === 'ignore' ? order : { ...order, status: await this.outcomeOf(manager, order, decision) };
    const result: WebhookResult = decision === 'ignore' ? 'ignored' : 'processed';
    try {
      await this.logs.insert(manager, { ...entry, consumedKey: entry.idempotencyKey, result, orderStatus: after.status });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Only the failed statement is undone (on either engine): the transaction goes on to log the duplicate.
      await this.logs.insert(manager, { ...entry, consumedKey: null, result: 'duplicate', orderStatus: order.status });
      return { result: 'duplicate', orderStatus: order.status };
    }
    switch (decision) {
      case 'pay':
        await this.lifecycle.pay(manager, order);
        break;
      case 'fail':
        await this.lifecycle.fail(manager, order);
        break;
      case 'pay-late': {
        const late = await this.lifecycle.payLate(manager, order);
        if (late.status !== after.status) throw new Error(`late payment of ${order.id} moved units it had not counted`);
        break;
      }
    }
    return { result, orderStatus: after.status };
  }

  /** The status a processed delivery leads to (late: paid only if the units are free now). */
  private async outcomeOf(manager: EntityManager, order: Order, decision: 'pay' | 'fail' | 'pay-late'): Promise<OrderStatus> {
    if (decision !== 'pay-late') return transitionFor(decision, order.status).to;
    const free = (await this.stock.unheldUnits(manager, order.productId)) >= order.qty;
    return transitionFor(latePaymentMove(free), order.status).to;
  }
}
