import { Module } from '@nestjs/common';
import { RateLimiter } from './rate-limiter';

/** The per-client POST limits; createApp installs RateLimiter's hook on the HTTP server. */
@Module({ providers: [RateLimiter], exports: [RateLimiter] })
export class RateLimitModule {}
