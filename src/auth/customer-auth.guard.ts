import { CanActivate, ExecutionContext, Injectable, OnModuleInit } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { bearerToken } from './bearer-token';
import { setPrincipal } from './principal';
import { TokenVerifier } from './token-verifier';

/**
 * The customer routes: with auth configured, a valid bearer token names the customer (401
 * otherwise); without it, the request is anonymous (warned about once at start).
 */
@Injectable()
export class CustomerAuthGuard implements CanActivate, OnModuleInit {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(CustomerAuthGuard.name);
  }

  onModuleInit(): void {
    if (!this.verifier.enabled) {
      this.logger.warn(
        'AUTH_JWT_SECRET and AUTH_JWKS_URL are not set: customer routes are anonymous and max_per_customer cannot apply',
      );
    }
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.verifier.enabled) {
      setPrincipal(request, { kind: 'anonymous' });
      return true;
    }
    const { subject } = await this.verifier.verify(bearerToken(request.headers.authorization));
    setPrincipal(request, { kind: 'customer', customerId: subject });
    return true;
  }
}
