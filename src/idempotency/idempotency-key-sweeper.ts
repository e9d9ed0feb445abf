import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PinoLogger } from 'nestjs-pino';
import { Clock } from '../common/clock';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';

const SWEEP_INTERVAL_MS = 60_000;
/** Rows deleted per statement, so a sweep never holds many locks for long. */
const BATCH = 1_000;

/** Deletes Idempotency-Key records past their 24 hours, once a minute, in small batches. */
@Injectable()
export class IdempotencyKeySweeper implements OnModuleInit, OnApplicationShutdown {
  private running: Promise<number> | null = null;

  constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly repository: IdempotencyKeysRepository,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(IdempotencyKeySweeper.name);
  }

  onModuleInit(): void {
    const timer = setInterval(() => {
      this.deleteExpired().catch((err) => this.logger.error({ err }, 'idempotency key sweep failed'));
    }, SWEEP_INTERVAL_MS);
    timer.unref();
    this.scheduler.addInterval('idempotency-key-sweep', timer);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** One sweep; returns how many records it deleted. */
  deleteExpired(): Promise<number> {
    this.running ??= this.sweep().finally(() => (this.running = null));
    return this.running;
  }

  private async sweep(): Promise<number> {
    const now = this.clock.now();
    let total = 0;
    for (;;) {
      const deleted = await this.repository.deleteExpired(now, BATCH);
      total += deleted;
      if (deleted < BATCH) return total;
    }
  }
}
