import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import cluster from 'node:cluster';
import { PinoLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { isLiveStockMessage, LIVE_STOCK_MESSAGE, LiveStockMessage } from './live-stock-cluster-relay';

export interface LiveStockListener {
  /** Products changed (and committed) on another instance. */
  changed(ids: number[]): void;
  /** The link to the other instances is back after an outage: anything may have changed meanwhile. */
  resync(): void;
}

/**
 * Carries "product N changed" between the instances of one deployment: one Redis pub/sub channel
 * per deployment (named after the database, like the cache keys), one subscriber connection per
 * instance whatever the number of streams. Without REDIS_URL an instance hears its own changes
 * directly, and cluster workers tell each other through the primary (IPC).
 *
 * A Redis outage degrades to in-process delivery. Changes this instance could not publish are
 * published when Redis is back, and on reconnecting the subscriber asks for a resync (every
 * subscribed product read again), so the streams end on the latest state either way.
 */
@Injectable()
export class LiveStockBus implements OnApplicationShutdown {
  private readonly instanceId = randomUUID();
  private readonly channel: string;
  private subscriber: Redis | null = null;
  private publisher: Redis | null = null;
  private listener: LiveStockListener | null = null;
  private readonly unpublished = new Set<number>();
  private outageLogged = false;
  private subscribed = false;
  private workerMessages: ((message: unknown) => void) | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(LiveStockBus.name);
    this.channel = `flash-sale:${config.database.database}:live-stock`;
  }

  /** Connects in the background: the service starts (and streams locally) even with Redis down. */
  start(listener: LiveStockListener): void {
    this.listener = listener;
    const url = this.config.redisUrl;
    if (url === null) {
      if (cluster.isWorker) this.listenToOtherWorkers();
      return;
    }
    const options = {
      // Reconnect forever, never more than a second apart: streams resume soon after Redis does.
      retryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000),
      maxRetriesPerRequest: 1,
    };
    // ioredis is loaded here, only with REDIS_URL: a server without Redis never carries its modules.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: IORedis } = require('ioredis') as typeof import('ioredis');
    // Subscribed by hand on every (re)connect, so the resync runs once the subscription is back.
    this.subscriber = new IORedis(url, { ...options, autoResubscribe: false });
    this.publisher = new IORedis(url, { ...options, enableOfflineQueue: false });
    for (const client of [this.subscriber, this.publisher]) client.on('error', (error) => this.reportOutage(error));

    let subscribedBefore = false;
    this.subscriber.on('ready', () => {
      this.subscriber!.subscribe(this.channel).then(
        () => {
          this.subscribed = true;
          this.outageLogged = false;
          // What the other instances said while this one was not listening is lost: read again.
          if (subscribedBefore) this.listener?.resync();
          subscribedBefore = true;
        },
        (error) => this.reportOutage(error),
      );
    });
    this.subscriber.on('close', () => (this.subscribed = false));
    this.subscriber.on('message', (_channel: string, message: string) => this.receive(message));
    this.publisher.on('ready', () => void this.publishUnpublished());
  }

  /** True while this instance hears the others (always false without REDIS_URL). */
  get connected(): boolean {
    return this.subscribed;
  }

  /** Tells the other instances; never throws and never waits for Redis. */
  publish(ids: number[]): void {
    if (this.config.redisUrl === null && cluster.isWorker) {
      process.send?.({ type: LIVE_STOCK_MESSAGE, ids } satisfies LiveStockMessage);
      return;
    }
    if (this.publisher === null) return;
    for (const id of ids) this.unpublished.add(id);
    void this.publishUnpublished();
  }

  private listenToOtherWorkers(): void {
    this.workerMessages = (message: unknown) => {
      if (isLiveStockMessage(message)) this.listener?.changed(message.ids.filter((id) => Number.isSafeInteger(id) && id > 0));
    };
    process.on('message', this.workerMessages);
  }

  onApplicationShutdown(): void {
    if (this.workerMessages) process.off('message', this.workerMessages);
    this.subscriber?.disconnect(false);
    this.publisher?.disconnect(false);
  }

  private async publishUnpublished(): Promise<void> {
    if (this.publisher?.status !== 'ready' || this.unpublished.size === 0) return;
    const ids = [...this.unpublished];
    this.unpublished.clear();
    try {
      await this.publisher.publish(this.channel, JSON.stringify({ from: this.instanceId, ids }));
    } catch (error) {
      // Kept for the reconnect; a later change of the same product is the same news.
      for (const id of ids) this.unpublished.add(id);
      this.reportOutage(error);
    }
  }

  private receive(message: string): void {
    let parsed: { from?: unknown; ids?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.from === this.instanceId || !Array.isArray(parsed.ids)) return;
    const ids = parsed.ids.filter((id): id is number => Number.isSafeInteger(id) && id > 0);
    if (ids.length > 0) this.listener?.changed(ids);
  }

  private reportOutage(error: unknown): void {
    if (this.outageLogged) return;
    this.outageLogged = true;
    this.logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'Redis unreachable: live stock is delivered to this instance only until it returns',
    );
  }
}
