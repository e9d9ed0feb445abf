import { RouteConfig } from '@nestjs/platform-fastify';

/** The Fastify route config key that names a route's rate-limit group. */
export const RATE_LIMIT_GROUP = 'rateLimitGroup';

export type RateLimitGroup = 'api' | 'webhook';

declare module 'fastify' {
  interface FastifyContextConfig {
    [RATE_LIMIT_GROUP]?: RateLimitGroup;
  }
}

/**
 * Counts a route's POSTs under the payment webhook's own limit instead of the API's, so a
 * gateway's burst and the buyers never eat each other's allowance. Marking the route keeps the
 * limiter from knowing the payments feature; it is Fastify route config, so the limiter reads it
 * from the matched route before any of Nest's per-request machinery runs.
 */
export const WebhookRateLimit = (): MethodDecorator => RouteConfig({ [RATE_LIMIT_GROUP]: 'webhook' });
