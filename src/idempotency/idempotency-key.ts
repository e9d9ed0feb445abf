// The Idempotency-Key header (IETF draft-ietf-httpapi-idempotency-key-header) and the request
// fingerprint a stored answer is bound to. Pure functions: unit-tested next door.
import { createHash } from 'node:crypto';
import { InvalidIdempotencyKeyError } from '../core/errors';

const BARE = /^[\x21-\x7e]{1,255}$/;
/** The draft's sf-string form: visible ASCII inside double quotes, no quote or backslash. */
const QUOTED = /^"([\x21\x23-\x5b\x5d-\x7e]{1,255})"$/;

/** The key of a request, null when it sent none; a malformed or repeated header is a 400. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  if (typeof header !== 'string') throw new InvalidIdempotencyKeyError();
  const quoted = QUOTED.exec(header);
  if (quoted) return quoted[1];
  if (header.startsWith('"') || !BARE.test(header)) throw new InvalidIdempotencyKeyError();
  return header;
}

/**
 * SHA-256 of the body as JSON with its keys sorted: a retry is "the same request" when it means
 * the same thing, whatever its key order or spacing.
 */
export function requestFingerprint(body: unknown, params: Record<string, string> = {}): string {
  // The path's parameters (the product of /admin/products/:id/stock) are part of what the request
  // means; routes without any hash their body alone, as they always did.
  const meaning = Object.keys(params).length === 0 ? body : { params, body };
  return createHash('sha256').update(canonicalJson(meaning)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
