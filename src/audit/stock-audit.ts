// The contract's invariants, checked on a live database (`npm run audit`). What cannot be checked
// is said so: there is no record of a product's initial stock, so "initial stock = stock + Σ
// orders" is checked through its parts (units held, orders tied to converted holds).
import { DataSource } from 'typeorm';
import { execute, lockRows, queryRows } from '../database/sql';

export interface Drift {
  check: string;
  detail: Record<string, unknown>;
}

interface Check {
  check: string;
  sql: string;
}

const CHECKS: Check[] = [
  {
    // `reserved` must be the sum of the product's active holds.
    check: 'reserved-drift',
    sql: `SELECT p.id AS product_id, p.reserved, COALESCE(SUM(h.qty), 0) AS active_held
            FROM products p LEFT JOIN holds h ON h.product_id = p.id AND h.status = 'active'
           GROUP BY p.id, p.reserved HAVING p.reserved <> COALESCE(SUM(h.qty), 0)`,
  },
  {
    check: 'negative-available',
    sql: `SELECT * FROM (
            SELECT p.id AS product_id, p.stock, p.reserved,
                   (SELECT COALESCE(SUM(h.qty), 0) FROM holds h WHERE h.product_id = p.id AND h.status = 'active') AS active_held
              FROM products p) units
           WHERE stock < reserved OR stock < active_held`,
  },
  {
    check: 'order-of-unconverted-hold',
    sql: `SELECT o.id AS order_id, o.hold_id, h.status AS hold_status
            FROM orders o JOIN holds h ON h.id = o.hold_id WHERE h.status <> 'converted'`,
  },
  {
    check: 'order-unlike-its-hold',
    sql: `SELECT o.id AS order_id, o.hold_id
            FROM orders o JOIN holds h ON h.id = o.hold_id WHERE h.qty <> o.qty OR h.product_id <> o.product_id`,
  },
  {
    check: 'converted-hold-without-order',
    sql: `SELECT h.id AS hold_id FROM holds h
           WHERE h.status = 'converted' AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.hold_id = h.id)`,
  },
  {
    check: 'hold-with-several-orders',
    sql: 'SELECT hold_id, COUNT(*) AS orders FROM orders GROUP BY hold_id HAVING COUNT(*) > 1',
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

export async function auditStock(dataSource: DataSource): Promise<Drift[]> {
  const drifts: Drift[] = [];
  for (const { check, sql } of CHECKS) {
    const rows = await queryRows(dataSource, sql);
    for (const row of rows) drifts.push({ check, detail: normalize(row) });
  }
  return drifts;
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
    Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v]),
  );
}
