import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';

/**
 * The contract's log events: each is one JSON line with `event` set to its name, and each has a
 * counter `flash_sale_<event>_total` (metrics/). The one list of them.
 */
export const DOMAIN_EVENT_NAMES = [
  'stock_contention',
  'hold_created',
  'holds_expired',
  'hold_released',
  'order_created',
  'webhook_dedupe',
  'webhook_retry_required',
  'webhook_out_of_order',
  'payment_success',
  'payment_failed',
  'order_expired',
  'order_cancelled',
  'payment_refund_due',
  'stock_adjusted',
] as const;

export type DomainEventName = (typeof DOMAIN_EVENT_NAMES)[number];

export type DomainEventListener = (event: DomainEventName, fields: Record<string, unknown>) => void;

/**
 * Where the services report what happened. Every event is logged here, once, and handed to the
 * listeners (the Prometheus counters subscribe), so a log line and its counter cannot disagree.
 */
@Injectable()
export class DomainEvents {
  private readonly listeners: DomainEventListener[] = [];

  constructor(private readonly logger: PinoLogger) {
    logger.setContext('DomainEvents');
  }

  subscribe(listener: DomainEventListener): void {
    this.listeners.push(listener);
  }

  emit(event: DomainEventName, fields: Record<string, unknown> = {}): void {
    // Built only when the level lets the line out: nestjs-pino copies the object (with its
    // context) before pino's level check, and in a sale there is one event per hold request.
    if (this.logger.logger.isLevelEnabled('info')) this.logger.info({ event, ...fields });
    for (const listener of this.listeners) listener(event, fields);
  }
}
