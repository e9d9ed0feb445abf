import { Global, Module } from '@nestjs/common';
import { IdempotencyKeySweeper } from './idempotency-key-sweeper';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyService } from './idempotency.service';

/** Idempotency-Key for the POST routes that create things; global so any controller can use it. */
@Global()
@Module({
  providers: [IdempotencyKeysRepository, IdempotencyService, IdempotencyInterceptor, IdempotencyKeySweeper],
  exports: [IdempotencyService, IdempotencyInterceptor],
})
export class IdempotencyModule {}
