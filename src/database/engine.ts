// The few SQL differences between the two engines, so that repositories write one query for
// both. MySQL is the production engine; SQLite is the embedded zero-setup one.
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';

export type DatabaseEngine = 'mysql' | 'sqlite';

type Db = DataSource | EntityManager;

export function engineOf(db: Db): DatabaseEngine {
  const dataSource = db instanceof DataSource ? db : db.connection;
  return dataSource.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
}

/**
 * Locks the selected rows for the rest of the transaction: `FOR UPDATE` on MySQL, with
 * `SKIP LOCKED` when asked (rows another transaction holds are left out instead of waited for).
 * On SQLite this is nothing at all, and needs to be nothing: TransactionRunner runs every write
 * transaction of the process alone, holding the database's write lock from its first statement
 * (BEGIN IMMEDIATE), so no row it reads can change under it and no other transaction can hold
 * one. (TypeORM would throw LockNotSupportedOnGivenDriverError for setLock there.)
 */
export function forUpdate<T extends object>(
  query: SelectQueryBuilder<T>,
  options: { skipLocked?: boolean } = {},
): SelectQueryBuilder<T> {
  if (engineOf(query.connection) === 'sqlite') return query;
  query.setLock('pessimistic_write');
  if (options.skipLocked) query.setOnLocked('skip_locked');
  return query;
}

/** The same lock for raw SQL: append to a SELECT inside a transaction (see forUpdate). */
export function forUpdateClause(db: Db, options: { skipLocked?: boolean } = {}): string {
  if (engineOf(db) === 'sqlite') return '';
  return options.skipLocked ? ' FOR UPDATE SKIP LOCKED' : ' FOR UPDATE';
}

/** SQL for the text at `path` ('$.id') of a JSON text column: JSON_VALUE on MySQL, json_extract on SQLite. */
export function jsonValueSql(db: Db, column: string, path: string): string {
  const fn = engineOf(db) === 'sqlite' ? 'json_extract' : 'JSON_VALUE';
  return `${fn}(${column}, '${path.replace(/'/g, "''")}')`;
}
