// What the router and Node's HTTP parser refuse before any route runs gets the same RFC 9457
// answer as everything else: these requests never reach Nest's exception filter.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import {
  DomainError,
  HeadersTooLargeError,
  MalformedRequestError,
  MalformedUrlError,
  RequestTimeoutError,
  UriTooLongError,
} from '../core/errors';
import { PROBLEM_CONTENT_TYPE, internalErrorProblem, toProblemDocument } from './problem-document';

/** Fastify's `frameworkErrors`: a path that is not valid percent-encoding, or a segment too long to route. */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const refusal =
    error.code === 'FST_ERR_BAD_URL'
      ? new MalformedUrlError()
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new UriTooLongError()
        : null;
  // FST_ERR_ASYNC_CONSTRAINT, the only other one, needs async route constraints, which no route has.
  const problem = refusal ? toProblemDocument(refusal) : internalErrorProblem(request.id);
  void reply
    .status(problem.status)
    .headers({ 'content-type': PROBLEM_CONTENT_TYPE, 'x-content-type-options': 'nosniff' })
    .send(problem);
}

/**
 * Node's `clientError`: bytes that are not an HTTP/1.1 request (an unknown method, a header line
 * without a colon, Content-Length with Transfer-Encoding, a control character in a header),
 * headers over Node's 16 KiB, or a request that took too long to arrive. There is no request or
 * reply object, so the answer is written to the socket as is; then the connection is closed,
 * since nothing after the malformed bytes can be trusted to start a request.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // A response already under way on this socket cannot be followed by another one.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const refusal = refusalOf(error.code);
  const body = JSON.stringify(toProblemDocument(refusal));
  const head = [
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'X-Content-Type-Options: nosniff',
    'Connection: close',
  ].join('\r\n');
  socket.end(`${head}\r\n\r\n${body}`, () => socket.destroy());
}

function refusalOf(code: string | undefined): DomainError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new HeadersTooLargeError();
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new RequestTimeoutError();
    default:
      return new MalformedRequestError();
  }
}
