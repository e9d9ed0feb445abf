import { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';

/**
 * helmet's security headers (nosniff, HSTS, frame and CSP restrictions) on every answer, errors
 * included. helmet's headers do not depend on the request, so its middleware runs once, here,
 * against a recording response, and every request gets the recorded headers: running the
 * middleware per request (or @fastify/helmet, which also rebuilds it from its options each time)
 * cost a measurable share of a cached product read.
 */
export function sendSecurityHeaders(app: NestFastifyApplication): void {
  const headers = helmetHeaders();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
}

function helmetHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    // helmet removes X-Powered-By; Fastify never sends one.
    removeHeader() {},
  };
  let failed = false;
  helmet()({} as never, recorder as never, (error?: unknown) => (failed = error !== undefined));
  // helmet() with its defaults never fails; if a future version does, starting without the headers would be worse.
  if (failed) throw new Error('helmet refused its default options');
  return headers;
}
