// Raw SQL that runs unchanged on both engines: the one way the repositories query. They write
// `?` placeholders and plain values; this file makes the values and the results mean the same
// thing on MySQL and SQLite, and adds what differs (the lock clause) from the dialect.
import { DataSource, EntityManager } from 'typeorm';
import { dialectOf, LockOptions } from './dialect';
import { mysqlConnectionOf, rawMysqlQuery } from './mysql-connection';

type Db = DataSource | EntityManager;

export interface ExecuteResult {
  /** Rows the statement inserted, changed or deleted. */
  affected: number;
  /** The auto-increment id of the last inserted row (0 when none). */
  insertId: number;
}

/**
 * `?` placeholders and their values, ready for either driver: an array value stands for a list
 * (`id IN (?)` with `[1, 2, 3]` becomes `id IN (?, ?, ?)`, as mysql2 does and better-sqlite3
 * does not; an empty list becomes NULL, which matches nothing), and values are bindable().
 * A `?` inside a quoted literal is not a placeholder here: keep literals free of `?`.
 */
export function prepareSql(sql: string, params: readonly unknown[]): { sql: string; params: unknown[] } {
  if (!params.some(Array.isArray)) return { sql, params: bindable(params) };
  const flat: unknown[] = [];
  let next = 0;
  const text = sql.replace(/\?/g, () => {
    const value = params[next++];
    if (!Array.isArray(value)) {
      flat.push(value);
      return '?';
    }
    if (value.length === 0) return 'NULL';
    flat.push(...(value as unknown[]));
    return value.map(() => '?').join(', ');
  });
  return { sql: text, params: bindable(flat) };
}

/**
 * A Date becomes `YYYY-MM-DD HH:MM:SS.mmm` in UTC: what mysql2 sends for a Date with
 * `timezone: 'Z'` into DATETIME(3), and on SQLite (which cannot bind a Date) the text that TypeORM
 * stores for datetime columns, sorts and compares correctly, and reads back as the same instant.
 * Booleans become 1/0 for the same reason.
 */
export function bindable(params: readonly unknown[]): unknown[] {
  return params.map((value) => {
    if (value instanceof Date) return toSqlDateTime(value);
    if (typeof value === 'boolean') return value ? 1 : 0;
    return value;
  });
}

export function toSqlDateTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * A DATETIME column read by raw SQL, as a Date: mysql2 hands over a Date already, SQLite the
 * UTC text that bindable() and the migrations' defaults write.
 */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return new Date(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(text) ? `${text.replace(' ', 'T')}Z` : text);
}

/**
 * A DECIMAL column read by raw SQL, as a string with its scale ("99.00"), which is how money
 * travels here. mysql2 hands DECIMALs over as such strings already; SQLite as numbers (99, 59.9).
 * Every DECIMAL(p,2) here has at most 14 digits, well inside a double's exact range, so toFixed
 * recovers the stored value exactly.
 */
export function toDecimalString<T>(value: T, scale: number): T | string {
  return typeof value === 'number' ? value.toFixed(scale) : value;
}

/** Rows of a SELECT. */
export function queryRows<T = Record<string, unknown>>(db: Db, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const prepared = prepareSql(sql, params);
  const mysql = mysqlConnectionOf(db);
  if (mysql) return rawMysqlQuery(mysql, prepared.sql, prepared.params) as Promise<T[]>;
  return db.query(prepared.sql, prepared.params);
}

/**
 * Rows of a SELECT inside a transaction, locked for the rest of it: the dialect's lock clause is
 * appended here (MySQL `FOR UPDATE`, with `SKIP LOCKED` when asked; nothing on SQLite, whose
 * one writer at a time needs none), so no repository writes an engine's string itself.
 */
export function lockRows<T = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  params: readonly unknown[] = [],
  options: LockOptions = {},
): Promise<T[]> {
  return queryRows<T>(manager, sql + dialectOf(manager).lockClause(options), params);
}

/**
 * Runs an INSERT, UPDATE or DELETE. On MySQL straight on mysql2 (its ResultSetHeader); on SQLite
 * `manager.query` answers with the last rowid only, so this asks TypeORM for its structured
 * result, which carries the changed-row count.
 */
export async function execute(db: Db, sql: string, params: readonly unknown[] = []): Promise<ExecuteResult> {
  const mysql = mysqlConnectionOf(db);
  if (mysql) {
    const prepared = prepareSql(sql, params);
    const header = (await rawMysqlQuery(mysql, prepared.sql, prepared.params)) as { affectedRows?: number; insertId?: number };
    return { affected: header.affectedRows ?? 0, insertId: Number(header.insertId ?? 0) };
  }
  const manager = db instanceof DataSource ? db.manager : db;
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const prepared = prepareSql(sql, params);
    const result = await runner.query(prepared.sql, prepared.params, true);
    const raw = result.raw as { insertId?: number | string } | number | bigint | undefined;
    const insertId = typeof raw === 'object' && raw !== null ? raw.insertId : raw;
    return { affected: result.affected ?? 0, insertId: Number(insertId ?? 0) };
  } finally {
    if (runner !== manager.queryRunner) await runner.release();
  }
}
