import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { execute } from '../database/sql';
import { WebhookResult } from './webhook-log';

export interface WebhookLogEntry {
  idempotencyKey: string;
  /** The key, on the one delivery that consumes it; null on every other. */
  consumedKey: string | null;
  orderId: string;
  paymentStatus: string;
  result: WebhookResult;
  orderStatus: string | null;
  payload: string;
  receivedAt: Date;
}

/** Every query on `webhook_logs`. */
@Injectable()
export class WebhookLogsRepository {
  /** Throws the driver's duplicate-key error when `consumedKey` was consumed already. */
  async insert(manager: EntityManager, entry: WebhookLogEntry): Promise<void> {
    await execute(
      manager,
      `INSERT INTO webhook_logs
         (idempotency_key, consumed_key, order_id, payment_status, result, order_status, payload, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        entry.idempotencyKey,
        entry.consumedKey,
        entry.orderId,
        entry.paymentStatus,
        entry.result,
        entry.orderStatus,
        entry.payload,
        entry.receivedAt,
      ],
    );
  }
}
