import {
  applyDecorators,
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { idempotencyOwner, principalOf } from '../auth/principal';
import { IdempotencyClaim } from './idempotency-claim';
import { parseIdempotencyKey } from './idempotency-key';
import { IdempotencyScope } from './idempotency-keys.repository';
import { IdempotencyService } from './idempotency.service';
import { honourIdempotencyKey } from './idempotent-request';

const SCOPE = Symbol('idempotency-scope');
const CLAIM = Symbol('idempotency-claim');

type ClaimedRequest = FastifyRequest & { [CLAIM]?: IdempotencyClaim };

/**
 * Makes a POST route honour Idempotency-Key. Keys are scoped per route and per owner (the
 * customer or admin credential the auth guard found, which runs before this): a hold key and an
 * order key may be equal, and a customer never replays another's answer.
 */
export const Idempotent = (scope: IdempotencyScope) =>
  applyDecorators(SetMetadata(SCOPE, scope), UseInterceptors(IdempotencyInterceptor));

/** The request's claim on its key (null without a key), for the use case to record its answer. */
export const IdempotencyKeyClaim = createParamDecorator(
  (_data: unknown, context: ExecutionContext): IdempotencyClaim | null =>
    context.switchToHttp().getRequest<ClaimedRequest>()[CLAIM] ?? null,
);

/**
 * Runs the Idempotency-Key rule (honourIdempotencyKey, idempotent-request.ts) around the handler
 * of an @Idempotent route: the key is claimed before the handler runs (and before its pipes
 * validate the body), the handler gets the claim through @IdempotencyKeyClaim. POST /api/holds
 * runs the same function without Nest's pipeline (holds/native-hold-route.ts).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly idempotency: IdempotencyService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<ClaimedRequest>();
    const key = parseIdempotencyKey(request.headers['idempotency-key']);
    if (key === null) return next.handle();
    const scope = this.reflector.get<IdempotencyScope>(SCOPE, context.getHandler());

    const owner = idempotencyOwner(principalOf(request));
    return from(
      honourIdempotencyKey(this.idempotency, { scope, owner, key }, request, http.getResponse<FastifyReply>(), (claim) => {
        request[CLAIM] = claim;
        return lastValueFrom(next.handle());
      }),
    );
  }
}
