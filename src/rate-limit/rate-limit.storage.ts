import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { PinoLogger } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { createRedisThrottlerStorage, RedisThrottlerStorage } from './redis-throttler-storage';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** At most one "Redis unavailable" warning per this many milliseconds. */
const WARN_EVERY_MS = 30_000;

/**
 * Where the request counters live: Redis when REDIS_URL is set (every instance counts against
 * one limit), this process otherwise. If Redis fails, the process's own counters take over:
 * the limit is a protection, not a promise about data, so a Redis outage must not stop the sale.
 */
@Injectable()
export class RateLimitStorage implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown {
  private readonly local = new ThrottlerStorageService();
  private readonly redis: RedisThrottlerStorage | null;
  private lastWarning = 0;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(RateLimitStorage.name);
    this.redis = config.redisUrl ? createRedisThrottlerStorage(config.redisUrl, config.database.database) : null;
  }

  async onModuleInit(): Promise<void> {
    await this.redis?.ready();
  }

  async onApplicationShutdown(): Promise<void> {
    this.local.onApplicationShutdown();
    await this.redis?.close();
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    if (this.redis) {
      try {
        return await this.redis.storage.increment(key, ttl, limit, blockDuration, throttlerName);
      } catch (err) {
        if (Date.now() - this.lastWarning > WARN_EVERY_MS) {
          this.lastWarning = Date.now();
          this.logger.warn({ err }, 'rate-limit counters in Redis unavailable; counting in this process');
        }
      }
    }
    return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
  }
}
