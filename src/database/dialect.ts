// The few SQL differences between the two engines, behind one small interface, so that a
// repository writes one query for both and never splices an engine's string itself. MySQL is the
// production engine; SQLite is the embedded zero-setup one.
import { DataSource, EntityManager } from 'typeorm';

export type DatabaseEngine = 'mysql' | 'sqlite';

type Db = DataSource | EntityManager;

export interface LockOptions {
  /** Rows another transaction holds are left out instead of waited for. */
  skipLocked?: boolean;
}

export interface SqlDialect {
  readonly engine: DatabaseEngine;
  /** Appended to a SELECT inside a transaction: locks the selected rows for the rest of it. */
  lockClause(options?: LockOptions): string;
  /** SQL for the text at `path` ('$.id') of a JSON text column. */
  jsonValue(column: string, path: string): string;
}

const MYSQL: SqlDialect = {
  engine: 'mysql',
  lockClause: (options = {}) => (options.skipLocked ? ' FOR UPDATE SKIP LOCKED' : ' FOR UPDATE'),
  jsonValue: (column, path) => `JSON_VALUE(${column}, ${quote(path)})`,
};

/**
 * No lock clause at all, and none is needed: TransactionRunner runs every write transaction of
 * the process alone, holding the database's write lock from its first statement (BEGIN
 * IMMEDIATE), so no row it reads can change under it and no other transaction can hold one.
 */
const SQLITE: SqlDialect = {
  engine: 'sqlite',
  lockClause: () => '',
  jsonValue: (column, path) => `json_extract(${column}, ${quote(path)})`,
};

export function dialectOf(db: Db): SqlDialect {
  const dataSource = db instanceof DataSource ? db : db.connection;
  return dataSource.options.type === 'better-sqlite3' ? SQLITE : MYSQL;
}

export function engineOf(db: Db): DatabaseEngine {
  return dialectOf(db).engine;
}

/** For checks written outside a repository (the tests' own queries). */
export function jsonValueSql(db: Db, column: string, path: string): string {
  return dialectOf(db).jsonValue(column, path);
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
