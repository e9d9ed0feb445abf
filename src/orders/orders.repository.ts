import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isWellFormedId } from '../core/ids';
import { DatabaseReader } from '../database/database-reader';
import { execute, lockRows, toDate, toDecimalString } from '../database/sql';
import { Order, OrderStatus } from './order';

const SELECT_ORDER =
  'SELECT id, hold_id, product_id, qty, amount, status, pay_by, customer_id, created_at, updated_at FROM orders';

export interface OrderFilter {
  status?: string;
  productId?: number;
  limit: number;
  afterId?: string;
}

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

  /** Several orders, as the caller's transaction sees them (ids that are not UUIDs match none). */
  async findManyById(manager: EntityManager, ids: string[]): Promise<Order[]> {
    const wellFormed = ids.filter(isWellFormedId);
    if (wellFormed.length === 0) return [];
    const rows = await this.reader.rows(`${SELECT_ORDER} WHERE id IN (?)`, [wellFormed], manager);
    return rows.map(toOrder);
  }

  /** The orders that these holds became (in the caller's transaction, when one is given). */
  async findByHoldIds(holdIds: string[], manager?: EntityManager): Promise<Order[]> {
    if (holdIds.length === 0) return [];
    const rows = await this.reader.rows(`${SELECT_ORDER} WHERE hold_id IN (?)`, [holdIds], manager);
    return rows.map(toOrder);
  }

  /** Re-reads an order under lock; call after the product lock (the fixed lock order). */
  async lockById(manager: EntityManager, id: string): Promise<Order | null> {
    const [row] = await lockRows(manager, `${SELECT_ORDER} WHERE id = ?`, [id]);
    return row ? toOrder(row) : null;
  }

  /** New orders (a batch of conversions) in one statement. */
  async insertMany(manager: EntityManager, orders: Array<Omit<Order, 'updatedAt'>>): Promise<void> {
    if (orders.length === 0) return;
    await execute(
      manager,
      `INSERT INTO orders (id, hold_id, product_id, qty, amount, status, pay_by, created_at, updated_at, customer_id)
       VALUES ${orders.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      orders.flatMap((order) => [
        order.id,
        order.holdId,
        order.productId,
        order.qty,
        order.amount,
        order.status,
        order.payBy,
        order.createdAt,
        order.createdAt,
        order.customerId,
      ]),
    );
  }

  /**
   * Moves orders from `from` to `to`; returns how many moved. The status guard makes a
   * transition that lost a race change nothing, whatever the caller believed.
   */
  async transition(manager: EntityManager, ids: string[], from: OrderStatus, to: OrderStatus): Promise<number> {
    if (ids.length === 0) return 0;
    const { affected } = await execute(manager, 'UPDATE orders SET status = ? WHERE id IN (?) AND status = ?', [to, ids, from]);
    return affected;
  }

  /** The product's pending orders past their deadline, locked; call under the product lock. */
  async lockOverdue(
    manager: EntityManager,
    productId: number,
    now: Date,
    limit: number,
  ): Promise<Array<{ id: string; qty: number }>> {
    const rows = await lockRows<{ id: string; qty: number }>(
      manager,
      `SELECT id, qty FROM orders WHERE product_id = ? AND status = 'pending' AND pay_by <= ? ORDER BY pay_by LIMIT ?`,
      [productId, now, limit],
    );
    return rows.map((r) => ({ id: String(r.id), qty: Number(r.qty) }));
  }

  /** Products with pending orders past their deadline: the order sweep's work list. */
  async productsWithOverdueOrders(now: Date, limit: number): Promise<number[]> {
    const rows = await this.reader.rows<{ product_id: number }>(
      `SELECT DISTINCT product_id FROM orders WHERE status = 'pending' AND pay_by <= ? LIMIT ?`,
      [now, limit],
    );
    return rows.map((r) => Number(r.product_id));
  }

  /** The operators' list: oldest first by id (UUIDv7, so creation order), keyset-paged by `afterId`. */
  async list(filter: OrderFilter): Promise<Order[]> {
    const conditions = ['id > ?'];
    const params: unknown[] = [filter.afterId ?? ''];
    if (filter.status !== undefined) {
      conditions.push('status = ?');
      params.push(filter.status);
    }
    if (filter.productId !== undefined) {
      conditions.push('product_id = ?');
      params.push(filter.productId);
    }
    const rows = await this.reader.rows(`${SELECT_ORDER} WHERE ${conditions.join(' AND ')} ORDER BY id LIMIT ?`, [
      ...params,
      filter.limit,
    ]);
    return rows.map(toOrder);
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
    payBy: toDate(row.pay_by)!,
    customerId: (row.customer_id as string | null | undefined) ?? null,
    createdAt: toDate(row.created_at)!,
    updatedAt: toDate(row.updated_at)!,
  };
}
