import { EntityManager } from 'typeorm';
import { execute, queryRows } from '../database/sql';

export const DEMO_PRODUCTS = [
  { name: 'Flash Sneaker', price: '99.00', stock: 100 },
  { name: 'Limited Hoodie', price: '59.90', stock: 50 },
  { name: 'Collector Vinyl', price: '24.50', stock: 500 },
];

/**
 * Adds the demo products that are not there yet (by name); returns how many were added. Runs in
 * the caller's transaction (TransactionRunner), like every write.
 */
export async function seedDemoProducts(manager: EntityManager, onlyIfEmpty: boolean): Promise<number> {
  const names = await queryRows<{ name: string }>(manager, 'SELECT name FROM products');
  if (onlyIfEmpty && names.length > 0) return 0;
  const existing = new Set(names.map((p) => p.name));
  const missing = DEMO_PRODUCTS.filter((p) => !existing.has(p.name));
  for (const p of missing) {
    await execute(manager, 'INSERT INTO products (name, price, stock) VALUES (?, ?, ?)', [p.name, p.price, p.stock]);
  }
  return missing.length;
}
