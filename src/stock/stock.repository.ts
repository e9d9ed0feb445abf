import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { execute, queryRows, toDate } from '../database/sql';
import { StockMovement, StockMovementReason } from './stock-movement';

export interface NewMovement {
  productId: number;
  delta: number;
  reason: StockMovementReason;
  orderId: string | null;
  note: string | null;
  createdAt: Date;
}

/**
 * Every statement that writes `products.stock` or `products.reserved`, and every query on
 * `stock_movements`. Only the StockLedger calls it. Unit arithmetic is written so that no
 * intermediate value is negative: MySQL refuses `unsigned + negative` below zero even in a WHERE.
 */
@Injectable()
export class StockRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `delta` units more (or fewer) held. The CHECK (reserved <= stock) guards the result. */
  async addReserved(manager: EntityManager, productId: number, delta: number): Promise<void> {
    if (delta === 0) return;
    const sql =
      delta > 0
        ? 'UPDATE products SET reserved = reserved + ? WHERE id = ?'
        : 'UPDATE products SET reserved = reserved - ? WHERE id = ?';
    await execute(manager, sql, [Math.abs(delta), productId]);
  }

  /** Held units leave `stock` and stop counting as held, in one statement. */
  async takeHeld(manager: EntityManager, productId: number, qty: number): Promise<void> {
    await execute(manager, 'UPDATE products SET stock = stock - ?, reserved = reserved - ? WHERE id = ?', [qty, qty, productId]);
  }

  async addStock(manager: EntityManager, productId: number, units: number): Promise<boolean> {
    const { affected } = await execute(manager, 'UPDATE products SET stock = stock + ? WHERE id = ?', [units, productId]);
    return affected === 1;
  }

  /** Takes units that nobody holds; false (nothing changed) when fewer than `units` are free. */
  async takeUnheld(manager: EntityManager, productId: number, units: number): Promise<boolean> {
    const { affected } = await execute(manager, 'UPDATE products SET stock = stock - ? WHERE id = ? AND stock >= reserved + ?', [
      units,
      productId,
      units,
    ]);
    return affected === 1;
  }

  async unheldUnits(manager: EntityManager, productId: number): Promise<number | null> {
    const [row] = await queryRows<{ stock: number; reserved: number }>(
      manager,
      'SELECT stock, reserved FROM products WHERE id = ?',
      [productId],
    );
    return row ? Number(row.stock) - Number(row.reserved) : null;
  }

  async insertMovements(manager: EntityManager, movements: NewMovement[]): Promise<void> {
    if (movements.length === 0) return;
    const placeholders = movements.map(() => '(?, ?, ?, ?, ?, ?)').join(', ');
    await execute(
      manager,
      `INSERT INTO stock_movements (product_id, delta, reason, order_id, note, created_at) VALUES ${placeholders}`,
      movements.flatMap((m) => [m.productId, m.delta, m.reason, m.orderId, m.note, m.createdAt]),
    );
  }

  /** Newest first; `beforeId` is the last id of the previous page. */
  async listMovements(productId: number, limit: number, beforeId?: number): Promise<StockMovement[]> {
    const rows = await queryRows<Record<string, unknown>>(
      this.dataSource,
      `SELECT id, product_id, delta, reason, order_id, note, created_at FROM stock_movements
        WHERE product_id = ?${beforeId === undefined ? '' : ' AND id < ?'} ORDER BY id DESC LIMIT ?`,
      beforeId === undefined ? [productId, limit] : [productId, beforeId, limit],
    );
    return rows.map((r) => ({
      id: String(r.id),
      productId: Number(r.product_id),
      delta: Number(r.delta),
      reason: r.reason as StockMovementReason,
      orderId: (r.order_id as string | null) ?? null,
      note: (r.note as string | null) ?? null,
      createdAt: toDate(r.created_at)!,
    }));
  }
}
