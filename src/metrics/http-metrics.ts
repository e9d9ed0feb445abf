import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Metrics } from './metrics.service';

/**
 * Times every request by its route pattern (`/api/holds/:id`, never the raw URL, which would
 * make one series per hold id); requests that match no route share the label `unmatched`.
 */
export function observeHttpRequests(app: NestFastifyApplication): void {
  const metrics = app.get(Metrics);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions?.url ?? 'unmatched';
      metrics.httpRequestSeries(request.method, route, reply.statusCode).observe(reply.elapsedTime / 1000);
      done();
    });
}
