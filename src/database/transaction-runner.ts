import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainEvents } from '../common/domain-events';
import { isRetryableLockError } from './mysql-errors';

const MAX_ATTEMPTS = 5;
/**
 * Every decision here is made under row locks, and every read after a lock must see the latest
 * committed rows: under REPEATABLE READ a plain SELECT would still read the snapshot taken at the
 * transaction's first read (a conversion that waited on the product lock would not see the order
 * the winner just committed). READ COMMITTED also takes no gap locks, so fewer deadlocks.
 */
const ISOLATION = 'READ COMMITTED';
const BASE_BACKOFF_MS = 5;

/**
 * Runs one use case in one transaction. A deadlock or a lock-wait timeout rolls the whole
 * transaction back, so it is safe to run it again: that retry lives here and nowhere else.
 */
@Injectable()
export class TransactionRunner {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: DomainEvents,
  ) {}

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(ISOLATION, work);
      } catch (error) {
        if (!isRetryableLockError(error) || attempt >= MAX_ATTEMPTS) throw error;
        this.events.emit('stock_contention', { reason: (error as { code?: string }).code, attempt });
        // Full jitter, growing with each attempt, so the colliding transactions spread out.
        await sleep(Math.random() * BASE_BACKOFF_MS * 2 ** attempt);
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
