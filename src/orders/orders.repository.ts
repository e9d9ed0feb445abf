import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isWellFormedId } from '../core/ids';
import { DatabaseReader } from '../database/database-reader';
import { execute, lockRows, toDate, toDecimalString } from '../database/sql';
import { Order, OrderStatus } from './order';

const SELECT_ORDER = 'SELECT id, hold_id, product_id, qty, amount, status, created_at, updated_at FROM orders';

/** Every query on `orders`. */
@Injectable()
export class OrdersRepository {
  constructor(private readonly reader: DatabaseReader) {}

  /** An id that is not a well-formed UUID names no order: answered without a query. */
  async findById(id: string, manager?: EntityManager): Promise<Order | null> {
    if (!isWellFormedId(id)) return null;
    const [row] = await this.reader.rows(`${SELECT_ORDER} WHERE id = ?`, [id], manager);
    return row ? toOrder(row) : null;
  }

  async findByHoldId(manager: EntityManager, holdId: string): Promise<Order | null> {
    const [row] = await this.reader.rows(`${SELECT_ORDER} WHERE hold_id = ?`, [holdId], manager);
    return row ? toOrder(row) : null;
  }

  /** Re-reads an order under lock; call after the product lock (the fixed lock order). */
  async lockById(manager: EntityManager, id: string): Promise<Order | null> {
    const [row] = await lockRows(manager, `${SELECT_ORDER} WHERE id = ?`, [id]);
    return row ? toOrder(row) : null;
  }

  async insert(manager: EntityManager, order: Omit<Order, 'createdAt' | 'updatedAt'> & { createdAt: Date }): Promise<void> {
    await execute(
      manager,
      `INSERT INTO orders (id, hold_id, product_id, qty, amount, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [order.id, order.holdId, order.productId, order.qty, order.amount, order.status, order.createdAt, order.createdAt],
    );
  }

  /** Moves a pending order to its final status; a final order is never changed again. */
  async finalize(manager: EntityManager, id: string, status: Exclude<OrderStatus, 'pending'>): Promise<boolean> {
    const { affected } = await execute(manager, "UPDATE orders SET status = ? WHERE id = ? AND status = 'pending'", [
      status,
      id,
    ]);
    return affected === 1;
  }
}

function toOrder(row: Record<string, unknown>): Order {
  return {
    id: String(row.id),
    holdId: String(row.hold_id),
    productId: Number(row.product_id),
    qty: Number(row.qty),
    amount: String(toDecimalString(row.amount, 2)),
    status: row.status as OrderStatus,
    createdAt: toDate(row.created_at)!,
    updatedAt: toDate(row.updated_at)!,
  };
}
