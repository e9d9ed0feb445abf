import { createLocalJWKSet, errors, JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import { AuthKeysUnavailableError } from '../core/errors';

/** An unknown `kid` refetches the key set at most this often (the contract: once every 30 s). */
export const JWKS_REFETCH_INTERVAL_MS = 30_000;
/** Known keys are refetched after this long anyway, so a key the provider withdrew stops working. */
export const JWKS_MAX_AGE_MS = 10 * 60_000;
const JWKS_FETCH_TIMEOUT_MS = 2_000;

/**
 * The identity provider's public keys, fetched from its JWKS address and cached. A token signed
 * with a key we do not know (a rotation) refetches the set, but never more than once per
 * interval whatever the number of such tokens, so a flood of made-up `kid`s costs the key server
 * one request every 30 s. Time comes from the injected clock, so the tests move it.
 */
export class JwksKeyCache {
  private keySet: JWTVerifyGetKey | null = null;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | null = null;
  /** Bumped whenever the key set is replaced: what a cached verification was checked against. */
  private generation = 0;

  constructor(
    private readonly url: string,
    private readonly now: () => number,
  ) {}

  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    if (this.keySet === null || this.now() - this.fetchedAt >= JWKS_MAX_AGE_MS) await this.refresh();
    if (this.keySet === null) throw new AuthKeysUnavailableError();
    try {
      return await this.keySet(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !(await this.refresh())) throw error;
      return this.keySet(header, token);
    }
  };

  /**
   * The generation of the keys a verification made now would use, or null when the next
   * verification must go through getKey (no keys yet, or the set is due for its refetch): a
   * cached verification (VerifiedTokenCache) is only as good as the keys it was checked with.
   */
  usableGeneration(): number | null {
    if (this.keySet === null || this.now() - this.fetchedAt >= JWKS_MAX_AGE_MS) return null;
    return this.generation;
  }

  /**
   * Fetches the set unless the last attempt was under the interval ago; concurrent callers share
   * one fetch. A failed fetch counts as an attempt (a dead key server is not hammered either) and
   * keeps the keys we had. Returns whether a fetch ran.
   */
  private async refresh(): Promise<boolean> {
    if (this.refreshing) {
      await this.refreshing;
      return true;
    }
    if (this.now() - this.fetchedAt < JWKS_REFETCH_INTERVAL_MS) return false;
    this.fetchedAt = this.now();
    this.refreshing = this.load().finally(() => (this.refreshing = null));
    await this.refreshing;
    return true;
  }

  private async load(): Promise<void> {
    try {
      const response = await fetch(this.url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS),
      });
      if (!response.ok) return;
      this.keySet = createLocalJWKSet((await response.json()) as JSONWebKeySet);
      this.generation++;
    } catch {
      // Unreachable or not a key set: keep the keys we have (none: 503 until it answers).
    }
  }
}
