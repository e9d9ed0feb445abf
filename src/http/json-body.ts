// The one JSON body parser: what reaches validation is a plain value of bounded depth with no
// prototype-poisoning keys, so nothing downstream can be made to recurse without end.
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonTooDeepError, MalformedJsonError, RequestValidationError } from '../core/errors';

/**
 * Deepest nesting of arrays and objects a body may have. No body of this API nests more than one
 * level; 32 leaves room to say which field is wrong in a slightly nested mistake while staying far
 * below the ~1,000 levels at which class-transformer's recursion overflowed the stack.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Replaces the JSON parser Nest registers (Fastify's, with the same body limit and raw body for
 * the webhook signature): the body limit and its 413 are Fastify's reading of the body, before
 * this parser runs.
 */
export function parseJsonBodies(app: NestFastifyApplication, bodyLimit: number): void {
  app.useBodyParser('application/json', { bodyLimit }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

export function parseJsonBody(raw: Buffer | string): unknown {
  // A leading byte order mark is tolerated, as Fastify's own parser did.
  let text = raw.toString();
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new MalformedJsonError('The body is empty; a JSON object was expected.');
  // Counted on the text before JSON.parse: JSON.parse itself copes with deep input, but every
  // recursive walk after it (the reviver below, class-transformer, class-validator) would not.
  // A text shorter than the limit cannot open more brackets than the limit.
  if (text.length > MAX_JSON_DEPTH && nestingExceeds(text, MAX_JSON_DEPTH)) throw new JsonTooDeepError(MAX_JSON_DEPTH);
  // A reviver makes JSON.parse several times slower; a text without either name and without any
  // escape (through which a key could spell `__proto__` as \u005f...) cannot hold a poisoned key.
  if (!text.includes('\\') && !text.includes('__proto__') && !text.includes('constructor')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new MalformedJsonError('The body is not valid JSON.');
    }
  }
  // Set inside the reviver, which control-flow analysis does not follow: typed wide on purpose.
  let poisoned = null as string | null;
  let value: unknown;
  try {
    value = JSON.parse(text, (key, member: unknown) => {
      if (key === '__proto__' || (key === 'constructor' && hasOwn(member, 'prototype'))) poisoned ??= key;
      return member;
    });
  } catch {
    throw new MalformedJsonError('The body is not valid JSON.');
  }
  // JSON.parse keeps such a key as a harmless own property, but a later merge or copy of the
  // value would let it rewrite a prototype: refused outright, as the unknown field it is.
  if (poisoned) throw new RequestValidationError({ [poisoned]: [`${poisoned} is not an accepted field`] });
  return value;
}

/** Whether arrays and objects in `text` nest deeper than `limit`; brackets inside strings do not count. */
function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

function hasOwn(value: unknown, key: string): boolean {
  return typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, key);
}
