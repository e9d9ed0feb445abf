import { FastifyReply, FastifyRequest } from 'fastify';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError } from '../core/errors';
import { PROBLEM_CONTENT_TYPE } from '../http/problem-document';
import { IdempotencyClaim } from './idempotency-claim';
import { requestFingerprint } from './idempotency-key';
import { KeyId } from './idempotency-keys.repository';
import { IdempotencyService } from './idempotency.service';

/**
 * The Idempotency-Key rule, for a request that sent a key, in one place for its two callers:
 * IdempotencyInterceptor (every @Idempotent route through Nest's pipeline) and the native
 * POST /api/holds (holds/native-hold-route.ts, NativeHoldRoute.withKey), which runs it without
 * that pipeline.
 *
 * Claims the key before the use case runs (and before any other work, the body's validation
 * included), then either runs the use case with the claim, which records its answer in its own
 * transaction, or answers from the record: the stored answer again (its status set on the reply,
 * marked replayed), 422 for another body, 409 while the first request still runs. Resolves to the
 * body to send: the use case's result or the stored one.
 */
export async function honourIdempotencyKey(
  idempotency: IdempotencyService,
  id: KeyId,
  request: Pick<FastifyRequest, 'body' | 'params'>,
  reply: FastifyReply,
  useCase: (claim: IdempotencyClaim) => Promise<unknown>,
): Promise<unknown> {
  const decision = await idempotency.claim(
    id,
    requestFingerprint(request.body, (request.params ?? {}) as Record<string, string>),
  );
  switch (decision.kind) {
    case 'reused-with-other-body':
      throw new IdempotencyKeyReusedError();
    case 'in-progress':
      throw new IdempotencyKeyInUseError();
    case 'replay': {
      const { status, body } = decision.answer;
      reply.status(status).header('idempotent-replayed', 'true');
      if (status >= 400) reply.header('content-type', PROBLEM_CONTENT_TYPE);
      return body;
    }
    case 'claimed':
      try {
        return await useCase(decision.claim);
      } catch (error) {
        // An answer recorded in the use case's transaction is kept (the release matches only
        // a claim still in progress); anything else frees the key for a retry.
        await idempotency.release(decision.claim);
        throw error;
      }
  }
}
