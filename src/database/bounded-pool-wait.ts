import { DataSource } from 'typeorm';
import { MysqlDriver } from 'typeorm/driver/mysql/MysqlDriver';

/**
 * How long a request may wait for a database connection. mysql2's pool has a connect timeout but
 * lets a request wait for a free connection forever (there is no acquire timeout); when the
 * database is gone, that wait is what would hang every request. Past this, the request fails
 * with POOL_WAIT_TIMEOUT, answered 503 with Retry-After, well within the 5 seconds we promise.
 */
export const POOL_WAIT_TIMEOUT_MS = 3_000;

type ConnectionCallback = (error: Error | null, connection?: { release(): void }) => void;
interface CallbackPool {
  getConnection(callback: ConnectionCallback): void;
}

export function boundPoolWait(dataSource: DataSource, timeoutMs = POOL_WAIT_TIMEOUT_MS): void {
  const pool = (dataSource.driver as MysqlDriver).pool as CallbackPool;
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = (callback) => {
    let answered = false;
    const timer = setTimeout(() => {
      answered = true;
      callback(Object.assign(new Error('Timed out waiting for a database connection'), { code: 'POOL_WAIT_TIMEOUT' }));
    }, timeoutMs);
    getConnection((error, connection) => {
      clearTimeout(timer);
      if (answered) {
        // The request has been answered already: hand a late connection straight back.
        connection?.release();
        return;
      }
      answered = true;
      callback(error, connection);
    });
  };
}
