import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DatabaseReader } from '../database/database-reader';
import { execute, lockRows, toDate, toDecimalString } from '../database/sql';
import { Product } from './product';

export interface StockRow {
  id: number;
  price: string;
  stock: number;
  reserved: number;
}

/** Largest INT UNSIGNED: an id past it names no product (and is never sent to the database). */
export const MAX_PRODUCT_ID = 4_294_967_295;

const SELECT_PRODUCT = 'SELECT id, name, price, stock, reserved, created_at, updated_at FROM products';

/** Every query on `products`. The stock-changing ones take the transaction's manager. */
@Injectable()
export class ProductsRepository {
  constructor(private readonly reader: DatabaseReader) {}

  async findById(id: number): Promise<Product | null> {
    if (id > MAX_PRODUCT_ID) return null;
    const [row] = await this.reader.rows(`${SELECT_PRODUCT} WHERE id = ?`, [id]);
    return row ? toProduct(row) : null;
  }

  async list(limit: number, afterId: number): Promise<Product[]> {
    const rows = await this.reader.rows(`${SELECT_PRODUCT} WHERE id > ? ORDER BY id LIMIT ?`, [afterId, limit]);
    return rows.map(toProduct);
  }

  /**
   * Locks the product row for the rest of the transaction. Every use case that changes a
   * product's units takes this lock first, so they serialize per product and never deadlock.
   */
  async lockForUpdate(manager: EntityManager, id: number): Promise<StockRow | null> {
    if (id > MAX_PRODUCT_ID) return null;
    return this.lockRow(manager, id, {});
  }

  /** Like lockForUpdate, but gives up at once (null) when another transaction holds the row. */
  tryLock(manager: EntityManager, id: number): Promise<StockRow | null> {
    return this.lockRow(manager, id, { skipLocked: true });
  }

  private async lockRow(manager: EntityManager, id: number, lock: { skipLocked?: boolean }): Promise<StockRow | null> {
    const [row] = await lockRows<StockRow>(manager, 'SELECT id, price, stock, reserved FROM products WHERE id = ?', [id], lock);
    return row ? { ...row, price: toDecimalString(row.price, 2) } : null;
  }

  /** `delta` units more (or fewer) held. The CHECK (reserved <= stock) guards the result. */
  async addReserved(manager: EntityManager, id: number, delta: number): Promise<void> {
    if (delta === 0) return;
    await execute(manager, 'UPDATE products SET reserved = reserved + ? WHERE id = ?', [delta, id]);
  }

  /** An order takes its units out of stock, and they stop counting as held, in one statement. */
  async takeHeldIntoOrder(manager: EntityManager, id: number, qty: number): Promise<void> {
    await execute(manager, 'UPDATE products SET stock = stock - ?, reserved = reserved - ? WHERE id = ?', [qty, qty, id]);
  }

  async returnToStock(manager: EntityManager, id: number, qty: number): Promise<void> {
    await execute(manager, 'UPDATE products SET stock = stock + ? WHERE id = ?', [qty, id]);
  }
}

function toProduct(row: Record<string, unknown>): Product {
  return {
    id: Number(row.id),
    name: String(row.name),
    price: String(toDecimalString(row.price, 2)),
    stock: Number(row.stock),
    reserved: Number(row.reserved),
    createdAt: toDate(row.created_at)!,
    updatedAt: toDate(row.updated_at)!,
  };
}
