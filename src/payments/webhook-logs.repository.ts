import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { execute, queryRows } from '../database/sql';
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
    await this.insertMany(manager, [entry]);
  }

  /**
   * Several deliveries in one statement, all or none: the duplicate-key error of any one
   * `consumedKey` fails the statement, and only the statement is undone (either engine).
   */
  async insertMany(manager: EntityManager, entries: WebhookLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await execute(
      manager,
      `INSERT INTO webhook_logs
         (idempotency_key, consumed_key, order_id, payment_status, result, order_status, payload, received_at)
       VALUES ${entries.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      entries.flatMap((entry) => [
        entry.idempotencyKey,
        entry.consumedKey,
        entry.orderId,
        entry.paymentStatus,
        entry.result,
        entry.orderStatus,
        entry.payload,
        entry.receivedAt,
      ]),
    );
  }

  /** Which of these keys a delivery has consumed already (committed, or earlier in this transaction). */
  async consumedKeys(manager: EntityManager, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await queryRows<{ consumed_key: string }>(
      manager,
      'SELECT consumed_key FROM webhook_logs WHERE consumed_key IN (?)',
      [keys],
    );
    return new Set(rows.map((r) => String(r.consumed_key)));
  }
}
