import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';

/** Who sent a request, as the auth guards established it. */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'customer'; customerId: string }
  /** `credential`: the API key, or `jwt:<sub>` for an admin token. */
  | { kind: 'admin'; credential: string };

const PRINCIPAL = Symbol('principal');
type AuthenticatedRequest = FastifyRequest & { [PRINCIPAL]?: Principal };

export function setPrincipal(request: FastifyRequest, principal: Principal): void {
  (request as AuthenticatedRequest)[PRINCIPAL] = principal;
}

export function principalOf(request: FastifyRequest): Principal {
  return (request as AuthenticatedRequest)[PRINCIPAL] ?? { kind: 'anonymous' };
}

/**
 * The customer of the request (null when auth is off): what their holds and orders are filed
 * under, and what limits their view to them.
 */
export const CustomerId = createParamDecorator((_data: unknown, context: ExecutionContext): string | null => {
  const principal = principalOf(context.switchToHttp().getRequest<FastifyRequest>());
  return principal.kind === 'customer' ? principal.customerId : null;
});

/**
 * Whose Idempotency-Keys these are: '' anonymous, else a hash of the customer or admin credential
 * (fixed length for the key column; the API key itself is never stored).
 */
export function idempotencyOwner(principal: Principal): string {
  switch (principal.kind) {
    case 'anonymous':
      return '';
    case 'customer':
      return sha256(`customer\u0000${principal.customerId}`);
    case 'admin':
      return sha256(`admin\u0000${principal.credential}`);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * With auth on, a hold or order is its customer's alone (one made anonymously is nobody's);
 * without it (customerId null) every one is reachable by its id, as before identity existed.
 */
export function ownedBy(record: { customerId: string | null }, customerId: string | null): boolean {
  return customerId === null || record.customerId === customerId;
}
