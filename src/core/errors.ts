// Domain errors: what a use case refuses, with a stable code. The services throw them; one
// exception filter (problem-details.filter.ts) turns them into RFC 9457 responses.

export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  abstract readonly title: string;
  /** Extension members added to the problem document. */
  readonly extensions: Record<string, unknown> = {};
  /** Response headers that go with the problem (Retry-After, say). */
  readonly headers: Record<string, string> = {};

  /**
   * A refusal is an answer, not a fault: the filter turns it into its problem document and logs
   * no stack, so it captures no stack trace. That capture, across the request's async frames, was
   * the largest cost of a sell-out's `409` of its own (1–2% of the sell-out's CPU). `stack` still
   * reads "InsufficientStockError: <detail>" (what a sweep's failure log would show of one).
   * Errors that are not DomainErrors (the faults, which are logged) keep their full stack.
   */
  constructor(detail: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(detail);
    Error.stackTraceLimit = limit;
    this.name = new.target.name;
  }
}

export class ProductNotFoundError extends DomainError {
  readonly code = 'product-not-found';
  readonly status = 404;
  readonly title = 'Product not found';
  constructor(productId: number) {
    super(`No product has id ${productId}.`);
  }
}

export class InsufficientStockError extends DomainError {
  readonly code = 'insufficient-stock';
  readonly status = 409;
  readonly title = 'Not enough stock available';
  constructor(productId: number, requested: number, available: number) {
    super(`Product ${productId} has ${available} unit(s) available; ${requested} requested.`);
    Object.assign(this.extensions, { product_id: productId, requested, available });
  }
}

export class HoldNotFoundError extends DomainError {
  readonly code = 'hold-not-found';
  readonly status = 404;
  readonly title = 'Hold not found';
  constructor(holdId: string) {
    super(`No hold has id ${clip(holdId)}.`);
  }
}

export class HoldExpiredError extends DomainError {
  readonly code = 'hold-expired';
  readonly status = 410;
  readonly title = 'Hold expired';
  constructor(holdId: string) {
    super(`Hold ${holdId} has expired; its units are back on sale.`);
  }
}

export class HoldReleasedError extends DomainError {
  readonly code = 'hold-released';
  readonly status = 409;
  readonly title = 'Hold released';
  constructor(holdId: string) {
    super(`Hold ${holdId} was released and cannot become an order.`);
  }
}

export class HoldConvertedError extends DomainError {
  readonly code = 'hold-converted';
  readonly status = 409;
  readonly title = 'Hold already converted';
  constructor(holdId: string) {
    super(`Hold ${holdId} has become an order and cannot be released.`);
  }
}

export class OrderNotFoundError extends DomainError {
  readonly code = 'order-not-found';
  readonly status = 404;
  readonly title = 'Order not found';
  constructor(orderId: string) {
    super(`No order has id ${clip(orderId)}.`);
  }
}

export class OrderNotCancellableError extends DomainError {
  readonly code = 'order-not-cancellable';
  readonly status = 409;
  readonly title = 'Order cannot be cancelled';
  constructor(orderId: string, status: string) {
    super(`Order ${orderId} is ${status} and can no longer be cancelled.`);
    Object.assign(this.extensions, { order_status: status });
  }
}

/** A write-off larger than the units nobody holds: the held units must stay deliverable. */
export class StockBelowReservedError extends DomainError {
  readonly code = 'stock-below-reserved';
  readonly status = 409;
  readonly title = 'Stock would fall below the units held';
  constructor(productId: number, requested: number, writable: number) {
    super(`Product ${productId} can write off at most ${writable} unit(s) now; ${requested} requested.`);
    Object.assign(this.extensions, { product_id: productId, requested, writable });
  }
}

/** The body, query or path failed validation; `errors` maps each field to its messages. */
export class RequestValidationError extends DomainError {
  readonly code = 'validation-failed';
  readonly status = 400;
  readonly title = 'Invalid request';
  constructor(errors: Record<string, string[]>, detail = 'The request has invalid fields.') {
    super(detail);
    Object.assign(this.extensions, { errors });
  }
}

/** The body is not JSON at all (or is empty). */
export class MalformedJsonError extends DomainError {
  readonly code = 'malformed-json';
  readonly status = 400;
  readonly title = 'Malformed JSON';
}

/** The body nests deeper than any body of this API could: refused before anything walks it. */
export class JsonTooDeepError extends DomainError {
  readonly code = 'json-too-deep';
  readonly status = 400;
  readonly title = 'JSON nested too deeply';
  constructor(maxDepth: number) {
    super(`The body nests arrays and objects deeper than ${maxDepth} levels.`);
  }
}

// Refusals of requests that the router or Node's HTTP parser could not even read.

export class MalformedUrlError extends DomainError {
  readonly code = 'malformed-url';
  readonly status = 400;
  readonly title = 'Malformed URL';
  constructor() {
    super('The path is not valid percent-encoded UTF-8.');
  }
}

export class UriTooLongError extends DomainError {
  readonly code = 'uri-too-long';
  readonly status = 414;
  readonly title = 'URI too long';
  constructor() {
    super('A path segment is longer than any id of this API.');
  }
}

export class MalformedRequestError extends DomainError {
  readonly code = 'malformed-request';
  readonly status = 400;
  readonly title = 'Malformed request';
  constructor() {
    super('The request is not valid HTTP/1.1.');
  }
}

export class HeadersTooLargeError extends DomainError {
  readonly code = 'headers-too-large';
  readonly status = 431;
  readonly title = 'Request header fields too large';
  constructor() {
    super('The request line and headers are larger than 16 KiB.');
  }
}

export class RequestTimeoutError extends DomainError {
  readonly code = 'request-timeout';
  readonly status = 408;
  readonly title = 'Request timeout';
  constructor() {
    super('The request did not arrive in time.');
  }
}

/** A rule on a field that depends on configuration (so it cannot live in the DTO's decorators). */
export class InvalidFieldError extends RequestValidationError {
  constructor(field: string, message: string) {
    super({ [field]: [message] });
  }
}

/** Client-supplied ids are echoed back in details, but never at any length. */
function clip(id: string): string {
  return id.length > 64 ? `${id.slice(0, 64)}...` : id;
}

export class DatabaseUnavailableError extends DomainError {
  readonly code = 'service-unavailable';
  readonly status = 503;
  readonly title = 'Service unavailable';
  constructor() {
    super('The database is unavailable; retry shortly.');
    this.headers['retry-after'] = '5';
  }
}

/** A payment webhook without a valid signature. Says nothing about the order it names. */
export class WebhookSignatureError extends DomainError {
  readonly code = 'invalid-signature';
  readonly status = 401;
  readonly title = 'Invalid webhook signature';
  constructor(reason: 'missing-headers' | 'stale-timestamp' | 'no-valid-signature') {
    super(
      {
        'missing-headers': 'The delivery lacks valid webhook-id, webhook-timestamp and webhook-signature headers.',
        'stale-timestamp': 'The webhook-timestamp is more than 5 minutes away from the server time.',
        'no-valid-signature': 'No signature in webhook-signature matches the delivery.',
      }[reason],
    );
  }
}

export class RateLimitExceededError extends DomainError {
  readonly code = 'rate-limited';
  readonly status = 429;
  readonly title = 'Too many requests';
  constructor(retryAfterSeconds: number) {
    super(`Too many requests from this client; retry in ${retryAfterSeconds} second(s).`);
    this.headers['retry-after'] = String(Math.max(1, retryAfterSeconds));
  }
}

export class InvalidIdempotencyKeyError extends DomainError {
  readonly code = 'invalid-idempotency-key';
  readonly status = 400;
  readonly title = 'Invalid Idempotency-Key';
  constructor() {
    super('Idempotency-Key must be 1 to 255 visible ASCII characters, bare or in double quotes, sent once.');
  }
}

export class IdempotencyKeyInUseError extends DomainError {
  readonly code = 'idempotency-key-in-use';
  readonly status = 409;
  readonly title = 'Request with this Idempotency-Key in progress';
  constructor() {
    super('A request with this Idempotency-Key is still being processed; retry once it has been answered.');
    this.headers['retry-after'] = '1';
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'idempotency-key-reused';
  readonly status = 422;
  readonly title = 'Idempotency-Key reused with another request';
  constructor() {
    super('This Idempotency-Key was used with a different request body; use a new key for a new request.');
  }
}

/** What a product's request queue holds (holds, orders and payment deliveries are batched alike). */
export type QueueKind = 'hold' | 'order' | 'payment';

/**
 * Too many requests of one kind are already waiting for this product: refused before it queues
 * (`hold-queue-full`, `order-queue-full`, `payment-queue-full`).
 */
export class HoldQueueFullError extends DomainError {
  readonly code: string;
  readonly status = 503;
  readonly title: string;
  constructor(productId: number, kind: QueueKind = 'hold', retryAfterSeconds = 1) {
    super(`Product ${productId} has too many ${kind} requests waiting; retry shortly.`);
    this.code = `${kind}-queue-full`;
    this.title = `Too many ${kind} requests waiting`;
    this.headers['retry-after'] = String(retryAfterSeconds);
  }
}

/**
 * A hold request that waited in its product's queue longer than allowed (the batch ahead of it
 * is stuck, typically on a database that stopped answering): refused before it reached the
 * database, so nothing happened.
 */
export class HoldQueueTimeoutError extends DomainError {
  readonly code = 'service-unavailable';
  readonly status = 503;
  readonly title = 'Service unavailable';
  constructor() {
    super('The hold could not be decided in time; retry shortly.');
    this.headers['retry-after'] = '1';
  }
}

/** Live stock: this instance already serves STREAM_MAX_CLIENTS streams. */
export class StreamCapacityError extends DomainError {
  readonly code = 'stream-capacity-reached';
  readonly status = 503;
  readonly title = 'Too many live streams';
  constructor(retryAfterSeconds: number) {
    super('This instance serves as many live-stock streams as it may; try again shortly or read GET /api/products/:id.');
    this.headers['Retry-After'] = String(retryAfterSeconds);
  }
}

/**
 * A customer or admin route without valid credentials: missing, malformed, expired or wrongly
 * signed. The detail never says which check failed beyond that (RFC 6750 §3).
 */
export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized';
  readonly status = 401;
  readonly title = 'Unauthorized';
  constructor(reason: 'missing' | 'invalid') {
    super(
      reason === 'missing'
        ? 'This route needs Authorization: Bearer <token>.'
        : 'The bearer token is malformed, expired, or not signed by a trusted key.',
    );
    this.headers['www-authenticate'] =
      reason === 'missing' ? 'Bearer realm="flash-sale"' : 'Bearer realm="flash-sale", error="invalid_token"';
  }
}

/** A valid customer token on an operator route. */
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
  readonly status = 403;
  readonly title = 'Forbidden';
  constructor() {
    super('This token does not carry the admin role.');
  }
}

/** The JWKS could not be fetched and no key is cached: the token cannot be judged either way. */
export class AuthKeysUnavailableError extends DomainError {
  readonly code = 'service-unavailable';
  readonly status = 503;
  readonly title = 'Service unavailable';
  constructor() {
    super('The signing keys of the identity provider cannot be fetched; retry shortly.');
    this.headers['retry-after'] = '5';
  }
}

export class CustomerLimitReachedError extends DomainError {
  readonly code = 'customer-limit-reached';
  readonly status = 409;
  readonly title = 'Per-customer limit reached';
  constructor(productId: number, requested: number, limit: number, remaining: number) {
    super(`Product ${productId} allows ${limit} unit(s) per customer; ${remaining} remaining, ${requested} requested.`);
    Object.assign(this.extensions, { product_id: productId, requested, max_per_customer: limit, remaining });
  }
}

export class SaleNotStartedError extends DomainError {
  readonly code = 'sale-not-started';
  readonly status = 409;
  readonly title = 'Sale not started';
  constructor(productId: number, startsAt: Date, now: Date) {
    super(`The sale of product ${productId} starts at ${startsAt.toISOString()}.`);
    Object.assign(this.extensions, { product_id: productId, starts_at: startsAt.toISOString() });
    this.headers['retry-after'] = String(Math.max(1, Math.ceil((startsAt.getTime() - now.getTime()) / 1000)));
  }
}

export class SaleEndedError extends DomainError {
  readonly code = 'sale-ended';
  readonly status = 409;
  readonly title = 'Sale ended';
  constructor(productId: number, endsAt: Date) {
    super(`The sale of product ${productId} ended at ${endsAt.toISOString()}.`);
    Object.assign(this.extensions, { product_id: productId, ends_at: endsAt.toISOString() });
  }
}

/** A sale window whose start is not before its end. */
export class InvalidSaleWindowError extends RequestValidationError {
  constructor() {
    super({ sale_ends_at: ['sale_ends_at must be later than sale_starts_at'] });
  }
}
