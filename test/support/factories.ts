import { DataSource } from 'typeorm';
import { newId } from '../../src/core/ids';
import { execute } from '../../src/database/sql';

export interface ProductFixture {
  id: number;
  name: string;
  price: string;
  stock: number;
}

let sequence = 0;

/** Inserts a product as an external tool would: just name, price and stock. */
export async function newProduct(
  dataSource: DataSource,
  overrides: Partial<Omit<ProductFixture, 'id'>> = {},
): Promise<ProductFixture> {
  const product = { name: `Product ${++sequence}`, price: '10.00', stock: 10, ...overrides };
  const { insertId } = await execute(dataSource, 'INSERT INTO products (name, price, stock) VALUES (?, ?, ?)', [
    product.name,
    product.price,
    product.stock,
  ]);
  return { id: insertId, ...product };
}

/** Inserts an active hold directly (moving `reserved` with it), e.g. one that is already overdue. */
export async function newHold(
  dataSource: DataSource,
  product: { id: number },
  overrides: { qty?: number; expiresAt?: Date } = {},
): Promise<{ id: string; qty: number }> {
  const hold = { id: newId(), qty: overrides.qty ?? 1, expiresAt: overrides.expiresAt ?? new Date(Date.now() + 120_000) };
  await dataSource.transaction(async (manager) => {
    await execute(manager, "INSERT INTO holds (id, product_id, qty, status, expires_at) VALUES (?, ?, ?, 'active', ?)", [
      hold.id,
      product.id,
      hold.qty,
      hold.expiresAt,
    ]);
    await execute(manager, 'UPDATE products SET reserved = reserved + ? WHERE id = ?', [hold.qty, product.id]);
  });
  return hold;
}

/**
 * Inserts a pending order as the service would have made it (converted hold, units out of
 * stock, ledger row), with `payBy` of the test's choosing: e.g. many orders already overdue.
 * The product must have at least `qty` units not held.
 */
export async function newOrder(
  dataSource: DataSource,
  product: { id: number },
  overrides: { qty?: number; payBy?: Date } = {},
): Promise<{ id: string; qty: number }> {
  const qty = overrides.qty ?? 1;
  const order = { id: newId(), holdId: newId(), qty };
  const now = new Date();
  await dataSource.transaction(async (manager) => {
    await execute(manager, "INSERT INTO holds (id, product_id, qty, status, expires_at) VALUES (?, ?, ?, 'converted', ?)", [
      order.holdId,
      product.id,
      qty,
      now,
    ]);
    await execute(
      manager,
      `INSERT INTO orders (id, hold_id, product_id, qty, amount, status, pay_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, '10.00', 'pending', ?, ?, ?)`,
      [order.id, order.holdId, product.id, qty, overrides.payBy ?? new Date(now.getTime() + 900_000), now, now],
    );
    await execute(manager, 'UPDATE products SET stock = stock - ? WHERE id = ?', [qty, product.id]);
    await execute(
      manager,
      "INSERT INTO stock_movements (product_id, delta, reason, order_id, note, created_at) VALUES (?, ?, 'order_created', ?, NULL, ?)",
      [product.id, -qty, order.id, now],
    );
  });
  return { id: order.id, qty };
}
