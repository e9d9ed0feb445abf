// The embedded SQLite engine: how its connections are set up, and the guard that keeps a
// database file to one service instance.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * How long a statement waits for another process's write lock (an external tool, `npm run seed`)
 * before failing with SQLITE_BUSY, which TransactionRunner retries.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/**
 * Runs when TypeORM opens a connection. Both connections use WAL, so the reader sees the last
 * committed state while a write transaction is open, and enforce foreign keys.
 * - The writer's transactions begin IMMEDIATE: the write lock is taken by BEGIN itself, so a
 *   transaction that reads, then writes can never find that another process wrote in between
 *   (a deferred BEGIN would fail with SQLITE_BUSY_SNAPSHOT at its first write). TypeORM always
 *   sends the literal `BEGIN TRANSACTION`; it is rewritten here, its only way through.
 * - The reader refuses writes (`query_only`): every write goes through TransactionRunner.
 */
export function setUpSqliteConnection(connection: Database.Database, role: 'writer' | 'reader'): void {
  connection.pragma('journal_mode = WAL');
  connection.pragma('foreign_keys = ON');
  if (role === 'reader') {
    connection.pragma('query_only = ON');
    return;
  }
  const prepare = connection.prepare.bind(connection);
  connection.prepare = (sql: string) => prepare(sql === 'BEGIN TRANSACTION' ? 'BEGIN IMMEDIATE TRANSACTION' : sql);
}

/**
 * One instance per SQLite file. Every write transaction is serialized inside the process (see
 * TransactionRunner), which is the whole concurrency story on SQLite; a second process on the
 * same file would break it. The guard is an exclusive lock on a file beside the database, held
 * for the life of the process: the operating system drops it if the process dies, so a crash
 * never leaves a stale lock behind.
 */
export class SqliteInstanceLock {
  private constructor(private readonly connection: Database.Database) {}

  static acquire(file: string): SqliteInstanceLock {
    mkdirSync(dirname(file), { recursive: true });
    const connection = new Database(`${file}.instance-lock`, { timeout: 0 });
    try {
      // Nothing is ever written to this file: no journal, just the lock.
      connection.pragma('journal_mode = MEMORY');
      connection.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      connection.close();
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
        throw new Error(
          `another instance is already serving ${file}. SQLite serves one instance only; ` +
            'to run several instances or cluster workers, use MySQL: DATABASE_URL=mysql://user:pass@host:3306/db',
        );
      }
      throw error;
    }
    return new SqliteInstanceLock(connection);
  }

  onApplicationShutdown(): void {
    this.release();
  }

  release(): void {
    if (this.connection.open) this.connection.close();
  }
}
