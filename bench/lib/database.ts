// The bench's own view of the database: a fresh one per scenario (dropped afterwards), the
// products it sells, and the contract's invariants, checked after the load has stopped.
import { Connection, createConnection } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { AuditQuery, auditStock } from '../../src/audit/stock-audit';
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
 * wrong (empty when all hold), checked by the service's own audit (src/audit/stock-audit.ts):
 * the stock ledger, invariant 1, `reserved`, orders and holds, idempotency keys.
 */
export async function invariantViolations(db: Connection, initialStock: Map<number, number>): Promise<string[]> {
  const query: AuditQuery = async (sql, params) => (await db.query(sql, params))[0] as Array<Record<string, unknown>>;
  const productIds = [...initialStock.keys()];
  const wrong: string[] = [];
  const recorded = await query('SELECT id, initial_stock FROM products WHERE id IN (?)', [productIds]);
  for (const row of recorded) {
    const [id, initial] = [Number(row.id), Number(row.initial_stock)];
    if (initial !== initialStock.get(id)) wrong.push(`product ${id}: initial stock ${initial} ≠ ${initialStock.get(id)}`);
  }
  for (const { check, detail } of await auditStock(query, { productIds })) {
    wrong.push(
      `${check} ${Object.entries(detail)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ')}`,
    );
  }
  return wrong;
}
