import { createHash } from 'node:crypto';
import { InvalidIdempotencyKeyError } from '../core/errors';
import { parseIdempotencyKey, requestFingerprint } from './idempotency-key';

describe('Idempotency-Key header', () => {
  it('takes 1 to 255 visible ASCII characters, bare or quoted (the same key either way)', () => {
    expect(parseIdempotencyKey(undefined)).toBeNull();
    expect(parseIdempotencyKey('abc')).toBe('abc');
    expect(parseIdempotencyKey('"abc"')).toBe('abc');
    expect(parseIdempotencyKey('k'.repeat(255))).toHaveLength(255);
    expect(parseIdempotencyKey('a-b_c.d:e/f=g')).toBe('a-b_c.d:e/f=g');
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['with a space', 'a b'],
    ['with a control character', 'a\tb'],
    ['non-ASCII', 'clé'],
    ['half quoted', '"abc'],
    ['empty quotes', '""'],
    ['sent twice', ['a', 'b']],
  ])('refuses a key that is %s', (_case, header) => {
    expect(() => parseIdempotencyKey(header)).toThrow(InvalidIdempotencyKeyError);
  });
});

describe('request fingerprint', () => {
  it('ignores key order and spacing, and sees any change of value', () => {
    expect(requestFingerprint({ product_id: 1, qty: 2 })).toBe(requestFingerprint({ qty: 2, product_id: 1 }));
    expect(requestFingerprint({ product_id: 1, qty: 2 })).not.toBe(requestFingerprint({ product_id: 1, qty: 3 }));
    expect(requestFingerprint({ qty: 2 })).not.toBe(requestFingerprint({ qty: '2' }));
    expect(requestFingerprint(undefined)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads arrays in order and nested objects by key, and tells null, an empty array and an empty object apart', () => {
    const body = { items: [{ b: 1, a: [2, 3] }, null], n: null };
    expect(requestFingerprint(body)).toBe(requestFingerprint({ n: null, items: [{ a: [2, 3], b: 1 }, null] }));
    expect(requestFingerprint({ items: [1, 2] })).not.toBe(requestFingerprint({ items: [2, 1] }));
    expect(requestFingerprint({ items: [12] })).not.toBe(requestFingerprint({ items: [1, 2] }));
    expect(requestFingerprint({ a: 1, b: 2 })).not.toBe(requestFingerprint({ a: '1,"b":2' }));
    const empties = [null, [], {}, '', 0].map((body) => requestFingerprint(body));
    expect(new Set(empties).size).toBe(empties.length);
  });

  it('hashes a body alone as its canonical JSON (routes without path parameters)', () => {
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(requestFingerprint({ qty: 2, product_id: 1 })).toBe(sha256('{"product_id":1,"qty":2}'));
    expect(requestFingerprint({ qty: 2, product_id: 1 }, {})).toBe(sha256('{"product_id":1,"qty":2}'));
  });

  it('binds the path parameters to the body: the same body for another product is another request', () => {
    const body = { delta: 5, reason: 'restock' };
    const forProduct1 = requestFingerprint(body, { id: '1' });
    expect(forProduct1).toBe(requestFingerprint({ reason: 'restock', delta: 5 }, { id: '1' }));
    expect(forProduct1).not.toBe(requestFingerprint(body, { id: '2' }));
    expect(forProduct1).not.toBe(requestFingerprint(body));
    expect(forProduct1).not.toBe(requestFingerprint({ delta: 6, reason: 'restock' }, { id: '1' }));
  });
});

describe('Idempotency-Key quoted form, anchored', () => {
  it('reads a key that merely ends in a quoted part as a bare key, whole', () => {
    expect(parseIdempotencyKey('a"b"')).toBe('a"b"');
  });

  it('refuses a key that merely starts with a quoted part', () => {
    expect(() => parseIdempotencyKey('"ab"c')).toThrow(InvalidIdempotencyKeyError);
  });
});
