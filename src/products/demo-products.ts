import { EntityManager } from 'typeorm';
import { Product } from './product.entity';

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
  const repo = manager.getRepository(Product);
  if (onlyIfEmpty && (await repo.count()) > 0) return 0;
  const existing = new Set((await repo.find({ select: { name: true } })).map((p) => p.name));
  const missing = DEMO_PRODUCTS.filter((p) => !existing.has(p.name));
  if (missing.length > 0) await repo.insert(missing);
  return missing.length;
}
