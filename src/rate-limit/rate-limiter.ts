import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { RateLimitExceededError } from '../core/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { LocalCounters, RedisCounters, WindowCount } from './rate-limit-counters';
import { RATE_LIMIT_GROUP, RateLimitGroup } from './rate-limit-group';

const WINDOW_MS = 60_000;
/** At most one "Redis unavailable" warning per this many milliseconds. */
const WARN_EVERY_MS = 30_000;

/**
 * Per-client-IP limits on POST: RATE_LIMIT_PER_MINUTE for the API (one allowance for all its POST
 * routes), WEBHOOK_RATE_LIMIT_PER_MINUTE for the payment webhook; 0 turns one off. GETs are cache
 * reads and are not limited here. Refusals are 429 problem+json with Retry-After.
 *
 * A Fastify onRequest hook rather than a Nest guard: it decides before the body is parsed and
 * before Nest's per-request pipeline runs, and a request it lets through pays one Map update (or
 * one Redis round trip) and nothing else. If Redis fails, this process's counters take over: the
 * limit is a protection, not a promise about data, so a Redis outage must not stop the sale.
 */
@Injectable()
export class RateLimiter implements OnModuleInit, OnApplicationShutdown {
  private readonly local = new LocalCounters();
  private readonly redis: RedisCounters | null;
  private readonly limits: Record<RateLimitGroup, number>;
  private lastWarning = 0;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(RateLimiter.name);
    this.limits = { api: config.rateLimitPerMinute, webhook: config.webhookRateLimitPerMinute };
    const enabled = this.limits.api > 0 || this.limits.webhook > 0;
    this.redis = enabled && config.redisUrl ? new RedisCounters(config.redisUrl, config.database.database) : null;
  }

  async onModuleInit(): Promise<void> {
    await this.redis?.ready();
  }

  onApplicationShutdown(): void {
    this.redis?.close();
  }

  /** Adds the hook; call before the routes are ready (createApp does). */
  install(app: NestFastifyApplication): void {
    if (this.limits.api === 0 && this.limits.webhook === 0) return;
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRequest', (request, _reply, done) => {
        const group = groupOf(request);
        const limit = group === null ? 0 : this.limits[group];
        if (limit === 0) return done();
        const key = `${group}:${request.ip}`;
        if (this.redis === null) return done(refusal(this.local.increment(key, WINDOW_MS), limit));
        this.countShared(key).then(
          (window) => done(refusal(window, limit)),
          (error: Error) => done(error),
        );
      });
  }

  private async countShared(key: string): Promise<WindowCount> {
    try {
      return await this.redis!.increment(key, WINDOW_MS);
    } catch (err) {
      if (Date.now() - this.lastWarning > WARN_EVERY_MS) {
        this.lastWarning = Date.now();
        this.logger.warn({ err }, 'rate-limit counters in Redis unavailable; counting in this process');
      }
      return this.local.increment(key, WINDOW_MS);
    }
  }
}

/** Which allowance a request counts against, or null when it is not limited (not a POST, no route). */
function groupOf(request: FastifyRequest): RateLimitGroup | null {
  if (request.method !== 'POST') return null;
  const route = request.routeOptions;
  if (route.url === undefined) return null;
  return route.config?.[RATE_LIMIT_GROUP] ?? 'api';
}

function refusal(window: WindowCount, limit: number): RateLimitExceededError | undefined {
  return window.count > limit ? new RateLimitExceededError(Math.ceil(window.resetInMs / 1000)) : undefined;
}
