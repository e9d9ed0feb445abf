import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DatabaseReader } from '../database/database-reader';
import { execute, lockRows, toDate, toDecimalString } from '../database/sql';
import { Product, ProductSettings } from './product';

export interface StockRow {
  id: number;
  price: string;
  stock: number;
  reserved: number;
  saleStartsAt: Date | null;
  saleEndsAt: Date | null;
  maxPerCustomer: number | null;
}

/** Largest INT UNSIGNED: an id past it names no product (and is never sent to the database). */
export const MAX_PRODUCT_ID = 4_294_967_295;

const SELECT_PRODUCT =
  'SELECT id, name, price, stock, reserved, sale_starts_at, sale_ends_at, max_per_customer, created_at, updated_at FROM products';

/** Every query on `products` but the writes of `stock` and `reserved` (src/stock/ owns those). */
@Injectable()
export class ProductsRepository {
  constructor(private readonly reader: DatabaseReader) {}

  async findById(id: number, manager?: EntityManager): Promise<Product | null> {
    if (id > MAX_PRODUCT_ID) return null;
    const [row] = await this.reader.rows(`${SELECT_PRODUCT} WHERE id = ?`, [id], manager);
    return row ? toProduct(row) : null;
  }

  /** A new product; returns its id. */
  async insert(manager: EntityManager, settings: ProductSettings, stock: number): Promise<number> {
    const { insertId } = await execute(
      manager,
      `INSERT INTO products (name, price, stock, sale_starts_at, sale_ends_at, max_per_customer)
       VALUES (?, ?, ?, ?, ?, ?)`,
      [settings.name, settings.price, stock, settings.saleStartsAt, settings.saleEndsAt, settings.maxPerCustomer],
    );
    return insertId;
  }

  /** Rewrites what an operator may change; the units are not among them (they go through stock). */
  async updateSettings(manager: EntityManager, id: number, settings: ProductSettings): Promise<void> {
    await execute(
      manager,
      `UPDATE products SET name = ?, price = ?, sale_starts_at = ?, sale_ends_at = ?, max_per_customer = ?
        WHERE id = ?`,
      [settings.name, settings.price, settings.saleStartsAt, settings.saleEndsAt, settings.maxPerCustomer, id],
    );
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
    const [row] = await lockRows<Record<string, unknown>>(
      manager,
      'SELECT id, price, stock, reserved, sale_starts_at, sale_ends_at, max_per_customer FROM products WHERE id = ?',
      [id],
      lock,
    );
    if (!row) return null;
    return {
      id: Number(row.id),
      price: String(toDecimalString(row.price, 2)),
      stock: Number(row.stock),
      reserved: Number(row.reserved),
      saleStartsAt: toDate(row.sale_starts_at),
      saleEndsAt: toDate(row.sale_ends_at),
      maxPerCustomer: row.max_per_customer === null ? null : Number(row.max_per_customer),
    };
  }
}

function toProduct(row: Record<string, unknown>): Product {
  return {
    id: Number(row.id),
    name: String(row.name),
    price: String(toDecimalString(row.price, 2)),
    stock: Number(row.stock),
    reserved: Number(row.reserved),
    saleStartsAt: toDate(row.sale_starts_at),
    saleEndsAt: toDate(row.sale_ends_at),
    maxPerCustomer: row.max_per_customer === null || row.max_per_customer === undefined ? null : Number(row.max_per_customer),
    createdAt: toDate(row.created_at)!,
    updatedAt: toDate(row.updated_at)!,
  };
}
