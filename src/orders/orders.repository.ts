import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isWellFormedId } from '../common/ids';
import { forUpdate } from '../database/engine';
import { toDecimalString } from '../database/decimal-column';
import { execute, queryRows, toDate } from '../database/sql';
import { Order, OrderStatus } from './order.entity';

export interface OrderFilter {
  status?: string;
  productId?: number;
  limit: number;
  afterId?: string;
}

/** Every query on `orders`. */
@Injectable()
export class OrdersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** An id that is not a well-formed UUID names no order: answered without a query. */
  async findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<Order | null> {
    if (!isWellFormedId(id)) return null;
    return manager.getRepository(Order).findOneBy({ id });
  }

  findByHoldId(manager: EntityManager, holdId: string): Promise<Order | null> {
    return manager.getRepository(Order).findOneBy({ holdId });
  }

  /** Re-reads an order under lock; call after the product lock (the fixed lock order). */
  lockById(manager: EntityManager, id: string): Promise<Order | null> {
    return forUpdate(manager.getRepository(Order).createQueryBuilder('o').where('o.id = :id', { id })).getOne();
  }

  async insert(manager: EntityManager, order: Omit<Order, 'createdAt' | 'updatedAt'> & { createdAt: Date }): Promise<void> {
    await execute(
      manager,
      `INSERT INTO orders (id, hold_id, product_id, qty, amount, status, created_at, updated_at, customer_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        order.id,
        order.holdId,
        order.productId,
        order.qty,
        order.amount,
        order.status,
        order.createdAt,
        order.createdAt,
        order.customerId,
      ],
    );
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
    const rows = await queryRows<Record<string, unknown>>(
      this.dataSource,
      `SELECT id, hold_id, product_id, qty, amount, status, customer_id, created_at, updated_at FROM orders
        WHERE ${conditions.join(' AND ')} ORDER BY id LIMIT ?`,
      [...params, filter.limit],
    );
    return rows.map((row) => ({
      id: String(row.id),
      holdId: String(row.hold_id),
      productId: Number(row.product_id),
      qty: Number(row.qty),
      amount: toDecimalString(row.amount as string, 2) as string,
      status: row.status as OrderStatus,
      customerId: row.customer_id === null ? null : String(row.customer_id),
      createdAt: toDate(row.created_at)!,
      updatedAt: toDate(row.updated_at)!,
    }));
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
