import { ExecutionContext, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

const RATE_LIMIT_GROUP = 'flash-sale:rate-limit-group';
const reflector = new Reflector();

/**
 * Counts a controller's POSTs under the payment webhook's own limit instead of the API's, so a
 * gateway's burst and the buyers never eat each other's allowance. Marking the route keeps the
 * limiter from knowing the payments feature.
 */
export const WebhookRateLimit = (): ClassDecorator => SetMetadata(RATE_LIMIT_GROUP, 'webhook');

export function isWebhookRoute(context: ExecutionContext): boolean {
  return reflector.get<string | undefined>(RATE_LIMIT_GROUP, context.getClass()) === 'webhook';
}
