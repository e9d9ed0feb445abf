import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RouteHandlerMethod } from 'fastify';

/**
 * Swaps the handler of one route Nest registers (Fastify's `onRoute`, so call it before the app
 * is initialized) and makes sure the swap happened: if no route of that method and URL was ever
 * registered (a renamed route, a changed prefix, an adapter that no longer goes through
 * `onRoute`), the app refuses to start (`onReady` fails, so does `listen`) instead of quietly
 * serving the route through Nest's generic pipeline.
 */
export function takeOverRoute(
  app: NestFastifyApplication,
  method: string,
  url: string,
  replace: (throughNest: RouteHandlerMethod) => RouteHandlerMethod,
): void {
  const fastify = app.getHttpAdapter().getInstance();
  let taken = false;
  fastify.addHook('onRoute', (route) => {
    if (route.url !== url || !(Array.isArray(route.method) ? route.method : [route.method]).includes(method)) return;
    route.handler = replace(route.handler);
    taken = true;
  });
  fastify.addHook('onReady', (done) => {
    done(taken ? undefined : new Error(`${method} ${url} was never registered: its native handler would serve nothing`));
  });
}
