import { JsonTooDeepError, MalformedJsonError, RequestValidationError } from '../core/errors';
import { MAX_JSON_DEPTH, parseJsonBody } from './json-body';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('parseJsonBody', () => {
  it('parses a body nested exactly to the limit, and refuses one level more', () => {
    expect(parseJsonBody(Buffer.from(nested(MAX_JSON_DEPTH)))).toBeInstanceOf(Array);
    expect(() => parseJsonBody(nested(MAX_JSON_DEPTH + 1))).toThrow(JsonTooDeepError);
    expect(() => parseJsonBody('{"a":'.repeat(MAX_JSON_DEPTH + 1) + '1' + '}'.repeat(MAX_JSON_DEPTH + 1))).toThrow(
      JsonTooDeepError,
    );
  });

  it('counts depth, not brackets: siblings do not add up, and brackets inside strings are text', () => {
    const siblings = `[${Array.from({ length: 100 }, () => nested(MAX_JSON_DEPTH - 1)).join(',')}]`;
    expect(parseJsonBody(siblings)).toHaveLength(100);
    const text = `"${'['.repeat(MAX_JSON_DEPTH + 5)}\\"${'{'.repeat(MAX_JSON_DEPTH + 5)}"`;
    expect(parseJsonBody(`{"note":${text}}`)).toEqual({ note: JSON.parse(text) });
  });

  it('refuses an empty or malformed body as malformed JSON, and tolerates a byte order mark', () => {
    expect(() => parseJsonBody('')).toThrow(MalformedJsonError);
    expect(() => parseJsonBody(' \n')).toThrow(MalformedJsonError);
    expect(() => parseJsonBody('{"qty": 1,')).toThrow(MalformedJsonError);
    expect(parseJsonBody('\uFEFF{"qty":1}')).toEqual({ qty: 1 });
  });

  it.each([
    ['__proto__ at the top', '{"qty":1,"__proto__":{"admin":true}}', '__proto__'],
    ['__proto__ further down', '{"a":[{"__proto__":1}]}', '__proto__'],
    ['constructor.prototype', '{"a":{"constructor":{"prototype":{"admin":true}}}}', 'constructor'],
  ])('refuses %s as an unknown field', (_label, body, field) => {
    let refused: unknown;
    try {
      parseJsonBody(body);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RequestValidationError);
    expect(Object.keys((refused as RequestValidationError).extensions.errors as object)).toEqual([field]);
    expect(({} as { admin?: boolean }).admin).toBeUndefined();
  });

  it('finds a poisoned key spelled with escapes (the reviver sees the decoded key)', () => {
    expect(() => parseJsonBody('{"\\u005f_proto__":{"admin":true}}')).toThrow(RequestValidationError);
    expect(() => parseJsonBody('{"a":{"\\u0063onstructor":{"prototype":{}}}}')).toThrow(RequestValidationError);
  });

  it('refuses malformed JSON on the fast path too (no names that need the reviver)', () => {
    expect(() => parseJsonBody('{"product_id":1,')).toThrow(MalformedJsonError);
    expect(parseJsonBody('{"product_id":1,"qty":2}')).toEqual({ product_id: 1, qty: 2 });
  });

  it('lets a plain "constructor" value through to validation, which refuses it as unknown there', () => {
    expect(parseJsonBody('{"constructor":1}')).toEqual({ constructor: 1 });
  });
});
