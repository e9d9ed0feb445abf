import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { PostRateLimitGuard } from './post-rate-limit.guard';
import { isWebhookRoute as isWebhook } from './rate-limit-group';
import { RateLimitStorage } from './rate-limit.storage';

const MINUTE_MS = 60_000;

@Module({ providers: [RateLimitStorage], exports: [RateLimitStorage] })
class RateLimitStorageModule {}

/**
 * Per-client-IP limits on POST: RATE_LIMIT_PER_MINUTE for the API, WEBHOOK_RATE_LIMIT_PER_MINUTE
 * for the payment webhook; 0 turns one off. One counter per client for all API POST routes.
 */
@Module({})
export class RateLimitModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RateLimitModule,
      imports: [
        ThrottlerModule.forRootAsync({
          imports: [RateLimitStorageModule],
          inject: [RateLimitStorage],
          useFactory: (storage: RateLimitStorage) => ({
            storage,
            generateKey: (_context, tracker, name) => `${name}:${tracker}`,
            throttlers: [
              {
                name: 'default',
                ttl: MINUTE_MS,
                limit: config.rateLimitPerMinute,
                skipIf: (context) => config.rateLimitPerMinute === 0 || isWebhook(context),
              },
              {
                name: 'webhook',
                ttl: MINUTE_MS,
                limit: config.webhookRateLimitPerMinute,
                skipIf: (context) => config.webhookRateLimitPerMinute === 0 || !isWebhook(context),
              },
            ],
          }),
        }),
      ],
      providers: [{ provide: APP_GUARD, useClass: PostRateLimitGuard }],
    };
  }
}
