import { createConnection } from 'mysql2/promise';
import { DatabaseConfig } from '../../src/config/app-config';
import { until } from './row-lock';

/**
 * Watches a MySQL database for statements waiting on a row lock (an open transaction of the
 * service holds it, not the test): how a test proves that a request waited, instead of sleeping
 * and hoping it did. Reads PROCESSLIST, as lockProductRow does (INNODB_TRX lags by 100 ms).
 */
export interface LockWaits {
  /** Statements waiting on a lock in this database now. */
  count(): Promise<number>;
  /** Resolves once at least `n` statements wait on a lock in this database. */
  atLeast(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function watchLockWaits(db: DatabaseConfig): Promise<LockWaits> {
  if (db.engine !== 'mysql') throw new Error('watchLockWaits reads MySQL row-lock waits');
  const observer = await createConnection({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database: db.database,
  });
  const waiting = async (): Promise<number> => {
    const [rows] = await observer.query(
      `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST
        WHERE DB = ? AND COMMAND = 'Query' AND ID <> CONNECTION_ID()
          AND (STATE LIKE '%lock%' OR INFO LIKE '%FOR UPDATE%' OR INFO LIKE 'UPDATE%')`,
      [db.database],
    );
    return Number((rows as Array<{ n: number }>)[0].n);
  };
  return {
    count: waiting,
    atLeast: (n) => until(async () => (await waiting()) >= n),
    close: () => observer.end(),
  };
}
