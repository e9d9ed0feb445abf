import { RequestMethod } from '@nestjs/common';
import { Params } from 'nestjs-pino';
import { DestinationStream } from 'pino';
import { Options } from 'pino-http';

export interface LogSettings {
  level: string;
  /** Human-readable lines (pino-pretty) instead of JSON: a developer's terminal, never production. */
  pretty: boolean;
}

/**
 * pino JSON logs, one line per event. Domain events carry `event` (hold_created, ...); request
 * lines are debug-level unless the request failed on our side, so a sale's traffic does not
 * drown the events that matter.
 */
export function loggerOptions(settings: LogSettings, destination?: DestinationStream): Params {
  const options: Options = {
    level: settings.level,
    ...(settings.pretty && !destination && prettyTransportAvailable()
      ? { transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } }
      : {}),
    // A 5xx is logged once, with its stack, by the exception filter; this line only counts it.
    customLogLevel: (_req, res) => (res.statusCode >= 500 ? 'warn' : 'debug'),
    redact: ['req.headers.authorization', 'req.headers["webhook-signature"]', 'req.headers.cookie'],
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
    },
  };
  return {
    // Every route. nestjs-pino's default is the old wildcard '*', which Nest 11 converts with an
    // "Unsupported route path" warning at every start; this is the same route, named.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    // stdout unless a destination is given (the tests capture the lines to assert each event).
    pinoHttp: destination ? [options, destination] : options,
  };
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
