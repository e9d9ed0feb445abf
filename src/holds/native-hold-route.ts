import { Type, ValidationPipe } from '@nestjs/common';
import {
  EXCEPTION_FILTERS_METADATA,
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  PIPES_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken } from '../auth/bearer-token';
import { CustomerAuthGuard } from '../auth/customer-auth.guard';
import { idempotencyOwner, setPrincipal } from '../auth/principal';
import { TokenVerifier } from '../auth/token-verifier';
import { fastBodyCheck } from '../http/fast-body-check';
import { takeOverRoute } from '../http/route-takeover';
import { ProblemDetailsFilter } from '../http/problem-details.filter';
import { strictValidationPipe } from '../http/validation';
import { IdempotencyClaim } from '../idempotency/idempotency-claim';
import { parseIdempotencyKey } from '../idempotency/idempotency-key';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { honourIdempotencyKey } from '../idempotency/idempotent-request';
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
 * 2. with an `Idempotency-Key` only: the claim, replay or refusal (honourIdempotencyKey, the rule
 *    IdempotencyInterceptor runs, after the auth since keys are owner-scoped; the claim is released
 *    when the request fails), steps 3 and 4 then running with the claim;
 * 3. the body: the compiled check, else the same strict ValidationPipe as every route;
 * 4. HoldsController.reserve, answered 201;
 * and any error goes to the one ProblemDetailsFilter, so a refusal is byte for byte the problem
 * document, status, headers and content type that Nest's path answers. The Fastify hooks (security
 * headers, rate limit, body parser, metrics, request log) run around it as around every route.
 * Without this installer (the OpenAPI CLI, say) the decorated Nest pipeline answers the same.
 * The flip side: a guard, interceptor or pipe added to the controller or globally later does not
 * run here by itself; its rule must be added to this handler too. One added on the controller makes
 * the app refuse to start (nativeHoldRouteMismatches), as does a route that is no longer
 * registered under this method and URL (takeOverRoute); the e2e suites of holds, auth,
 * idempotency and bad input hold the two paths to the same contract, and native-routes.e2e-spec
 * checks that Nest's guard and interceptor are indeed not the ones running.
 */
export function serveHoldsNatively(app: NestFastifyApplication): void {
  const route = new NativeHoldRoute(
    app.get(HoldsController),
    app.get(TokenVerifier),
    app.get(IdempotencyService),
    app.get(ProblemDetailsFilter),
    strictValidationPipe(),
  );
  const undeclared = nativeHoldRouteMismatches(HoldsController, 'reserve');
  if (undeclared.length > 0) {
    throw new Error(
      `HoldsController.reserve's decorators are not what the native POST /api/holds mirrors: ${undeclared.join('; ')}`,
    );
  }
  takeOverRoute(app, METHOD, URL, () => (request, reply) => route.handle(request, reply));
}

/**
 * What NativeHoldRoute.handle does in Nest's stead: the guard (customerOf), the interceptor
 * (withKey), no other pipe than the global ValidationPipe (reserve) and no filter of its own.
 */
const MIRRORED = {
  guards: [CustomerAuthGuard],
  interceptors: [IdempotencyInterceptor],
  pipes: [],
  filters: [],
} satisfies Record<string, unknown[]>;

/**
 * The differences between the guards, interceptors, pipes (parameter pipes included) and filters
 * that a route's class and method declare and the ones the native handler mirrors: a decorator
 * added to HoldsController (or removed) makes the app refuse to start until handle() follows.
 */
export function nativeHoldRouteMismatches(controller: Type, method: string): string[] {
  const handler = (controller.prototype as Record<string, object>)[method];
  const declared = (key: string): unknown[] => [
    ...((Reflect.getMetadata(key, controller) as unknown[] | undefined) ?? []),
    ...((Reflect.getMetadata(key, handler) as unknown[] | undefined) ?? []),
  ];
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { pipes?: unknown[] }>;
  const found = {
    guards: declared(GUARDS_METADATA),
    interceptors: declared(INTERCEPTORS_METADATA),
    pipes: [...declared(PIPES_METADATA), ...Object.values(args).flatMap((arg) => arg.pipes ?? [])],
    filters: declared(EXCEPTION_FILTERS_METADATA),
  };
  const nameOf = (item: unknown): string =>
    typeof item === 'function' ? item.name : ((item as object | null)?.constructor?.name ?? String(item));
  return (Object.keys(MIRRORED) as (keyof typeof MIRRORED)[]).flatMap((kind) => {
    const mirrored = (MIRRORED[kind] as unknown[]).map(nameOf).join(', ');
    const seen = found[kind].map(nameOf).join(', ');
    return seen === mirrored ? [] : [`${kind}: declared [${seen}], mirrored [${mirrored}]`];
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

  /** The Idempotency-Key rule, as IdempotencyInterceptor runs it, for a request that sent a key. */
  private async withKey(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    customerId: string | null,
  ): Promise<FastifyReply> {
    const owner = idempotencyOwner(customerId === null ? { kind: 'anonymous' } : { kind: 'customer', customerId });
    const answer = await honourIdempotencyKey(this.idempotency, { scope: 'holds', owner, key }, request, reply, async (claim) => {
      const hold = await this.reserve(request, customerId, claim);
      reply.code(201);
      return hold;
    });
    return reply.send(answer);
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
