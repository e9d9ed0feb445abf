// The RFC 9457 problem document: what every refusal looks like on the wire. Kept apart from the
// filter so that a refusal stored for an Idempotency-Key replay is built by the same code.
import { DomainError } from '../core/errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'urn:flash-sale:problem:';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

/**
 * The problem document of a domain refusal: byte for byte what the filter answers, so a stored
 * refusal replayed for the same Idempotency-Key is the first answer again.
 */
export function toProblemDocument(error: DomainError): ProblemDocument {
  return {
    type: TYPE_BASE + error.code,
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...error.extensions,
  };
}

/** A 500 says nothing but where to look: the log line with the same correlation id. */
export function internalErrorProblem(correlationId: string): ProblemDocument {
  return {
    ...genericProblem(500, 'internal-error', 'Internal server error', 'An unexpected error occurred.'),
    correlation_id: correlationId,
  };
}

export function genericProblem(status: number, code: string, title: string, detail: string): ProblemDocument {
  return { type: TYPE_BASE + code, title, status, detail, code };
}
