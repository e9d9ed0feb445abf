// GET /api/products/:id is the read the whole crowd refreshes. A hit in this process's cache is
// answered by the Fastify route itself; everything else goes through Nest as declared in
// ProductsController.
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PRODUCT_JSON_CONTENT_TYPE } from './product-json';
import { ProductsService } from './products.service';

/** The controller's read route, as Nest registers it (with the global `api` prefix). */
const PRODUCT_READ_ROUTE = '/api/products/:id';
/** PositiveIntPipe's rule; anything else is left to the pipe, which refuses it with its 400. */
const PLAIN_ID = /^[1-9]\d{0,15}$/;

/**
 * Why the adapter's native route here: Nest's generic pipeline (the router's execution context,
 * the global and parameter pipes, the exception-filter wrapper, the interceptor chain, the
 * promises between them and its reply step) was the largest share of a cached read's CPU that
 * the bare Fastify route (the `ceiling` bench) does not pay. So when the route is registered
 * (Fastify's `onRoute`), its handler is wrapped: a well-formed id whose product is in this
 * process's cache entries is answered at once, with the bytes, headers and status Nest would have
 * sent (the same `cachedJson` → productJson as `getJson`, the same content type); every other
 * request (a miss, a malformed id, an unknown product, Redis) runs Nest's handler unchanged, so
 * its validation, problem+json and cache fill stay the controller's. The Fastify hooks (security
 * headers, metrics, logging, the 404 of an empty id) run for both, as for any route.
 * Call before the app is initialized: Nest registers its routes at init.
 */
export function answerCachedProductReads(app: NestFastifyApplication): void {
  const products = app.get(ProductsService);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      if (route.url !== PRODUCT_READ_ROUTE || route.method !== 'GET') return;
      const throughNest = route.handler;
      route.handler = function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
        const id = (request.params as { id?: string }).id;
        let json: string | undefined;
        try {
          json = id !== undefined && PLAIN_ID.test(id) ? products.cachedJson(Number(id)) : undefined;
        } catch {
          // Never expected; if it happens, Nest's handler meets it again and its filter answers.
          json = undefined;
        }
        if (json === undefined) return throughNest.call(this, request, reply);
        reply.header('content-type', PRODUCT_JSON_CONTENT_TYPE).send(json);
      };
    });
}
