import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../core/clock';
import { DomainEventName, DomainEvents } from '../core/domain-events';
import { InvalidFieldError, ProductNotFoundError, StockBelowReservedError } from '../core/errors';
import { TransactionRunner } from '../database/transaction-runner';
import { ProductCache } from '../products/product-cache';
import { StockMovement, StockMovementReason } from './stock-movement';
import { NewMovement, StockRepository } from './stock.repository';

/** What a transaction that changed stock owes the world once it has committed. */
class AfterCommit {
  readonly products = new Set<number>();
  readonly events: Array<{ event: DomainEventName; fields: Record<string, unknown> }> = [];
}

/** An order's units, as the ledger moves them. */
export interface OrderUnits {
  id: string;
  qty: number;
}

export type OrderReturnReason = 'payment_failed' | 'order_expired' | 'order_cancelled';

/**
 * The one owner of `products.stock` and `products.reserved`. Every change goes through here,
 * inside the caller's transaction (its EntityManager), which must have been opened with
 * `transaction()` and must hold the product's row lock; every change of `stock` writes its
 * `stock_movements` row in that same transaction, so `stock − Σ delta` never changes.
 *
 * `transaction()` is also the one place where the effects of a committed change happen: the
 * product cache is invalidated for every product touched, then the queued domain events are
 * emitted. A rolled-back (or retried) attempt publishes nothing.
 */
@Injectable()
export class StockLedger {
  private readonly open = new WeakMap<EntityManager, AfterCommit>();

  constructor(
    private readonly tx: TransactionRunner,
    private readonly repository: StockRepository,
    private readonly cache: ProductCache,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    let effects = new AfterCommit();
    const result = await this.tx.run(async (manager) => {
      effects = new AfterCommit();
      this.open.set(manager, effects);
      try {
        return await work(manager);
      } finally {
        this.open.delete(manager);
      }
    });
    if (effects.products.size > 0) await this.cache.invalidate(...effects.products);
    for (const { event, fields } of effects.events) this.events.emit(event, fields);
    return result;
  }

  /** An event to emit once the transaction has committed (never, if it rolls back). */
  emitAfterCommit(manager: EntityManager, event: DomainEventName, fields: Record<string, unknown>): void {
    this.effectsOf(manager).events.push({ event, fields });
  }

  /** Net change of held units (a batch may grant some and expire others in one step). */
  async hold(manager: EntityManager, productId: number, units: number): Promise<void> {
    this.effectsOf(manager);
    if (units === 0) return;
    await this.repository.addReserved(manager, productId, units);
    this.effectsOf(manager).products.add(productId);
  }

  async release(manager: EntityManager, productId: number, units: number): Promise<void> {
    await this.hold(manager, productId, -units);
  }

  /**
   * New orders take their holds' units out of `stock`; they stop counting as held. A batch of a
   * product's orders moves the units in one statement and writes its movements in another.
   */
  async takeIntoOrders(manager: EntityManager, productId: number, orders: OrderUnits[]): Promise<void> {
    this.effectsOf(manager);
    if (orders.length === 0) return;
    await this.repository.takeHeld(
      manager,
      productId,
      orders.reduce((sum, o) => sum + o.qty, 0),
    );
    await this.record(
      manager,
      orders.map((o) => this.movement(productId, -o.qty, 'order_created', o.id)),
    );
  }

  /** Orders that no longer need their units (failed, expired, cancelled) put them back. */
  async returnOrderUnits(
    manager: EntityManager,
    productId: number,
    orders: OrderUnits[],
    reason: OrderReturnReason,
  ): Promise<void> {
    this.effectsOf(manager);
    if (orders.length === 0) return;
    await this.repository.addStock(
      manager,
      productId,
      orders.reduce((sum, o) => sum + o.qty, 0),
    );
    await this.record(
      manager,
      orders.map((o) => this.movement(productId, o.qty, reason, o.id)),
    );
  }

  /**
   * A payment that arrived after its order gave its units back takes them again, if that many
   * are free now (units in active holds are promised to their holders). False: nothing moved.
   */
  async takeForLatePayment(manager: EntityManager, productId: number, order: OrderUnits): Promise<boolean> {
    this.effectsOf(manager);
    if (!(await this.repository.takeUnheld(manager, productId, order.qty))) return false;
    await this.record(manager, [this.movement(productId, -order.qty, 'late_payment', order.id)]);
    return true;
  }

  /**
   * An operator's correction: a restock (delta > 0, reason `restock`) or a write-off (delta < 0,
   * reason `write_off`), which may not take `stock` below the units held.
   */
  async adjust(
    manager: EntityManager,
    productId: number,
    delta: number,
    reason: 'restock' | 'write_off',
    note?: string,
  ): Promise<void> {
    this.effectsOf(manager);
    if (!Number.isInteger(delta) || delta === 0) throw new InvalidFieldError('delta', 'delta must be a non-zero integer');
    if (delta > 0 !== (reason === 'restock')) {
      throw new InvalidFieldError('reason', 'reason must be restock for delta > 0 and write_off for delta < 0');
    }
    const changed =
      delta > 0
        ? await this.repository.addStock(manager, productId, delta)
        : await this.repository.takeUnheld(manager, productId, -delta);
    if (!changed) {
      const unheld = await this.repository.unheldUnits(manager, productId);
      if (unheld === null) throw new ProductNotFoundError(productId);
      throw new StockBelowReservedError(productId, -delta, unheld);
    }
    await this.record(manager, [this.movement(productId, delta, reason, null, note ?? null)]);
    this.emitAfterCommit(manager, 'stock_adjusted', { product_id: productId, delta, reason, note: note ?? null });
  }

  /** Units in `stock` that no hold claims: what a late payment or a write-off may take. */
  async unheldUnits(manager: EntityManager, productId: number): Promise<number> {
    const unheld = await this.repository.unheldUnits(manager, productId);
    if (unheld === null) throw new ProductNotFoundError(productId);
    return unheld;
  }

  /** The product's ledger, newest first; `beforeId` pages back from the previous page's last id. */
  listMovements(productId: number, page: { limit: number; beforeId?: number }): Promise<StockMovement[]> {
    return this.repository.listMovements(productId, page.limit, page.beforeId);
  }

  private async record(manager: EntityManager, movements: NewMovement[]): Promise<void> {
    await this.repository.insertMovements(manager, movements);
    for (const m of movements) this.effectsOf(manager).products.add(m.productId);
  }

  private movement(
    productId: number,
    delta: number,
    reason: StockMovementReason,
    orderId: string | null,
    note: string | null = null,
  ): NewMovement {
    return { productId, delta, reason, orderId, note, createdAt: this.clock.now() };
  }

  /** The open transaction's effects; also the guard every change passes before it writes. */
  private effectsOf(manager: EntityManager): AfterCommit {
    const effects = this.open.get(manager);
    // A programming error, not a request's: stock moved outside StockLedger.transaction would
    // skip the cache invalidation and the events.
    if (!effects) throw new Error('stock changes must run inside StockLedger.transaction()');
    return effects;
  }
}
