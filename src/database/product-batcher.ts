import { HoldQueueFullError, HoldQueueTimeoutError, QueueKind } from '../core/errors';
import { isConnectionError } from './db-errors';

/**
 * Decides a batch of requests for one product in one transaction: HoldsService.grant (holds),
 * OrdersService.convertBatch (orders), PaymentsService.applyBatch (webhook deliveries).
 */
export type DecideBatch<R, O> = (productId: number, requests: R[]) => Promise<O[]>;

export interface ProductBatcherLimits {
  /** Most requests one transaction decides. */
  maxBatch: number;
  /** Most requests waiting per product (not counting the batch in flight). */
  maxQueue: number;
  /**
   * Longest a request waits in the queue before it is refused with 503 (it has not been sent to
   * the database, so nothing of it happened). With the bounded wait for a pool connection, this
   * keeps every request answered within 5 s even while the batch ahead of it is stuck on a database
   * that stopped answering.
   */
  maxWaitMs?: number;
  /** What the requests are, for the 503 of a full queue: `hold` (the default), `order`, `payment`. */
  kind?: QueueKind;
}

const DEFAULT_MAX_WAIT_MS = 2_000;

interface Waiting<R, O> {
  request: R;
  resolve(outcome: O): void;
  reject(error: unknown): void;
  /** Date.now() past which it is refused if still queued. */
  deadline: number;
}

/** One product's line: the requests waiting, and whether a batch of it is in flight. */
interface Lane<R, O> {
  waiting: Waiting<R, O>[];
  /**
   * One timer per lane, not one per request (a crowd of 256 made 256 timers per batch): it fires
   * at the oldest waiting request's deadline. The queue is in arrival order, so the requests due
   * are always at its front.
   */
  timer: NodeJS.Timeout | null;
}

/**
 * Group commit per product, for holds, orders and webhook deliveries alike. Each of them locks its
 * product's row for a whole transaction, so one row takes only so many transactions a second.
 * Instead of one transaction per request, the requests for a product that arrive while its
 * transaction is in flight wait and are decided together by the next one, in arrival order. The batch size follows the load
 * by itself: one request alone is decided at once, a crowd in batches of up to `maxBatch`.
 *
 * Only one batch per product is in flight in this process; between processes (several
 * instances on one database) the product row lock still decides, so nothing here is needed for
 * correctness, only for throughput.
 */
export class ProductBatcher<R, O> {
  private readonly lanes = new Map<number, Lane<R, O>>();
  private readonly drainWaiters: Array<() => void> = [];

  constructor(
    private readonly decideBatch: DecideBatch<R, O>,
    private readonly limits: ProductBatcherLimits,
  ) {}

  /** Queues a request for its product's next batch; settles once that batch has committed. */
  submit(productId: number, request: R): Promise<O> {
    const existing = this.lanes.get(productId);
    if (existing && existing.waiting.length >= this.limits.maxQueue) {
      // Refused before it queues: a queue must never grow without limit.
      return Promise.reject(new HoldQueueFullError(productId, this.limits.kind));
    }
    const lane: Lane<R, O> = existing ?? { waiting: [], timer: null };
    const deadline = Date.now() + this.maxWaitMs;
    const decided = new Promise<O>((resolve, reject) => {
      lane.waiting.push({ request, resolve, reject, deadline });
    });
    if (existing && lane.timer === null) this.armTimer(lane);
    if (!existing) {
      // No batch of this product is in flight here: this request starts one at once.
      this.lanes.set(productId, lane);
      void this.runLane(productId, lane);
    }
    return decided;
  }

  /** Requests waiting for a product's next batch (the batch in flight not counted). */
  queued(productId: number): number {
    return this.lanes.get(productId)?.waiting.length ?? 0;
  }

  /** Resolves once every queued request has its answer (shutdown waits for this). */
  drain(): Promise<void> {
    if (this.lanes.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Decides the lane's requests batch after batch until none are left, then retires the lane. */
  private async runLane(productId: number, lane: Lane<R, O>): Promise<void> {
    while (lane.waiting.length > 0) {
      await this.decide(productId, lane.waiting.splice(0, this.limits.maxBatch));
    }
    if (lane.timer !== null) clearTimeout(lane.timer);
    this.lanes.delete(productId);
    if (this.lanes.size === 0) this.drainWaiters.splice(0).forEach((resolve) => resolve());
  }

  private get maxWaitMs(): number {
    return this.limits.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  }

  /** Sets the lane's timer for its oldest waiting request, if any waits. */
  private armTimer(lane: Lane<R, O>): void {
    lane.timer = null;
    if (lane.waiting.length === 0) return;
    lane.timer = setTimeout(() => this.giveUp(lane), Math.max(0, lane.waiting[0].deadline - Date.now()));
  }

  /**
   * The requests that waited too long leave the queue, refused; those already in a batch were
   * taken off the queue and stay. Then the timer waits for the next oldest.
   */
  private giveUp(lane: Lane<R, O>): void {
    const now = Date.now();
    let due = 0;
    while (due < lane.waiting.length && lane.waiting[due].deadline <= now) due++;
    for (const waiting of lane.waiting.splice(0, due)) waiting.reject(new HoldQueueTimeoutError());
    this.armTimer(lane);
  }

  private async decide(productId: number, batch: Waiting<R, O>[]): Promise<void> {
    let outcomes: O[];
    try {
      outcomes = await this.decideBatch(
        productId,
        batch.map((w) => w.request),
      );
    } catch (error) {
      if (batch.length === 1 || isConnectionError(error)) {
        for (const w of batch) w.reject(error);
        return;
      }
      // The transaction rolled back as a whole, so nothing of it happened. One request (its
      // onDecided hook, say) may be the cause: deciding each alone, in the same order, fails
      // that one only, instead of failing everyone who happened to share its batch.
      for (const w of batch) await this.decide(productId, [w]);
      return;
    }
    for (const [i, w] of batch.entries()) w.resolve(outcomes[i]);
  }
}
