/**
 * Verified bearer tokens, kept briefly so a customer's burst of requests pays for one signature
 * check instead of one per request (the HMAC or RSA check was a fifth of a hold's CPU).
 *
 * What is safe to cache on a payment-grade API, and what this does:
 * - Only successes, keyed by the exact token string: a token differing by one byte (a forged
 *   signature, another claim) is another key and gets the full check. Failures are never cached,
 *   so nothing an attacker sends can make a bad token pass or a good one fail later.
 * - An entry never outlives the token's own `exp` (a token is accepted from the cache only while
 *   `now < exp`, the very test jose applies, on the injected clock), nor a short TTL
 *   (TOKEN_CACHE_TTL_MS), nor the keys it was verified with: with a JWKS, an entry belongs to
 *   one fetch of the key set (its `generation`) and dies when the set is refetched or gets too
 *   old to be trusted (JWKS_MAX_AGE_MS), so a key the provider withdrew stops working exactly
 *   when it would without the cache.
 * - Bounded (TOKEN_CACHE_MAX_ENTRIES, oldest out first) and for tokens of modest size only, so
 *   a flood of distinct valid tokens costs bounded memory.
 * The service keeps no revocation list (tokens are stateless until `exp`), so within those
 * bounds the cache accepts exactly the tokens the full check would.
 */
export const TOKEN_CACHE_TTL_MS = 60_000;
export const TOKEN_CACHE_MAX_ENTRIES = 10_000;
const MAX_CACHED_TOKEN_LENGTH = 4_096;

interface Entry<T> {
  value: T;
  /** Epoch ms when it passed: a clock set back before it (under a token's `nbf`?) checks again. */
  verifiedAt: number;
  /** Epoch ms: valid while now is before this (min of `exp` and the TTL). */
  validUntil: number;
  /** The key set it was verified with (always 0 for a fixed HMAC secret). */
  generation: number;
}

export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly maxEntries = TOKEN_CACHE_MAX_ENTRIES) {}

  /** The verified value of `token`, or undefined when it must be checked in full. */
  get(token: string, now: number, generation: number): T | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (now >= entry.verifiedAt && now < entry.validUntil && entry.generation === generation) return entry.value;
    this.entries.delete(token);
    return undefined;
  }

  /** Remembers a token that just passed the full check; `expSeconds` is its `exp` claim. */
  set(token: string, value: T, expSeconds: number, now: number, generation: number): void {
    if (token.length > MAX_CACHED_TOKEN_LENGTH) return;
    const validUntil = Math.min(expSeconds * 1000, now + TOKEN_CACHE_TTL_MS);
    if (!(validUntil > now)) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(token)) {
      // Oldest first: a Map iterates in insertion order.
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(token, { value, verifiedAt: now, validUntil, generation });
  }

  get size(): number {
    return this.entries.size;
  }
}
