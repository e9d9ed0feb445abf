import { CanActivate, ExecutionContext, Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { RawBodyRequest } from '@nestjs/common/interfaces';
import { FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { Clock } from '../core/clock';
import { WebhookSignatureError } from '../core/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { verifyWebhook, webhookKey } from './webhook-signature';

/**
 * Lets a payment webhook through only when its signature is valid, checked on the raw bytes
 * before the body is validated or any query runs: a forged delivery costs us one HMAC. Without
 * WEBHOOK_SECRET (refused at boot in production) deliveries are accepted unsigned.
 */
@Injectable()
export class WebhookSignatureGuard implements CanActivate, OnModuleInit {
  private readonly key: Buffer | null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(WebhookSignatureGuard.name);
    this.key = config.webhookSecret === null ? null : webhookKey(config.webhookSecret);
  }

  onModuleInit(): void {
    if (this.key === null) {
      this.logger.warn('WEBHOOK_SECRET is not set: payment webhooks are accepted unsigned (never do this in production)');
    }
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.key === null) return true;
    const request = context.switchToHttp().getRequest<RawBodyRequest<FastifyRequest>>();
    const failure = verifyWebhook(this.key, request.headers, request.rawBody ?? Buffer.alloc(0), this.clock.now());
    if (failure !== null) {
      this.logger.warn({ reason: failure, request_id: request.id }, 'webhook signature refused');
      throw new WebhookSignatureError(failure);
    }
    return true;
  }
}
