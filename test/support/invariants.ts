import { DataSource } from 'typeorm';
import { auditStock } from '../../src/audit/stock-audit';
import { queryRows } from '../../src/database/sql';

/**
 * The contract's invariants for the given products, read from the database at a quiet moment by
 * the same audit as `npm run audit` (src/audit/stock-audit.ts): the stock ledger, invariant 1,
 * `reserved`, orders and holds, idempotency keys. `initialStock` maps each product checked to the
 * stock the test created it with, which the product must have recorded as its initial stock.
 */
export async function expectInvariants(dataSource: DataSource, initialStock: Map<number, number>): Promise<void> {
  const productIds = [...initialStock.keys()];
  const rows = await queryRows<{ id: number; initial_stock: number }>(
    dataSource,
    'SELECT id, initial_stock FROM products WHERE id IN (?)',
    [productIds],
  );
  expect(new Map(rows.map((r) => [Number(r.id), Number(r.initial_stock)]))).toEqual(initialStock);
  expect(await auditStock(dataSource, { productIds })).toEqual([]);
}
