import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Mutex } from 'async-mutex';
import { DataSource, EntityManager } from 'typeorm';
import { DomainEvents } from '../core/domain-events';
import { isRetryableLockError } from './db-errors';
import { engineOf } from './dialect';
import { MysqlQueryable, rawMysqlQuery } from './mysql-connection';

const MAX_ATTEMPTS = 5;
/**
 * MySQL: every decision here is made under row locks, and every read after a lock must see the
 * latest committed rows: under REPEATABLE READ a plain SELECT would still read the snapshot taken
 * at the transaction's first read (a conversion that waited on the product lock would not see the
 * order the winner just committed). READ COMMITTED also takes no gap locks, so fewer deadlocks.
 * SQLite knows only SERIALIZABLE (and READ UNCOMMITTED), which is what a lone writer gets anyway.
 * It is set once per pooled connection, for its session, rather than before every transaction
 * (one statement less each): nothing on these connections wants another level.
 */
const MYSQL_ISOLATION = 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED';
const BASE_BACKOFF_MS = 5;

/**
 * Runs one use case in one transaction. A deadlock or a lock-wait timeout rolls the whole
 * transaction back, so it is safe to run it again: that retry lives here and nowhere else.
 *
 * On SQLite the write transactions of the process run one at a time, in arrival order. TypeORM's
 * SQLite driver has one connection, shared by every query runner, so two transactions open at
 * once would silently become one (the second's BEGIN a savepoint of the first); and SQLite has
 * no row locks, so one writer at a time is also what makes a lock clause unnecessary there. A
 * transaction holds the mutex from its BEGIN IMMEDIATE to its COMMIT; reads outside transactions
 * go to the other connection and never wait for it.
 */
@Injectable()
export class TransactionRunner {
  private readonly oneWriter: Mutex | null;
  /** The pooled MySQL connections whose session is READ COMMITTED already. */
  private readonly readCommitted = new WeakSet<MysqlQueryable>();

  constructor(
    // The default data source: on SQLite the writer connection (reads have DatabaseReader).
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
  ) {
    this.oneWriter = engineOf(dataSource) === 'sqlite' ? new Mutex() : null;
  }

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(work);
      } catch (error) {
        if (!isRetryableLockError(error) || attempt >= MAX_ATTEMPTS) throw error;
        this.events.emit('stock_contention', { reason: (error as { code?: string }).code, attempt });
        // Full jitter, growing with each attempt, so the colliding transactions spread out.
        await sleep(Math.random() * BASE_BACKOFF_MS * 2 ** attempt);
      }
    }
  }

  /**
   * A write that belongs to no use case's transaction (a claim released after a failure, a
   * cleanup batch): one statement, committed on its own. MySQL runs it straight on the pool. On
   * SQLite it takes its turn with the transactions on the writer connection: run anywhere else
   * it would either be refused (the reader is read-only) or land inside whichever transaction is
   * open on the writer's shared connection.
   */
  autocommit<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.oneWriter) return this.oneWriter.runExclusive(() => work(this.dataSource.manager));
    return work(this.dataSource.manager);
  }

  private once<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.oneWriter) return this.oneWriter.runExclusive(() => this.dataSource.transaction(work));
    return this.onMysql(work);
  }

  /**
   * A MySQL transaction on one pooled connection, its BEGIN, COMMIT and ROLLBACK sent straight
   * on mysql2 like every statement in it (mysql-connection.ts). Any failure rolls back (when the
   * connection still answers) and is rethrown for run() to retry or report.
   */
  private async onMysql<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const connection = (await runner.connect()) as MysqlQueryable;
      if (!this.readCommitted.has(connection)) {
        await rawMysqlQuery(connection, MYSQL_ISOLATION, []);
        this.readCommitted.add(connection);
      }
      await rawMysqlQuery(connection, 'START TRANSACTION', []);
      let result: T;
      try {
        result = await work(runner.manager);
        await rawMysqlQuery(connection, 'COMMIT', []);
      } catch (error) {
        await rawMysqlQuery(connection, 'ROLLBACK', []).catch(() => undefined);
        throw error;
      }
      return result;
    } finally {
      await runner.release();
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
