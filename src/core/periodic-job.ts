import { SchedulerRegistry } from '@nestjs/schedule';

/**
 * A background job run on an interval and on demand. A run already under way in this process is
 * joined rather than doubled, and shutdown can wait for it to settle.
 */
export class PeriodicJob<T> {
  private running: Promise<T> | null = null;

  constructor(
    private readonly name: string,
    private readonly work: () => Promise<T>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Registers the interval with Nest's scheduler (which clears it on shutdown). */
  schedule(scheduler: SchedulerRegistry, intervalMs: number): void {
    const timer = setInterval(() => void this.run().catch(this.onError), intervalMs);
    timer.unref();
    scheduler.addInterval(this.name, timer);
  }

  run(): Promise<T> {
    this.running ??= this.work().finally(() => (this.running = null));
    return this.running;
  }

  async settle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }
}
