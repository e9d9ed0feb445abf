import { Injectable } from '@nestjs/common';
import { Clock } from '../core/clock';
import { DomainEventName, DomainEvents } from '../core/domain-events';
import { OrderNotFoundError } from '../core/errors';
import { TransactionRunner } from '../database/transaction-runner';
import { isDuplicateKey } from '../database/db-errors';
import { OrderStatus } from '../orders/order';
import { OrdersRepository } from '../orders/orders.repository';
import { ProductCache } from '../products/product-cache';
import { ProductsRepository } from '../products/products.repository';
import { PaymentWebhookDto } from './dto/payment-webhook.dto';
import { WebhookResult } from './webhook-log';
import { WebhookLogsRepository } from './webhook-logs.repository';

export interface WebhookResponse {
  result: Exclude<WebhookResult, 'not_found'>;
  order_status: OrderStatus;
}

/** Log events of the deliveries that change nothing; a processed one is payment_success|failed. */
const EVENTS: Record<Exclude<WebhookResult, 'processed'>, DomainEventName> = {
  duplicate: 'webhook_dedupe',
  ignored: 'webhook_out_of_order',
  not_found: 'webhook_retry_required',
};

@Injectable()
export class PaymentsService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly orders: OrdersRepository,
    private readonly products: ProductsRepository,
    private readonly logs: WebhookLogsRepository,
    private readonly cache: ProductCache,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Applies one delivery from the payment gateway. The idempotency key is consumed by inserting
   * it into a unique column in the same transaction as the order's change, so of any number of
   * deliveries of one key (however concurrent) exactly one acts; the database decides, not a
   * prior read. A delivery for an unknown order is logged but does not consume its key.
   */
  async applyDelivery(delivery: PaymentWebhookDto, payload: string): Promise<WebhookResponse> {
    const receivedAt = this.clock.now();
    const entry = {
      idempotencyKey: delivery.idempotency_key,
      orderId: delivery.order_id,
      paymentStatus: delivery.status,
      payload,
      receivedAt,
    };

    const outcome = await this.tx.run(async (manager) => {
      const found = await this.orders.findById(delivery.order_id, manager);
      if (!found) {
        await this.logs.insert(manager, { ...entry, consumedKey: null, result: 'not_found', orderStatus: null });
        return { result: 'not_found' as const, productId: 0, qty: 0, orderStatus: null };
      }
      await this.products.lockForUpdate(manager, found.productId);
      const order = (await this.orders.lockById(manager, found.id))!;
      const actionable = order.status === 'pending';
      const orderStatus: OrderStatus = actionable ? (delivery.status === 'success' ? 'paid' : 'failed') : order.status;
      const result: WebhookResult = actionable ? 'processed' : 'ignored';
      try {
        await this.logs.insert(manager, { ...entry, consumedKey: entry.idempotencyKey, result, orderStatus });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // Only the failed statement is undone (on either engine): the transaction goes on to log the duplicate.
        await this.logs.insert(manager, { ...entry, consumedKey: null, result: 'duplicate', orderStatus: order.status });
        return { result: 'duplicate' as const, productId: order.productId, qty: order.qty, orderStatus: order.status };
      }
      if (actionable) {
        await this.orders.finalize(manager, order.id, orderStatus as 'paid' | 'failed');
        if (orderStatus === 'failed') await this.products.returnToStock(manager, order.productId, order.qty);
      }
      return { result, productId: order.productId, qty: order.qty, orderStatus };
    });

    const event: DomainEventName =
      outcome.result === 'processed' ? `payment_${delivery.status}` : EVENTS[outcome.result];
    this.events.emit(event, {
      order_id: delivery.order_id,
      idempotency_key: delivery.idempotency_key,
      status: delivery.status,
      order_status: outcome.orderStatus,
    });
    if (outcome.result === 'not_found') throw new OrderNotFoundError(delivery.order_id);
    if (outcome.result === 'processed' && outcome.orderStatus === 'failed') {
      await this.cache.invalidate(outcome.productId);
    }
    return { result: outcome.result, order_status: outcome.orderStatus };
  }
}
