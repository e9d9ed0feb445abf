import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isWellFormedId } from '../common/ids';
import { forUpdate, forUpdateClause } from '../database/engine';
import { execute, queryRows } from '../database/sql';
import { Hold, HoldStatus } from './hold.entity';

export interface NewHold {
  id: string;
  productId: number;
  qty: number;
  expiresAt: Date;
  customerId: string | null;
}

/** Every query on `holds`. */
@Injectable()
export class HoldsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** An id that is not a well-formed UUID names no hold: answered without a query. */
  async findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<Hold | null> {
    if (!isWellFormedId(id)) return null;
    return manager.getRepository(Hold).findOneBy({ id });
  }

  /** Re-reads a hold under lock; call after the product lock (the fixed lock order). */
  lockById(manager: EntityManager, id: string): Promise<Hold | null> {
    return forUpdate(manager.getRepository(Hold).createQueryBuilder('h').where('h.id = :id', { id })).getOne();
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
    const rows = await queryRows<{ customer_id: string; units: number | string }>(
      manager,
      `SELECT customer_id, SUM(qty) AS units FROM (
         SELECT customer_id, qty FROM holds WHERE product_id = ? AND customer_id IN (?) AND status = 'active'
         UNION ALL
         SELECT customer_id, qty FROM orders WHERE product_id = ? AND customer_id IN (?) AND status IN ('pending', 'paid')
       ) owned GROUP BY customer_id`,
      [productId, customerIds, productId, customerIds],
    );
    return new Map(rows.map((r) => [String(r.customer_id), Number(r.units)]));
  }

  async setStatus(manager: EntityManager, id: string, status: HoldStatus): Promise<void> {
    await manager.query('UPDATE holds SET status = ? WHERE id = ?', [status, id]);
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
    const overdue = await queryRows<{ id: string; qty: number }>(
      manager,
      `SELECT id, qty FROM holds
        WHERE product_id = ? AND status = 'active' AND expires_at <= ?
        ORDER BY expires_at LIMIT ?${forUpdateClause(manager)}`,
      [productId, now, limit],
    );
    if (overdue.length === 0) return { count: 0, units: 0 };
    await manager.query(`UPDATE holds SET status = 'expired' WHERE id IN (${overdue.map(() => '?').join(', ')})`, [
      ...overdue.map((h) => h.id),
    ]);
    return { count: overdue.length, units: overdue.reduce((sum, h) => sum + Number(h.qty), 0) };
  }

  /** Products that have overdue active holds: the sweep's work list. */
  async productsWithOverdueHolds(now: Date, limit: number): Promise<number[]> {
    const rows = await queryRows<{ product_id: number }>(
      this.dataSource,
      `SELECT DISTINCT product_id FROM holds WHERE status = 'active' AND expires_at <= ? LIMIT ?`,
      [now, limit],
    );
    return rows.map((r) => Number(r.product_id));
  }
}
