import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { bearerToken } from './bearer-token';
import { setPrincipal } from './principal';
import { TokenVerifier } from './token-verifier';

/**
 * The customer routes: with auth configured, a valid bearer token names the customer (401
 * otherwise); without it, the request is anonymous (TokenVerifier warns about that at start).
 * POST /api/holds applies the same rule natively (holds/native-hold-route.ts, customerOf).
 */
@Injectable()
export class CustomerAuthGuard implements CanActivate {
  constructor(private readonly verifier: TokenVerifier) {}

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
