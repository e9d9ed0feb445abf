// Our SQL straight on mysql2, under TypeORM. TypeORM still opens the pool, runs the migrations
// and hands out the connections (its QueryRunner), but each of our statements goes to the
// pooled mysql2 connection directly: TypeORM's QueryRunner.query adds, per statement, a logger
// and two subscriber broadcasts, a QueryResult, and an Array.from copy of every result, which we
// never use (no entities, no subscribers, logging off). Errors are mysql2's own (`code`,
// `errno`), which is what db-errors.ts reads either way.
import { DataSource, EntityManager } from 'typeorm';

/** The callback API of a mysql2 connection or pool (what TypeORM's mysql driver holds). */
export interface MysqlQueryable {
  query(sql: string, values: unknown[], callback: (error: Error | null, result: unknown) => void): unknown;
}

interface MysqlRunnerLike {
  isReleased?: boolean;
  databaseConnection?: MysqlQueryable;
}

/**
 * The mysql2 connection that a statement on `db` runs on: the transaction's own connection (a
 * manager handed out by TransactionRunner), or the pool (statements outside a transaction, each
 * on whichever connection is free, as TypeORM does). Null on SQLite, and for a manager whose
 * runner has no connection yet or was released: those take TypeORM's path, which connects or
 * refuses as it always has.
 */
export function mysqlConnectionOf(db: DataSource | EntityManager): MysqlQueryable | null {
  const dataSource = db instanceof DataSource ? db : db.connection;
  if (dataSource.options.type !== 'mysql') return null;
  if (db instanceof EntityManager && db.queryRunner) {
    const runner = db.queryRunner as unknown as MysqlRunnerLike;
    return runner.isReleased ? null : (runner.databaseConnection ?? null);
  }
  return (dataSource.driver as unknown as { pool?: MysqlQueryable }).pool ?? null;
}

/** One statement: the rows of a SELECT, or mysql2's ResultSetHeader of a write. */
export function rawMysqlQuery(connection: MysqlQueryable, sql: string, values: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    connection.query(sql, values, (error, result) => (error ? reject(error) : resolve(result)));
  });
}
