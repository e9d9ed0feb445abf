import { Connection, createConnection } from 'mysql2/promise';
import { DatabaseConfig } from '../../src/config/app-config';
import { eventually } from './eventually';

/**
 * Holds a product's row lock from outside the service, the way a slow transaction of another
 * instance would: whatever the service does on that product waits until `release()`. This is
 * how the tests put a batch "in flight" for as long as they need, without any sleep.
 */
export interface HeldRowLock {
  /** Requests of the service currently waiting for a row lock in this database. */
  waiters(): Promise<number>;
  /** Resolves once `n` transactions of the service wait for a lock. */
  waitForWaiters(n: number): Promise<void>;
  /** Kills the connection of the transaction waiting for the lock (there must be exactly one). */
  killWaiter(): Promise<void>;
  release(): Promise<void>;
}

export async function lockProductRow(db: DatabaseConfig, productId: number): Promise<HeldRowLock> {
  if (db.engine !== 'mysql') throw new Error('lockProductRow needs MySQL row locks: test files that use it run on MySQL only');
  const connect = () =>
    createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
  const holder: Connection = await connect();
  const observer: Connection = await connect();
  await holder.query('START TRANSACTION');
  await holder.query('SELECT id FROM products WHERE id = ? FOR UPDATE', [productId]);

  // PROCESSLIST, not INNODB_TRX: InnoDB refreshes the latter only after 100 ms without a read,
  // so a tight poll would keep reading a stale snapshot.
  const waitingThreads = async (): Promise<number[]> => {
    const [rows] = await observer.query(
      `SELECT ID AS id FROM information_schema.PROCESSLIST
        WHERE DB = ? AND COMMAND = 'Query' AND INFO LIKE '%FOR UPDATE%' AND ID NOT IN (CONNECTION_ID(), ?)`,
      [db.database, holder.threadId],
    );
    return (rows as Array<{ id: number }>).map((r) => Number(r.id));
  };

  return {
    waiters: async () => (await waitingThreads()).length,
    async waitForWaiters(n) {
      while ((await waitingThreads()).length < n) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    async killWaiter() {
      const threads = await waitingThreads();
      if (threads.length !== 1) throw new Error(`expected one waiting transaction, found ${threads.length}`);
      await observer.query(`KILL ${threads[0]}`);
    },
    async release() {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
      await observer.end();
    },
  };
}

/**
 * Polls until `condition` holds: for states the tests can observe but not await directly. Gives
 * up after 110 s (inside Jest's 120 s test timeout): a wait that never ends would otherwise go on
 * polling after its test has timed out and keep Jest from exiting.
 */
export function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  return eventually('until()', condition, undefined, 110_000);
}
