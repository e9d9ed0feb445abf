import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Params, PARAMS_PROVIDER_TOKEN } from 'nestjs-pino';
import pino, { Logger } from 'pino';

export interface LogSettings {
  level: string;
  /** Human-readable lines (pino-pretty) instead of JSON: a developer's terminal, never production. */
  pretty: boolean;
}

/**
 * pino JSON logs, one line per event. Domain events carry `event` (hold_created, ...); request
 * lines are debug-level unless the request failed on our side, so a sale's traffic does not
 * drown the events that matter.
 *
 * One pino logger for the whole app, handed to nestjs-pino (which gives PinoLogger to the
 * services) without its pino-http middleware (`forRoutes: []`): that middleware made a child
 * logger and an AsyncLocalStorage context for every request, and ran through @fastify/middie,
 * whether or not the level let a request line out. Request lines come from logRequests below.
 */
export function loggerOptions(settings: LogSettings): Params {
  const logger = pino({
    level: settings.level,
    ...(settings.pretty && prettyTransportAvailable()
      ? { transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } }
      : {}),
    redact: ['req.headers.authorization', 'req.headers["webhook-signature"]', 'req.headers.cookie'],
  });
  return { forRoutes: [], pinoHttp: { logger } };
}

/**
 * One line per answered request, written only when the level shows it: a 5xx at warn (logged
 * once with its stack by the exception filter; this line only counts it), everything else at
 * debug. With the level above debug, a successful request pays one comparison.
 */
export function logRequests(app: NestFastifyApplication): void {
  const logger = (app.get<Params>(PARAMS_PROVIDER_TOKEN).pinoHttp as { logger: Logger }).logger;
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      const failed = reply.statusCode >= 500;
      if (failed || logger.isLevelEnabled('debug')) {
        logger[failed ? 'warn' : 'debug'](
          {
            req: { id: request.id, method: request.method, url: request.url },
            res: { statusCode: reply.statusCode },
            responseTime: Math.round(reply.elapsedTime),
          },
          'request completed',
        );
      }
      done();
    });
}

/**
 * Pretty lines for a person at a terminal in development; JSON lines for everything that
 * collects logs (a pipe, a file, a container, production).
 */
export function wantsPrettyLogs(nodeEnv: string, stdoutIsTty: boolean): boolean {
  return stdoutIsTty && nodeEnv !== 'production' && nodeEnv !== 'test';
}

/** pino-pretty is a dev dependency: an image installed without it still logs, as JSON. */
function prettyTransportAvailable(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
