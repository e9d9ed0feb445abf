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
import { catchError, from, mergeMap, Observable, of } from 'rxjs';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError } from '../core/errors';
import { PROBLEM_CONTENT_TYPE } from '../http/problem-document';
import { idempotencyOwner, principalOf } from '../auth/principal';
import { IdempotencyClaim } from './idempotency-claim';
import { parseIdempotencyKey, requestFingerprint } from './idempotency-key';
import { IdempotencyScope } from './idempotency-keys.repository';
import { IdempotencyService } from './idempotency.service';

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
 * POST /api/holds runs the same rule without Nest's pipeline (holds/native-hold-route.ts,
 * NativeHoldRoute.withKey): a change to what happens here belongs there too.
 *
 * Claims the key before the handler runs (and before any other work), then either lets the
 * handler run, which records its answer in its own transaction, or answers from the record:
 * the stored answer again, 422 for another body, 409 while the first request still runs.
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
      this.idempotency.claim(
        { scope, owner, key },
        requestFingerprint(request.body, (request.params ?? {}) as Record<string, string>),
      ),
    ).pipe(
      mergeMap((decision) => {
        switch (decision.kind) {
          case 'reused-with-other-body':
            throw new IdempotencyKeyReusedError();
          case 'in-progress':
            throw new IdempotencyKeyInUseError();
          case 'replay': {
            const reply = http.getResponse<FastifyReply>();
            const { status, body } = decision.answer;
            reply.status(status).header('idempotent-replayed', 'true');
            if (status >= 400) reply.header('content-type', PROBLEM_CONTENT_TYPE);
            return of(body);
          }
          case 'claimed':
            request[CLAIM] = decision.claim;
            return next.handle().pipe(
              // An answer recorded in the use case's transaction is kept (the release matches
              // only a claim still in progress); anything else frees the key for a retry.
              catchError(async (error) => {
                await this.idempotency.release(decision.claim);
                throw error;
              }),
            );
        }
      }),
    );
  }
}
