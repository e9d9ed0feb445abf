// The contract's invariants, checked on a live database. One implementation, used by
// `npm run audit`, by the tests' invariant check (test/support/invariants.ts) and by the
// benchmark (bench/lib/database.ts). Every check is one SELECT returning the rows that break it.
import { DataSource } from 'typeorm';
import { execute, lockRows, queryRows, toSqlDateTime } from '../database/sql';

export interface Drift {
  check: string;
  detail: Record<string, unknown>;
}

/** Runs one SELECT with `?` placeholders (an array value is a list); the bench brings its own. */
export type AuditQuery = (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

export interface AuditScope {
  /** Only these products (and their holds and orders); every product when absent. */
  productIds?: number[];
  /** Invariant 6: a pending order whose pay_by is before this is reported (now − sweep interval). */
  overdueBefore?: Date;
}

/** `{p}` / `{o}` / `{h}` stand for the product filter on that table's product column. */
const CHECKS: Array<{ check: string; sql: string }> = [
  {
    // The ledger: stock − Σ delta is the stock the product was created with, forever.
    check: 'ledger-drift',
    sql: `SELECT p.id AS product_id, p.initial_stock, p.stock, COALESCE(SUM(m.delta), 0) AS ledger_sum
            FROM products p LEFT JOIN stock_movements m ON m.product_id = p.id
           WHERE 1 = 1 {p}
           GROUP BY p.id, p.initial_stock, p.stock
          HAVING p.initial_stock IS NULL
              OR CAST(p.stock AS SIGNED) - COALESCE(SUM(m.delta), 0) <> CAST(p.initial_stock AS SIGNED)`,
  },
  {
    // Invariant 1: initial stock + Σ restock and write-off = stock + Σ qty of pending and paid orders.
    check: 'order-units-drift',
    sql: `SELECT * FROM (
            SELECT p.id AS product_id, p.initial_stock, p.stock,
                   (SELECT COALESCE(SUM(m.delta), 0) FROM stock_movements m
                     WHERE m.product_id = p.id AND m.reason IN ('restock', 'write_off')) AS adjusted,
                   (SELECT COALESCE(SUM(o.qty), 0) FROM orders o
                     WHERE o.product_id = p.id AND o.status IN ('pending', 'paid')) AS ordered
              FROM products p WHERE 1 = 1 {p}) units
           WHERE CAST(initial_stock AS SIGNED) + adjusted <> CAST(stock AS SIGNED) + ordered`,
  },
  {
    // Each order's units moved exactly as its status says: out while pending or paid, else back.
    check: 'order-ledger-mismatch',
    sql: `SELECT o.id AS order_id, o.status, o.qty, COALESCE(SUM(m.delta), 0) AS ledger_delta
            FROM orders o LEFT JOIN stock_movements m ON m.order_id = o.id
           WHERE 1 = 1 {o}
           GROUP BY o.id, o.status, o.qty
          HAVING COALESCE(SUM(m.delta), 0) <>
                 CASE WHEN o.status IN ('pending', 'paid') THEN -CAST(o.qty AS SIGNED) ELSE 0 END`,
  },
  {
    // `reserved` must be the sum of the product's active holds.
    check: 'reserved-drift',
    sql: `SELECT p.id AS product_id, p.reserved, COALESCE(SUM(h.qty), 0) AS active_held
            FROM products p LEFT JOIN holds h ON h.product_id = p.id AND h.status = 'active'
           WHERE 1 = 1 {p}
           GROUP BY p.id, p.reserved HAVING p.reserved <> COALESCE(SUM(h.qty), 0)`,
  },
  {
    check: 'negative-available',
    sql: `SELECT * FROM (
            SELECT p.id AS product_id, p.stock, p.reserved,
                   (SELECT COALESCE(SUM(h.qty), 0) FROM holds h WHERE h.product_id = p.id AND h.status = 'active') AS active_held
              FROM products p WHERE 1 = 1 {p}) units
           WHERE stock < reserved OR stock < active_held`,
  },
  {
    // Invariant 5: no customer past max_per_customer in active holds plus pending and paid orders.
    // (Every grant expires the product's overdue holds first, so an active one is a live claim.)
    check: 'customer-over-limit',
    sql: `SELECT owned.product_id, owned.customer_id, SUM(owned.qty) AS units, p.max_per_customer
            FROM (SELECT h.product_id, h.customer_id, h.qty FROM holds h
                   WHERE h.status = 'active' AND h.customer_id IS NOT NULL {h}
                  UNION ALL
                  SELECT o.product_id, o.customer_id, o.qty FROM orders o
                   WHERE o.status IN ('pending', 'paid') AND o.customer_id IS NOT NULL {o}) owned
            JOIN products p ON p.id = owned.product_id
           WHERE p.max_per_customer IS NOT NULL
           GROUP BY owned.product_id, owned.customer_id, p.max_per_customer
          HAVING SUM(owned.qty) > p.max_per_customer`,
  },
  {
    check: 'order-of-unconverted-hold',
    sql: `SELECT o.id AS order_id, o.hold_id, h.status AS hold_status
            FROM orders o JOIN holds h ON h.id = o.hold_id WHERE h.status <> 'converted' {o}`,
  },
  {
    check: 'order-unlike-its-hold',
    sql: `SELECT o.id AS order_id, o.hold_id
            FROM orders o JOIN holds h ON h.id = o.hold_id
           WHERE (h.qty <> o.qty OR h.product_id <> o.product_id) {o}`,
  },
  {
    check: 'converted-hold-without-order',
    sql: `SELECT h.id AS hold_id FROM holds h
           WHERE h.status = 'converted' AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.hold_id = h.id) {h}`,
  },
  {
    check: 'hold-with-several-orders',
    sql: 'SELECT o.hold_id, COUNT(*) AS orders FROM orders o WHERE 1 = 1 {o} GROUP BY o.hold_id HAVING COUNT(*) > 1',
  },
  {
    check: 'delivery-key-processed-twice',
    sql: `SELECT idempotency_key, COUNT(*) AS deliveries FROM webhook_logs
           WHERE result IN ('processed', 'ignored') GROUP BY idempotency_key HAVING COUNT(*) > 1`,
  },
  {
    check: 'order-finalized-twice',
    sql: `SELECT order_id, COUNT(*) AS deliveries FROM webhook_logs
           WHERE result = 'processed' GROUP BY order_id HAVING COUNT(*) > 1`,
  },
];

const OVERDUE_CHECK = {
  check: 'pending-order-past-deadline',
  sql: `SELECT o.id AS order_id, o.pay_by FROM orders o WHERE o.status = 'pending' AND o.pay_by < ? {o}`,
};

export async function auditStock(db: DataSource | AuditQuery, scope: AuditScope = {}): Promise<Drift[]> {
  const query: AuditQuery = typeof db === 'function' ? db : (sql, params) => queryRows(db, sql, params);
  const checks = scope.overdueBefore ? [...CHECKS, OVERDUE_CHECK] : CHECKS;
  const drifts: Drift[] = [];
  for (const { check, sql } of checks) {
    const { text, params } = scoped(sql, scope.productIds);
    const leading = check === OVERDUE_CHECK.check ? [toSqlDateTime(scope.overdueBefore!)] : [];
    for (const row of await query(text, [...leading, ...params])) drifts.push({ check, detail: normalize(row) });
  }
  return drifts;
}

function scoped(sql: string, productIds?: number[]): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const text = sql.replace(/\{([poh])\}/g, (_, alias: string) => {
    if (!productIds) return '';
    params.push(productIds);
    return `AND ${alias}.${alias === 'p' ? 'id' : 'product_id'} IN (?)`;
  });
  return { text, params };
}

export interface ReservedRepair {
  productId: number;
  from: number;
  to: number;
  repaired: boolean;
}

/**
 * Sets each drifted product's `reserved` to the sum of its active holds, under the product's row
 * lock: every use case that moves holds takes that lock first, so the sum cannot change while
 * it is recomputed. A sum above `stock` cannot be written (the CHECK refuses it) and is reported.
 * (A repair, not a change of stock: it is the one write of `reserved` outside src/stock/.)
 */
export async function repairReserved(dataSource: DataSource): Promise<ReservedRepair[]> {
  const drifted = (await auditStock(dataSource)).filter((d) => d.check === 'reserved-drift');
  const repairs: ReservedRepair[] = [];
  for (const { detail } of drifted) {
    const productId = Number(detail.product_id);
    repairs.push(
      await dataSource.transaction(async (manager) => {
        const [product] = await lockRows<{ stock: number; reserved: number }>(
          manager,
          'SELECT stock, reserved FROM products WHERE id = ?',
          [productId],
        );
        const [{ held }] = await queryRows<{ held: number | string }>(
          manager,
          "SELECT COALESCE(SUM(qty), 0) AS held FROM holds WHERE product_id = ? AND status = 'active'",
          [productId],
        );
        const repair = { productId, from: Number(product.reserved), to: Number(held), repaired: false };
        if (repair.to <= Number(product.stock)) {
          await execute(manager, 'UPDATE products SET reserved = ? WHERE id = ?', [repair.to, productId]);
          repair.repaired = true;
        }
        return repair;
      }),
    );
  }
  return repairs;
}

function normalize(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+(\.0+)?$/.test(v) ? Number(v) : v]),
  );
}
