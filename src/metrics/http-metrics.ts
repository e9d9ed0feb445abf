import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { onResponseHookHandler, RouteOptions } from 'fastify';
import { Metrics } from './metrics.service';

type Series = { observe(seconds: number): void };

/**
 * Times every request by its route pattern (`/api/holds/:id`, never the raw URL, which would
 * make one series per hold id); requests that match no route share the label `unmatched`.
 *
 * Each route's series are resolved once, when the route is registered (Fastify's `onRoute`): its
 * own `onResponse` hook keeps them by status, so a request pays neither `request.routeOptions`
 * (a getter that builds a fresh object per call) nor a string key. The one global hook left only
 * counts the requests no route matched (`request.is404` reads the route context, allocating nothing).
 * Call before the app is initialized: Nest registers its routes at init.
 */
export function observeHttpRequests(app: NestFastifyApplication): void {
  const metrics = app.get(Metrics);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const observe = routeObserver(metrics, route);
    route.onResponse = [...hooks(route.onResponse), observe];
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    if (request.is404) {
      metrics.httpRequestSeries(request.method, 'unmatched', reply.statusCode).observe(reply.elapsedTime / 1000);
    }
    done();
  });
}

function routeObserver(metrics: Metrics, route: RouteOptions): onResponseHookHandler {
  const url = route.url;
  // A route of several methods keys its series by the request's method too (Nest declares one per route).
  if (typeof route.method !== 'string') {
    return (request, reply, done) => {
      metrics.httpRequestSeries(request.method, url, reply.statusCode).observe(reply.elapsedTime / 1000);
      done();
    };
  }
  const method = route.method;
  const byStatus = new Map<number, Series>();
  return (_request, reply, done) => {
    const status = reply.statusCode;
    let series = byStatus.get(status);
    if (series === undefined) {
      series = metrics.httpRequestSeries(method, url, status);
      byStatus.set(status, series);
    }
    series.observe(reply.elapsedTime / 1000);
    done();
  };
}

function hooks<T>(hook: T | T[] | undefined): T[] {
  if (hook === undefined) return [];
  return Array.isArray(hook) ? hook : [hook];
}
