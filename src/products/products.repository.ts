import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { toDecimalString } from '../database/decimal-column';
import { forUpdateClause } from '../database/engine';
import { queryRows } from '../database/sql';
import { Product } from './product.entity';

export interface StockRow {
  id: number;
  price: string;
  stock: number;
  reserved: number;
}

/** Largest INT UNSIGNED: an id past it names no product (and is never sent to the database). */
export const MAX_PRODUCT_ID = 4_294_967_295;

/** Every query on `products` but the writes of `stock` and `reserved` (src/stock/ owns those). */
@Injectable()
export class ProductsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findById(id: number): Promise<Product | null> {
    if (id > MAX_PRODUCT_ID) return null;
    return this.dataSource.getRepository(Product).findOneBy({ id });
  }

  list(limit: number, afterId: number): Promise<Product[]> {
    return this.dataSource
      .getRepository(Product)
      .createQueryBuilder('p')
      .where('p.id > :afterId', { afterId })
      .orderBy('p.id', 'ASC')
      .limit(limit)
      .getMany();
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

  // Raw SQL: this runs once per hold batch and once per order, payment and release, so the
  // query builder's per-call work (alias maps, hydration) is not worth paying here.
  private async lockRow(manager: EntityManager, id: number, lock: { skipLocked?: boolean }): Promise<StockRow | null> {
    const [row] = await queryRows<StockRow>(
      manager,
      `SELECT id, price, stock, reserved FROM products WHERE id = ?${forUpdateClause(manager, lock)}`,
      [id],
    );
    return row ? { ...row, price: toDecimalString(row.price, 2) } : null;
  }
}
