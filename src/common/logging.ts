import { Params } from 'nestjs-pino';
import { DestinationStream } from 'pino';
import { Options } from 'pino-http';
import { AppConfig } from '../config/app-config';

/**
 * pino JSON logs, one line per event. Domain events carry `event` (hold_created, ...); request
 * lines are debug-level unless the request failed on our side, so a sale's traffic does not
 * drown the events that matter.
 */
export function loggerOptions(config: AppConfig, destination?: DestinationStream): Params {
  const options: Options = {
    level: config.logLevel,
    // A 5xx is logged once, with its stack, by the exception filter; this line only counts it.
    customLogLevel: (_req, res) => (res.statusCode >= 500 ? 'warn' : 'debug'),
    redact: ['req.headers.authorization', 'req.headers["webhook-signature"]', 'req.headers.cookie'],
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
    },
  };
  // stdout unless a destination is given (the tests capture the lines to assert each event).
  return { pinoHttp: destination ? [options, destination] : options };
}
