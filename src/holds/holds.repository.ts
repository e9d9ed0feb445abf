import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isWellFormedId } from '../core/ids';
import { DatabaseReader } from '../database/database-reader';
import { execute, lockRows, toDate } from '../database/sql';
import { Hold, HoldStatus } from './hold';

export interface NewHold {
  id: string;
  productId: number;
  qty: number;
  expiresAt: Date;
  customerId: string | null;
}

const SELECT_HOLD = 'SELECT id, product_id, qty, status, expires_at, customer_id, created_at, updated_at FROM holds';

/** Every query on `holds`. */
@Injectable()
export class HoldsRepository {
  constructor(private readonly reader: DatabaseReader) {}

  /** An id that is not a well-formed UUID names no hold: answered without a query. */
  async findById(id: string, manager?: EntityManager): Promise<Hold | null> {
    if (!isWellFormedId(id)) return null;
    const [row] = await this.reader.rows(`${SELECT_HOLD} WHERE id = ?`, [id], manager);
    return row ? toHold(row) : null;
  }

  /** Several holds, as the caller's transaction sees them (ids that are not UUIDs match none). */
  async findManyById(manager: EntityManager, ids: string[]): Promise<Hold[]> {
    const wellFormed = ids.filter(isWellFormedId);
    if (wellFormed.length === 0) return [];
    const rows = await this.reader.rows(`${SELECT_HOLD} WHERE id IN (?)`, [wellFormed], manager);
    return rows.map(toHold);
  }

  /** Re-reads a hold under lock; call after the product lock (the fixed lock order). */
  async lockById(manager: EntityManager, id: string): Promise<Hold | null> {
    const [row] = await lockRows(manager, `${SELECT_HOLD} WHERE id = ?`, [id]);
    return row ? toHold(row) : null;
  }

  /** All granted holds of a batch in one statement. */
  async insertMany(manager: EntityManager, holds: NewHold[]): Promise<void> {
    if (holds.length === 0) return;
    const placeholders = holds.map(() => "(?, ?, ?, 'active', ?, ?)").join(', ');
    const values = holds.flatMap((h) => [h.id, h.productId, h.qty, h.expiresAt, h.customerId]);
    await execute(
      manager,
      `INSERT INTO holds (id, product_id, qty, status, expires_at, customer_id) VALUES ${placeholders}`,
      values,
    );
  }

  /**
   * The units each of `customerIds` has of a product in active holds plus pending and paid
   * orders: what max_per_customer counts. Run under the product lock, after expireOverdue, so
   * every active hold counted is unexpired and nothing moves until the grant commits.
   */
  async unitsPerCustomer(manager: EntityManager, productId: number, customerIds: string[]): Promise<Map<string, number>> {
    const rows = await this.reader.rows<{ customer_id: string; units: number | string }>(
      `SELECT customer_id, SUM(qty) AS units FROM (
         SELECT customer_id, qty FROM holds WHERE product_id = ? AND customer_id IN (?) AND status = 'active'
         UNION ALL
         SELECT customer_id, qty FROM orders WHERE product_id = ? AND customer_id IN (?) AND status IN ('pending', 'paid')
       ) owned GROUP BY customer_id`,
      [productId, customerIds, productId, customerIds],
      manager,
    );
    return new Map(rows.map((r) => [String(r.customer_id), Number(r.units)]));
  }

  /** One hold, or several (`ids`) in one statement. */
  async setStatus(manager: EntityManager, id: string | string[], status: HoldStatus): Promise<void> {
    if (Array.isArray(id) && id.length === 0) return;
    await execute(manager, `UPDATE holds SET status = ? WHERE id ${Array.isArray(id) ? 'IN (?)' : '= ?'}`, [status, id]);
  }

  /**
   * Marks the product's active holds that are past their expiry as expired; returns how many
   * there were and how many units they held. Runs under the product lock, so each overdue hold is expired exactly once.
   */
  async expireOverdue(
    manager: EntityManager,
    productId: number,
    now: Date,
    limit = 10_000,
  ): Promise<{ count: number; units: number }> {
    const overdue = await lockRows<{ id: string; qty: number }>(
      manager,
      `SELECT id, qty FROM holds
        WHERE product_id = ? AND status = 'active' AND expires_at <= ?
        ORDER BY expires_at LIMIT ?`,
      [productId, now, limit],
    );
    if (overdue.length === 0) return { count: 0, units: 0 };
    await execute(manager, "UPDATE holds SET status = 'expired' WHERE id IN (?)", [overdue.map((h) => h.id)]);
    return { count: overdue.length, units: overdue.reduce((sum, h) => sum + Number(h.qty), 0) };
  }

  /** Products that have overdue active holds: the sweep's work list. */
  async productsWithOverdueHolds(now: Date, limit: number): Promise<number[]> {
    const rows = await this.reader.rows<{ product_id: number }>(
      `SELECT DISTINCT product_id FROM holds WHERE status = 'active' AND expires_at <= ? LIMIT ?`,
      [now, limit],
    );
    return rows.map((r) => Number(r.product_id));
  }
}

function toHold(row: Record<string, unknown>): Hold {
  return {
    id: String(row.id),
    productId: Number(row.product_id),
    qty: Number(row.qty),
    status: row.status as HoldStatus,
    expiresAt: toDate(row.expires_at)!,
    customerId: (row.customer_id as string | null | undefined) ?? null,
    createdAt: toDate(row.created_at)!,
    updatedAt: toDate(row.updated_at)!,
  };
}
