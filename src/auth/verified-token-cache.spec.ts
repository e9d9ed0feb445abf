import { TOKEN_CACHE_TTL_MS, VerifiedTokenCache } from './verified-token-cache';

describe('VerifiedTokenCache', () => {
  const t0 = 1_800_000_000_000;
  const exp = t0 / 1000 + 3600;

  it('answers a token that passed, under the same key generation, until the TTL', () => {
    const cache = new VerifiedTokenCache<string>();
    expect(cache.get('a.b.c', t0, 0)).toBeUndefined();
    cache.set('a.b.c', 'cus_1', exp, t0, 0);
    expect(cache.get('a.b.c', t0, 0)).toBe('cus_1');
    expect(cache.get('a.b.c', t0 + TOKEN_CACHE_TTL_MS - 1, 0)).toBe('cus_1');
    expect(cache.get('a.b.c', t0 + TOKEN_CACHE_TTL_MS, 0)).toBeUndefined();
    // Dropped once stale: the next lookup misses even with an earlier clock.
    expect(cache.get('a.b.c', t0, 0)).toBeUndefined();
  });

  it('never past the token exp, exactly as jose decides it (now < exp)', () => {
    const cache = new VerifiedTokenCache<string>();
    const soon = t0 / 1000 + 5;
    cache.set('tok', 'cus_1', soon, t0, 0);
    expect(cache.get('tok', soon * 1000 - 1, 0)).toBe('cus_1');
    expect(cache.get('tok', soon * 1000, 0)).toBeUndefined();
    // Already expired when offered: not kept.
    cache.set('old', 'cus_1', t0 / 1000, t0, 0);
    expect(cache.get('old', t0, 0)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('misses for another key generation, another token, or a clock set back', () => {
    const cache = new VerifiedTokenCache<string>();
    cache.set('tok', 'cus_1', exp, t0, 3);
    expect(cache.get('tok', t0, 4)).toBeUndefined();
    cache.set('tok', 'cus_1', exp, t0, 3);
    expect(cache.get('tok2', t0, 3)).toBeUndefined();
    expect(cache.get('to', t0, 3)).toBeUndefined();
    expect(cache.get('tok', t0 - 1, 3)).toBeUndefined();
  });

  it('is bounded: the oldest entry goes first; oversized tokens are not kept', () => {
    const cache = new VerifiedTokenCache<number>(2);
    cache.set('one', 1, exp, t0, 0);
    cache.set('two', 2, exp, t0, 0);
    cache.set('three', 3, exp, t0, 0);
    expect(cache.size).toBe(2);
    expect(cache.get('one', t0, 0)).toBeUndefined();
    expect(cache.get('two', t0, 0)).toBe(2);
    expect(cache.get('three', t0, 0)).toBe(3);
    // Replacing a present entry evicts nothing.
    cache.set('three', 33, exp, t0, 0);
    expect(cache.get('two', t0, 0)).toBe(2);
    expect(cache.get('three', t0, 0)).toBe(33);
    const big = new VerifiedTokenCache<number>();
    big.set('x'.repeat(5000), 1, exp, t0, 0);
    expect(big.size).toBe(0);
  });
});
