import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { webcrypto } from 'node:crypto';
import { errors, jwtVerify, JWTVerifyGetKey } from 'jose';
import { Clock } from '../core/clock';
import { DomainError, UnauthorizedError } from '../core/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { JwksKeyCache } from './jwks-key-cache';

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
      this.key = new JwksKeyCache(keys.url, () => clock.now().getTime()).getKey;
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
    const options = {
      algorithms: this.algorithms,
      issuer: this.config.auth?.issuer ?? undefined,
      audience: this.config.auth?.audience ?? undefined,
      requiredClaims: ['exp', 'sub'],
      currentDate: this.clock.now(),
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
      return { subject, isAdmin: Array.isArray(roles) && roles.includes('admin') };
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (error instanceof errors.JOSEError || error instanceof TypeError) throw new UnauthorizedError('invalid');
      throw error;
    }
  }
}
