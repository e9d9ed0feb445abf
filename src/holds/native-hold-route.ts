import { ValidationPipe } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { bearerToken } from '../auth/bearer-token';
import { idempotencyOwner, setPrincipal } from '../auth/principal';
import { TokenVerifier } from '../auth/token-verifier';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError } from '../core/errors';
import { fastBodyCheck } from '../http/fast-body-check';
import { ProblemDetailsFilter } from '../http/problem-details.filter';
import { PROBLEM_CONTENT_TYPE } from '../http/problem-document';
import { strictValidationPipe } from '../http/validation';
import { IdempotencyClaim } from '../idempotency/idempotency-claim';
import { parseIdempotencyKey, requestFingerprint } from '../idempotency/idempotency-key';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { CreateHoldDto } from './dto/create-hold.dto';
import { HoldsController } from './holds.controller';

/** The route this serves natively: `POST /api/holds` (the global prefix included). */
const METHOD = 'POST';
const URL = '/api/holds';

/**
 * `POST /api/holds` is the crowd's route: in a flash sale almost every request is one. Nest still
 * declares it (HoldsController.reserve: module, DI, OpenAPI, the route table) and still decides
 * it (the handler below calls that very controller method), but the request does not go through
 * Nest's generic pipeline: the guard, the Idempotency-Key interceptor (which Nest wraps in rxjs
 * and an AsyncResource per request even without the header), the pipes, the param decorators and
 * the exception zone cost as much CPU as the hold itself, and every refusal of a sell-out (nine
 * of ten answers) paid for a thrown exception travelling through all of them.
 *
 * So, when Nest registers the route, Fastify's `onRoute` hook swaps its handler for this one,
 * which does the same steps in the same order, each only when it applies:
 * 1. the customer from the bearer token (CustomerAuthGuard's rule; 401 otherwise);
 * 2. with an `Idempotency-Key` only: the claim, replay or refusal (IdempotencyInterceptor's rule,
 *    after the auth since keys are owner-scoped; the claim is released when the request fails);
 * 3. the body: the compiled check, else the same strict ValidationPipe as every route;
 * 4. HoldsController.reserve, answered 201;
 * and any error goes to the one ProblemDetailsFilter, so a refusal is byte for byte the problem
 * document, status, headers and content type that Nest's path answers. The Fastify hooks (security
 * headers, rate limit, body parser, metrics, request log) run around it as around every route.
 * Without this installer (the OpenAPI CLI, say) the decorated Nest pipeline answers the same.
 * The flip side: a guard, interceptor or pipe added to the controller or globally later does not
 * run here by itself; its rule must be added to this handler too (the e2e suites of holds, auth,
 * idempotency and bad input hold the two to the same contract).
 */
export function serveHoldsNatively(app: NestFastifyApplication): void {
  const route = new NativeHoldRoute(
    app.get(HoldsController),
    app.get(TokenVerifier),
    app.get(IdempotencyService),
    app.get(ProblemDetailsFilter),
    strictValidationPipe(),
  );
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (options: RouteOptions) => {
      if (
        options.url === URL &&
        (options.method === METHOD || (Array.isArray(options.method) && options.method.includes(METHOD)))
      ) {
        options.handler = (request, reply) => route.handle(request, reply);
      }
    });
}

export class NativeHoldRoute {
  private readonly bodyCheck = fastBodyCheck(CreateHoldDto);

  constructor(
    private readonly controller: HoldsController,
    private readonly verifier: TokenVerifier,
    private readonly idempotency: IdempotencyService,
    private readonly problems: ProblemDetailsFilter,
    private readonly validation: ValidationPipe,
  ) {}

  async handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    try {
      const customerId = await this.customerOf(request);
      const key = parseIdempotencyKey(request.headers['idempotency-key']);
      if (key !== null) return await this.withKey(request, reply, key, customerId);
      return reply.code(201).send(await this.reserve(request, customerId, null));
    } catch (error) {
      this.problems.answer(error, request, reply);
      return reply;
    }
  }

  /** CustomerAuthGuard's rule: the token's subject, or anonymous when auth is off. */
  private async customerOf(request: FastifyRequest): Promise<string | null> {
    if (!this.verifier.enabled) {
      setPrincipal(request, { kind: 'anonymous' });
      return null;
    }
    const { subject } = await this.verifier.verify(bearerToken(request.headers.authorization));
    setPrincipal(request, { kind: 'customer', customerId: subject });
    return subject;
  }

  /** IdempotencyInterceptor's rule, for a request that sent a key. */
  private async withKey(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    customerId: string | null,
  ): Promise<FastifyReply> {
    const owner = idempotencyOwner(customerId === null ? { kind: 'anonymous' } : { kind: 'customer', customerId });
    const decision = await this.idempotency.claim(
      { scope: 'holds', owner, key },
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
        return reply.send(body);
      }
      case 'claimed':
        try {
          return reply.code(201).send(await this.reserve(request, customerId, decision.claim));
        } catch (error) {
          // An answer recorded in the use case's transaction is kept (the release matches only
          // a claim still in progress); anything else frees the key for a retry.
          await this.idempotency.release(decision.claim);
          throw error;
        }
    }
  }

  private async reserve(request: FastifyRequest, customerId: string | null, claim: IdempotencyClaim | null) {
    const body = request.body;
    const dto =
      this.bodyCheck !== null && this.bodyCheck(body)
        ? (body as CreateHoldDto)
        : ((await this.validation.transform(body, { type: 'body', metatype: CreateHoldDto, data: undefined })) as CreateHoldDto);
    return this.controller.reserve(dto, customerId, claim);
  }
}
