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
