import { CanActivate, ExecutionContext, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerToken } from '../auth/bearer-token';
import { setPrincipal } from '../auth/principal';
import { TokenVerifier } from '../auth/token-verifier';
import { ForbiddenError, UnauthorizedError } from '../core/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

/**
 * The operators' door. Open to ADMIN_API_KEY (compared in constant time) or, with customer auth
 * configured, to a JWT whose `roles` contains `admin`. With neither configured the admin API does
 * not exist: 404, as for any unknown route, so a scan learns nothing.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  /** SHA-256 of the key: equal lengths for timingSafeEqual, whatever the length of what is sent. */
  private readonly keyDigest: Buffer | null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly verifier: TokenVerifier,
  ) {
    this.keyDigest = config.adminApiKey === null ? null : sha256(config.adminApiKey);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (this.keyDigest === null && !this.verifier.enabled) {
      throw new NotFoundException(`Cannot ${request.method} ${request.url}`);
    }
    const token = bearerToken(request.headers.authorization);
    if (this.keyDigest !== null && timingSafeEqual(sha256(token), this.keyDigest)) {
      setPrincipal(request, { kind: 'admin', credential: 'api-key' });
      return true;
    }
    if (!this.verifier.enabled) throw new UnauthorizedError('invalid');
    const verified = await this.verifier.verify(token);
    if (!verified.isAdmin) throw new ForbiddenError();
    setPrincipal(request, { kind: 'admin', credential: `jwt:${verified.subject}` });
    return true;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
