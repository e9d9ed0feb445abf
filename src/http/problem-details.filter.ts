import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { DatabaseUnavailableError, DomainError } from '../core/errors';
import {
  genericProblem as generic,
  internalErrorProblem,
  PROBLEM_CONTENT_TYPE,
  ProblemDocument,
  toProblemDocument,
} from './problem-document';

/**
 * Tells whether an error means the database is out of reach (answered 503 with Retry-After).
 * Provided by the composition root from the database layer, which the HTTP edge does not know.
 */
export const IS_CONNECTION_ERROR = Symbol('IS_CONNECTION_ERROR');
export type ConnectionErrorCheck = (error: unknown) => boolean;

/**
 * The one place where an error becomes an HTTP answer: RFC 9457 problem+json, with a stable
 * `code`. Nothing from an unexpected error (message, stack, SQL) leaves the server: the client
 * gets a correlation id, and the log gets the rest, once.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(
    private readonly logger: PinoLogger,
    @Inject(IS_CONNECTION_ERROR) private readonly isConnectionError: ConnectionErrorCheck,
  ) {
    logger.setContext(ProblemDetailsFilter.name);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.answer(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }

  /**
   * The same answer without Nest's exception zone: for a route served by a native Fastify
   * handler (POST /api/holds, see holds/native-hold-route.ts), so its refusals are the very
   * bytes every other route sends.
   */
  answer(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const { problem, headers } = this.toProblem(exception, request);
    if (reply.sent) return;
    // The error's own headers, then the content type: the order a merged object gave, without one per answer.
    void reply.status(problem.status).headers(headers).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }

  private toProblem(exception: unknown, request: FastifyRequest): { problem: ProblemDocument; headers: Record<string, string> } {
    if (exception instanceof DomainError) {
      return { problem: toProblemDocument(exception), headers: exception.headers };
    }
    if (exception instanceof HttpException) {
      return { problem: fromHttpException(exception), headers: {} };
    }
    const frameworkStatus = (exception as { statusCode?: number })?.statusCode;
    if (typeof frameworkStatus === 'number' && frameworkStatus >= 400 && frameworkStatus < 500) {
      // Fastify's own refusals: malformed JSON, body over the limit, unsupported media type.
      return { problem: fromFrameworkError(exception as Error, frameworkStatus), headers: {} };
    }
    if (this.isConnectionError(exception)) {
      this.logger.error({ err: exception, request_id: request.id }, 'database unavailable');
      return this.toProblem(new DatabaseUnavailableError(), request);
    }
    this.logger.error({ err: exception, request_id: request.id }, 'unhandled error');
    return { problem: internalErrorProblem(request.id), headers: {} };
  }
}

const CODES: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable-content',
  429: 'too-many-requests',
  503: 'service-unavailable',
};

function fromHttpException(exception: HttpException): ProblemDocument {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const body = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
  const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  const title = (typeof body.error === 'string' && body.error) || HttpStatus[status] || 'Error';
  const detail =
    status >= 500 ? 'An unexpected error occurred.' : typeof message === 'string' ? message : exception.message || title;
  return generic(status, CODES[status] ?? `http-${status}`, humanize(title), detail);
}

function fromFrameworkError(error: Error, status: number): ProblemDocument {
  const code = (error as { code?: string }).code;
  const details: Record<string, string> = {
    FST_ERR_CTP_BODY_TOO_LARGE: 'The body is larger than the limit.',
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The content type is not supported; send application/json.',
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body.',
  };
  const detail = (code && details[code]) || (status === 400 ? 'The request is malformed.' : 'The request was refused.');
  return generic(status, CODES[status] ?? `http-${status}`, humanize(HttpStatus[status] ?? 'Error'), detail);
}

function humanize(text: string): string {
  const words = text.replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
