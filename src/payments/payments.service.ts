import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../core/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainEventName } from '../core/domain-events';
import { OrderNotFoundError } from '../core/errors';
import { isDuplicateKey } from '../database/db-errors';
import { ProductBatcher } from '../database/product-batcher';
import { HoldsService } from '../holds/holds.service';
import { Order, OrderStatus } from '../orders/order';
import { OrderLifecycle } from '../orders/order-lifecycle';
import { latePaymentMove, transitionFor } from '../orders/order-transitions';
import { OrdersService } from '../orders/orders.service';
import { ProductsService } from '../products/products.service';
import { StockLedger } from '../stock/stock-ledger.service';
import { PaymentWebhookDto } from './dto/payment-webhook.dto';
import { decidePayment, PaymentDecision } from './payment-decision';
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

type LogEntryBase = Omit<WebhookLogEntry, 'consumedKey' | 'result' | 'orderStatus'>;

/** A delivery waiting for its order's product batch. */
interface DeliveryRequest {
  delivery: PaymentWebhookDto;
  entry: LogEntryBase;
}

/** What a batch decided for one delivery, before anything of it is written. */
interface Planned {
  request: DeliveryRequest;
  applied: Applied;
  log: WebhookLogEntry;
  /** The order as it was before this delivery, and what the delivery does to it. */
  order?: Order;
  decision?: PaymentDecision;
}

@Injectable()
export class PaymentsService {
  /**
   * Group commit of deliveries per product, as for holds and orders (HOLD_BATCHING,
   * HOLD_BATCH_MAX, HOLD_QUEUE_MAX); null when HOLD_BATCHING=off: one transaction each.
   */
  private readonly batcher: ProductBatcher<DeliveryRequest, Applied> | null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly stock: StockLedger,
    private readonly lifecycle: OrderLifecycle,
    private readonly orders: OrdersService,
    private readonly holds: HoldsService,
    private readonly products: ProductsService,
    private readonly logs: WebhookLogsRepository,
    private readonly clock: Clock,
  ) {
    this.batcher = config.holdBatching
      ? new ProductBatcher((productId, requests) => this.applyBatch(productId, requests), {
          maxBatch: config.holdBatchMax,
          maxQueue: config.holdQueueMax,
          kind: 'payment',
        })
      : null;
  }

  /** Shutdown waits until every queued delivery has its real answer. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.batcher?.drain();
  }

  /**
   * Applies one delivery from the payment gateway. The idempotency key is consumed by inserting
   * it into a unique column in the same transaction as the order's change, so of any number of
   * deliveries of one key (however concurrent) exactly one acts. A delivery for an unknown order
   * is logged but does not consume its key.
   *
   * The order is read first, outside any transaction (its product never changes); the delivery
   * then joins that product's next batch, decided under the product lock.
   */
  async applyDelivery(delivery: PaymentWebhookDto, payload: string): Promise<WebhookResponse> {
    const entry: LogEntryBase = {
      idempotencyKey: delivery.idempotency_key,
      orderId: delivery.order_id,
      paymentStatus: delivery.status,
      payload,
      receivedAt: this.clock.now(),
    };
    const found = await this.orders.find(delivery.order_id);
    const request = { delivery, entry };
    const outcome = !found
      ? await this.logUnknown(request)
      : this.batcher
        ? await this.batcher.submit(found.productId, request)
        : (await this.applyBatch(found.productId, [request]))[0];
    if (outcome.result === 'not_found') throw new OrderNotFoundError(delivery.order_id);
    return { result: outcome.result, order_status: outcome.orderStatus! };
  }

  private logUnknown(request: DeliveryRequest): Promise<Applied> {
    return this.stock.transaction(async (manager) => {
      const applied: Applied = { result: 'not_found', orderStatus: null };
      await this.logs.insert(manager, { ...request.entry, consumedKey: null, result: 'not_found', orderStatus: null });
      this.report(manager, request.delivery, applied);
      return applied;
    });
  }

  /**
   * Decides a product's waiting deliveries in one transaction, in arrival order: lock the
   * product, read their orders (current under that lock) with deadlines applied, and see which
   * keys are consumed already; decide each delivery as if alone, in turn (a second delivery for
   * an order sees what the first did); then write every log row in one statement, and move the
   * orders (paid in one statement, failed in one plus their units). The outcome of every delivery
   * is decided before its key is consumed, so each log row records it.
   */
  private applyBatch(productId: number, requests: DeliveryRequest[]): Promise<Applied[]> {
    return this.stock.transaction(async (manager) => {
      await this.products.lockForUpdate(manager, productId);
      const orders = await this.lifecycle.currentUnderProductLock(manager, productId, [
        ...new Set(requests.map((r) => r.delivery.order_id)),
      ]);
      const consumed = await this.logs.consumedKeys(manager, [...new Set(requests.map((r) => r.delivery.idempotency_key))]);
      let unheld: number | null = null;
      const planned: Planned[] = [];
      for (const request of requests) {
        const { delivery } = request;
        const order = orders.get(delivery.order_id);
        if (!order) {
          // Gone between the first read and this batch: orders are never deleted, so this is a bug.
          throw new Error(`order ${delivery.order_id} vanished under its product lock`);
        }
        const key = delivery.idempotency_key;
        if (consumed.has(key)) {
          planned.push(this.plan(request, 'duplicate', order.status, null));
          continue;
        }
        consumed.add(key);
        const decision = decidePayment(order.status, delivery.status);
        if (decision === 'ignore') {
          planned.push(this.plan(request, 'ignored', order.status, key));
          continue;
        }
        let after: OrderStatus = decision === 'pay-late' ? order.status : transitionFor(decision, order.status).to;
        if (decision === 'pay-late') {
          if (unheld === null) {
            // Holds that have already expired must not stand between a paying customer and the units.
            await this.holds.expireOverdueLocked(manager, productId, this.clock.now());
            unheld = await this.stock.unheldUnits(manager, productId);
          }
          const free = unheld >= order.qty;
          after = transitionFor(latePaymentMove(free), order.status).to;
          if (free) unheld -= order.qty;
        }
        orders.set(order.id, { ...order, status: after });
        planned.push({ ...this.plan(request, 'processed', after, key), order, decision });
      }
      try {
        await this.logs.insertMany(
          manager,
          planned.map((p) => p.log),
        );
      } catch (error) {
        // A key consumed meanwhile by a delivery for another product's order. Alone, this
        // delivery is a duplicate: only the failed statement was undone, the transaction goes on.
        // In a batch, the batch fails and the batcher decides each delivery alone.
        if (!isDuplicateKey(error) || planned.length > 1) throw error;
        const [only] = planned;
        const status = only.order?.status ?? only.applied.orderStatus!;
        const duplicate = this.plan(only.request, 'duplicate', status, null);
        await this.logs.insert(manager, duplicate.log);
        this.report(manager, only.request.delivery, duplicate.applied);
        return [duplicate.applied];
      }
      const moving = (decision: PaymentDecision) => planned.filter((p) => p.decision === decision).map((p) => p.order!);
      await this.lifecycle.payMany(manager, productId, moving('pay'));
      await this.lifecycle.failMany(manager, productId, moving('fail'));
      for (const p of planned.filter((q) => q.decision === 'pay-late')) {
        const late = await this.lifecycle.payLate(manager, p.order!);
        if (late.status !== p.applied.orderStatus)
          throw new Error(`late payment of ${p.order!.id} moved units it had not counted`);
      }
      for (const p of planned) this.report(manager, p.request.delivery, p.applied);
      return planned.map((p) => p.applied);
    });
  }

  private plan(request: DeliveryRequest, result: WebhookResult, orderStatus: OrderStatus, consumedKey: string | null): Planned {
    return {
      request,
      applied: { result, orderStatus },
      log: { ...request.entry, consumedKey, result, orderStatus },
    };
  }

  /** The delivery's event, after the commit. A refund owed is reported by the order's lifecycle. */
  private report(manager: EntityManager, delivery: PaymentWebhookDto, applied: Applied): void {
    if (applied.orderStatus === 'refund_due' && applied.result === 'processed') return;
    const event: DomainEventName = applied.result === 'processed' ? `payment_${delivery.status}` : EVENTS[applied.result];
    this.stock.emitAfterCommit(manager, event, {
      order_id: delivery.order_id,
      idempotency_key: delivery.idempotency_key,
      status: delivery.status,
      order_status: applied.orderStatus,
    });
  }
}
