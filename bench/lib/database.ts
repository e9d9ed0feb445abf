// The bench's own view of the database: a fresh one per scenario (dropped afterwards), the
// products it sells, and the contract's invariants, checked after the load has stopped.
import { Connection, createConnection } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { databaseUrlOn, dropMysqlDatabase, serverUrl } from '../../test/support/mysql-server';

/** The MySQL/MariaDB server to use; any database named in the URL is ignored. */
export function adminUrl(): string {
  return serverUrl(process.env.BENCH_DATABASE_URL);
}

export function newDatabaseUrl(): string {
  return databaseUrlOn(adminUrl(), `bench_${randomBytes(4).toString('hex')}`);
}

export const dropDatabase = dropMysqlDatabase;

export function connect(databaseUrl: string): Promise<Connection> {
  return createConnection({ uri: databaseUrl, supportBigNumbers: true, bigNumberStrings: false, timezone: 'Z' });
}

export async function insertProduct(db: Connection, name: string, stock: number, price = '10.00'): Promise<number> {
  const [result] = await db.query('INSERT INTO products (name, price, stock) VALUES (?, ?, ?)', [name, price, stock]);
  return (result as { insertId: number }).insertId;
}

export async function count(db: Connection, sql: string, params: unknown[] = []): Promise<number> {
  const [rows] = await db.query(sql, params);
  return Number(Object.values((rows as Array<Record<string, unknown>>)[0])[0] ?? 0);
}

/**
 * The contract's invariants for the given products (id → initial stock), as a list of what is
 * wrong (empty when all hold):
 *  1. initial stock = stock + Σ qty of pending or paid orders;
 *  2. reserved = Σ qty of active holds, and available = stock − reserved ≥ 0;
 *  3. one order per hold, from a converted hold; an order is finalized by one delivery;
 *  4. an idempotency key is processed at most once.
 */
export async function invariantViolations(db: Connection, initialStock: Map<number, number>): Promise<string[]> {
  const wrong: string[] = [];
  const [rows] = await db.query(
    `SELECT p.id, p.stock, p.reserved,
            (SELECT COALESCE(SUM(h.qty), 0) FROM holds h WHERE h.product_id = p.id AND h.status = 'active') AS held,
            (SELECT COALESCE(SUM(o.qty), 0) FROM orders o WHERE o.product_id = p.id AND o.status IN ('pending', 'paid')) AS ordered
       FROM products p WHERE p.id IN (?)`,
    [[...initialStock.keys()]],
  );
  for (const row of rows as Array<Record<string, string | number>>) {
    const [id, stock, reserved, held, ordered] = [row.id, row.stock, row.reserved, row.held, row.ordered].map(Number);
    const initial = initialStock.get(id)!;
    if (stock + ordered !== initial) wrong.push(`product ${id}: stock ${stock} + ordered ${ordered} ≠ initial ${initial}`);
    if (reserved !== held) wrong.push(`product ${id}: reserved ${reserved} ≠ Σ active holds ${held}`);
    if (stock < reserved) wrong.push(`product ${id}: available ${stock - reserved} < 0`);
  }
  const checks: Array<[string, string]> = [
    [
      'orders whose hold is not a matching converted hold',
      `SELECT COUNT(*) FROM orders o JOIN holds h ON h.id = o.hold_id
        WHERE h.status <> 'converted' OR h.qty <> o.qty OR h.product_id <> o.product_id`,
    ],
    ['holds with more than one order', 'SELECT COUNT(*) FROM (SELECT hold_id FROM orders GROUP BY hold_id HAVING COUNT(*) > 1) d'],
    [
      'idempotency keys processed more than once',
      `SELECT COUNT(*) FROM (SELECT idempotency_key FROM webhook_logs WHERE result IN ('processed', 'ignored')
         GROUP BY idempotency_key HAVING COUNT(*) > 1) d`,
    ],
    [
      'orders finalized more than once',
      `SELECT COUNT(*) FROM (SELECT order_id FROM webhook_logs WHERE result = 'processed'
         GROUP BY order_id HAVING COUNT(*) > 1) d`,
    ],
  ];
  for (const [what, sql] of checks) {
    const n = await count(db, sql);
    if (n > 0) wrong.push(`${n} ${what}`);
  }
  return wrong;
}
