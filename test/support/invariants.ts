import { DataSource } from 'typeorm';
import { queryRows } from '../../src/database/sql';

interface ProductState {
  id: number;
  stock: number;
  reserved: number;
  active_held: number;
  ordered: number;
}

/**
 * The contract's invariants, read from the database at a quiet moment. `initialStock` maps each
 * product checked to the stock it started with.
 *  1. initial stock = stock + Σ qty of orders that are pending or paid;
 *  2. reserved = Σ qty of active holds, and available = stock − reserved ≥ 0;
 *  3. every order comes from a converted hold, one order per hold;
 *  4. every idempotency key was consumed at most once;
 *  5. no customer has more than max_per_customer units of a product in active unexpired holds plus
 *     pending and paid orders.
 */
export async function expectInvariants(
  dataSource: DataSource,
  initialStock: Map<number, number>,
  /** The service's clock when a test moved it (which holds are unexpired). */
  now?: Date,
): Promise<void> {
  const rows = await queryRows<ProductState>(
    dataSource,
    `SELECT p.id, p.stock, p.reserved,
            (SELECT COALESCE(SUM(h.qty), 0) FROM holds h WHERE h.product_id = p.id AND h.status = 'active') AS active_held,
            (SELECT COALESCE(SUM(o.qty), 0) FROM orders o WHERE o.product_id = p.id AND o.status IN ('pending', 'paid')) AS ordered
       FROM products p WHERE p.id IN (?)`,
    [[...initialStock.keys()]],
  );
  expect(rows).toHaveLength(initialStock.size);
  for (const row of rows) {
    const state = {
      id: Number(row.id),
      stock: Number(row.stock),
      reserved: Number(row.reserved),
      activeHeld: Number(row.active_held),
      ordered: Number(row.ordered),
    };
    expect({ id: state.id, stockPlusOrdered: state.stock + state.ordered }).toEqual({
      id: state.id,
      stockPlusOrdered: initialStock.get(state.id),
    });
    expect({ id: state.id, reserved: state.reserved }).toEqual({ id: state.id, reserved: state.activeHeld });
    expect(state.stock - state.reserved).toBeGreaterThanOrEqual(0);
  }

  const overLimit = await queryRows<{ product_id: number; customer_id: string; units: number; max_per_customer: number }>(
    dataSource,
    `SELECT owned.product_id, owned.customer_id, SUM(owned.qty) AS units, p.max_per_customer
       FROM (SELECT product_id, customer_id, qty FROM holds
              WHERE status = 'active' AND expires_at > ? AND customer_id IS NOT NULL
             UNION ALL
             SELECT product_id, customer_id, qty FROM orders
              WHERE status IN ('pending', 'paid') AND customer_id IS NOT NULL) owned
       JOIN products p ON p.id = owned.product_id
      WHERE p.max_per_customer IS NOT NULL AND owned.product_id IN (?)
      GROUP BY owned.product_id, owned.customer_id, p.max_per_customer
     HAVING SUM(owned.qty) > p.max_per_customer`,
    [now ?? new Date(), [...initialStock.keys()]],
  );
  expect(overLimit).toEqual([]);

  const [orphans] = await dataSource.query(
    `SELECT COUNT(*) AS n FROM orders o JOIN holds h ON h.id = o.hold_id
      WHERE h.status <> 'converted' OR h.qty <> o.qty OR h.product_id <> o.product_id`,
  );
  expect(Number(orphans.n)).toBe(0);
  const [doubled] = await dataSource.query(
    'SELECT COUNT(*) AS n FROM (SELECT hold_id FROM orders GROUP BY hold_id HAVING COUNT(*) > 1) d',
  );
  expect(Number(doubled.n)).toBe(0);
  const [reused] = await dataSource.query(
    `SELECT COUNT(*) AS n FROM (SELECT idempotency_key FROM webhook_logs
       WHERE result IN ('processed', 'ignored') GROUP BY idempotency_key HAVING COUNT(*) > 1) d`,
  );
  expect(Number(reused.n)).toBe(0);
  const [twiceFinal] = await dataSource.query(
    `SELECT COUNT(*) AS n FROM (SELECT order_id FROM webhook_logs
       WHERE result = 'processed' GROUP BY order_id HAVING COUNT(*) > 1) d`,
  );
  expect(Number(twiceFinal.n)).toBe(0);
}
