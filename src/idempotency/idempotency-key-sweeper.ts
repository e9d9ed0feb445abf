import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PinoLogger } from 'nestjs-pino';
import { Clock } from '../core/clock';
import { PeriodicJob } from '../core/periodic-job';
import { TransactionRunner } from '../database/transaction-runner';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';

const SWEEP_INTERVAL_MS = 60_000;
/** Rows deleted per statement, so a sweep never holds many locks for long. */
const BATCH = 1_000;

/** Deletes Idempotency-Key records past their 24 hours, once a minute, in small batches. */
@Injectable()
export class IdempotencyKeySweeper implements OnModuleInit, OnApplicationShutdown {
  private readonly job = new PeriodicJob(
    'idempotency-key-sweep',
    () => this.sweep(),
    (err) => this.logger.error({ err }, 'idempotency key sweep failed'),
  );

  constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly repository: IdempotencyKeysRepository,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(IdempotencyKeySweeper.name);
  }

  onModuleInit(): void {
    this.job.schedule(this.scheduler, SWEEP_INTERVAL_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.settle();
  }

  /** One sweep; returns how many records it deleted. */
  deleteExpired(): Promise<number> {
    return this.job.run();
  }

  private async sweep(): Promise<number> {
    const now = this.clock.now();
    let total = 0;
    for (;;) {
      const deleted = await this.tx.autocommit((manager) => this.repository.deleteExpired(manager, now, BATCH));
      total += deleted;
      if (deleted < BATCH) return total;
    }
  }
}
