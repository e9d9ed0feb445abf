import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { webcrypto } from 'node:crypto';
import { errors, jwtVerify, JWTVerifyGetKey } from 'jose';
import { Clock } from '../core/clock';
import { DomainError, UnauthorizedError } from '../core/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { JwksKeyCache } from './jwks-key-cache';
import { VerifiedTokenCache } from './verified-token-cache';

/** What a valid token says about its bearer. */
export interface VerifiedToken {
  /** `sub`: the customer. */
  subject: string;
  /** The `roles` claim contains `admin`: an operator. */
  isAdmin: boolean;
}

/**
 * Algorithms are pinned per key source, never taken from the token: `none` is never accepted, and
 * an HS256 token sent to a JWKS deployment is refused (otherwise a public key could be used as an
 * HMAC secret).
 */
const SECRET_ALGORITHMS = ['HS256'];
const JWKS_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
/** `customer_id` is a VARCHAR(255). */
const MAX_SUBJECT_LENGTH = 255;

/** Checks customer bearer tokens (HS256 secret or JWKS), with the injected clock for `exp`. */
@Injectable()
export class TokenVerifier implements OnModuleInit {
  /** False when auth is not configured: customer routes are anonymous. */
  readonly enabled: boolean;
  /**
   * The HMAC key imported once (given the secret's bytes, jose would import them again on every
   * call: a quarter of the CPU of a hold), or the JWKS cache's key lookup.
   */
  private readonly key: Promise<webcrypto.CryptoKey> | JWTVerifyGetKey | null;
  private readonly algorithms: string[];
  /** The JWKS keys (null with an HMAC secret, which never changes while the process runs). */
  private readonly jwks: JwksKeyCache | null = null;
  /** Tokens that passed recently: see verified-token-cache.ts for what is cached and for how long. */
  private readonly verified = new VerifiedTokenCache<VerifiedToken>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(TokenVerifier.name);
    const keys = config.auth?.keys ?? null;
    this.enabled = keys !== null;
    if (keys?.kind === 'secret') {
      const raw = new TextEncoder().encode(keys.secret);
      this.key = webcrypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
      this.algorithms = SECRET_ALGORITHMS;
    } else if (keys?.kind === 'jwks') {
      this.jwks = new JwksKeyCache(keys.url, () => clock.now().getTime());
      this.key = this.jwks.getKey;
      this.algorithms = JWKS_ALGORITHMS;
    } else {
      this.key = null;
      this.algorithms = [];
    }
  }

  /** Once per process (this is a singleton; the guards are instantiated per module). */
  onModuleInit(): void {
    if (!this.enabled) {
      this.logger.warn(
        'AUTH_JWT_SECRET and AUTH_JWKS_URL are not set: customer routes are anonymous and max_per_customer cannot apply',
      );
    }
  }

  /** The token's subject and role; 401 for anything wrong with it. */
  async verify(token: string): Promise<VerifiedToken> {
    if (this.key === null) throw new UnauthorizedError('invalid');
    const now = this.clock.now();
    // Read before the check: should the key set be refetched meanwhile, the entry is stored
    // under the older generation and the next request checks the token again.
    const generation = this.jwks === null ? 0 : this.jwks.usableGeneration();
    if (generation !== null) {
      const cached = this.verified.get(token, now.getTime(), generation);
      if (cached !== undefined) return cached;
    }
    const verified = await this.verifyFully(token, now);
    if (generation !== null) this.verified.set(token, verified.token, verified.exp, now.getTime(), generation);
    return verified.token;
  }

  private async verifyFully(token: string, now: Date): Promise<{ token: VerifiedToken; exp: number }> {
    if (this.key === null) throw new UnauthorizedError('invalid');
    const options = {
      algorithms: this.algorithms,
      issuer: this.config.auth?.issuer ?? undefined,
      audience: this.config.auth?.audience ?? undefined,
      requiredClaims: ['exp', 'sub'],
      currentDate: now,
    };
    try {
      const { payload } =
        // A function is the JWKS lookup; anything else the imported HMAC key (no instanceof
        // Promise: the promise comes from node:crypto's realm, which need not be this one's).
        typeof this.key === 'function'
          ? await jwtVerify(token, this.key, options)
          : await jwtVerify(token, await this.key, options);
      const subject = payload.sub;
      if (typeof subject !== 'string' || subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH) {
        throw new UnauthorizedError('invalid');
      }
      const roles = payload.roles;
      // `exp` is a required claim and jose has checked it is a number in the future.
      const verified = Object.freeze({ subject, isAdmin: Array.isArray(roles) && roles.includes('admin') });
      return { token: verified, exp: payload.exp! };
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (error instanceof errors.JOSEError || error instanceof TypeError) throw new UnauthorizedError('invalid');
      throw error;
    }
  }
}
