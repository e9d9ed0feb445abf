import { INestApplication, UnsupportedMediaTypeException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { AppModule, AppOverrides } from './app.module';
import { logRequests } from './http/logging';
import { sendSecurityHeaders } from './http/security-headers';
import { strictValidationPipe } from './http/validation';
import { AppConfig } from './config/app-config';
import { parseJsonBodies } from './http/json-body';
import { answerClientError, answerFrameworkError } from './http/malformed-requests';
import { observeHttpRequests } from './metrics/http-metrics';
import { setupOpenApi } from './http/openapi';
import { answerCachedProductReads } from './products/cached-read-route';
import { RateLimiter } from './rate-limit/rate-limiter';
import { serveStorefront } from './storefront/storefront';
import { serveHoldsNatively } from './holds/native-hold-route';

/** The contract's body limit: 16 KiB; larger bodies get 413. */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** Builds the application (not listening yet): used by main.ts and by the tests alike. */
export async function createApp(config: AppConfig, overrides: AppOverrides = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => randomUUID(),
    // On close: idle keep-alive sockets are closed at once, and a request that still arrives on a
    // busy one is served like the others in flight rather than refused with a bare 503.
    forceCloseConnections: 'idle',
    return503OnClosing: false,
    // Requests refused before any route runs are answered as problem+json too.
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // No Nest middleware is used (request logging is a Fastify hook: http/logging.ts), so
    // @fastify/middie, whose onRequest hook every request would run, is not registered.
    skipMiddie: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, overrides), adapter, {
    bufferLogs: true,
    rawBody: true,
  });
  app.useLogger(app.get(Logger));
  sendSecurityHeaders(app);
  requireJsonBodies(app);
  app.get(RateLimiter).install(app);
  parseJsonBodies(app, BODY_LIMIT_BYTES);
  useApiPrefix(app);
  app.useGlobalPipes(strictValidationPipe());
  observeHttpRequests(app);
  logRequests(app);
  // Before Nest registers its routes (app.init): swaps the handler of POST /api/holds.
  serveHoldsNatively(app);
  setupOpenApi(app);
  serveStorefront(app);
  answerCachedProductReads(app);
  return app;
}

/** Every route under /api but the probes and the metrics; the OpenAPI CLI builds its document with it too. */
export function useApiPrefix(app: INestApplication): void {
  app.setGlobalPrefix('api', { exclude: ['health', 'health/ready', 'metrics'] });
}

/** Bodies are JSON only: a form or any other media type is refused with 415 before parsing. */
function requireJsonBodies(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, _reply, done) => {
      const type = request.headers['content-type'];
      if (type !== undefined && !/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)) {
        done(new UnsupportedMediaTypeException('The content type is not supported; send application/json.'));
        return;
      }
      done();
    });
}
