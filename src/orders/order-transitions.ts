// The pure rules of an order's life after it was created: which move may take it from which
// status to which, and what happens to its units. No I/O: OrderLifecycle (the SQL, the ledger and
// the events) and OrdersService.cancel ask these, and a unit spec with mutation testing pins them.
import { Order, OrderStatus } from './order';

/**
 *   pending ─ pay ──────────────────────→ paid
 *   pending ─ fail ─────────────────────→ failed      (units back)
 *   pending ─ expire (pay_by passed) ───→ expired     (units back)
 *   pending ─ cancel ───────────────────→ cancelled   (units back)
 *   expired | cancelled ─ pay-late ─────→ paid        (units taken again: they were free)
 *   expired | cancelled ─ owe-refund ───→ refund_due  (they were not: the money goes back)
 */
export type OrderMove = 'pay' | 'fail' | 'expire' | 'cancel' | 'pay-late' | 'owe-refund';

/** What a move does to the order's units in `stock`, with the ledger's reason when they go back. */
export type UnitEffect =
  { kind: 'keep' } | { kind: 'return'; reason: 'payment_failed' | 'order_expired' | 'order_cancelled' } | { kind: 'take-again' };

export interface OrderTransition {
  from: readonly OrderStatus[];
  to: OrderStatus;
  units: UnitEffect;
}

const TRANSITIONS: Readonly<Record<OrderMove, OrderTransition>> = {
  pay: { from: ['pending'], to: 'paid', units: { kind: 'keep' } },
  fail: { from: ['pending'], to: 'failed', units: { kind: 'return', reason: 'payment_failed' } },
  expire: { from: ['pending'], to: 'expired', units: { kind: 'return', reason: 'order_expired' } },
  cancel: { from: ['pending'], to: 'cancelled', units: { kind: 'return', reason: 'order_cancelled' } },
  'pay-late': { from: ['expired', 'cancelled'], to: 'paid', units: { kind: 'take-again' } },
  'owe-refund': { from: ['expired', 'cancelled'], to: 'refund_due', units: { kind: 'keep' } },
};

export class IllegalOrderTransitionError extends Error {
  constructor(
    readonly move: OrderMove,
    readonly from: OrderStatus,
  ) {
    super(`an order cannot ${move} from ${from}`);
  }
}

/** The move's target status and unit effect; throws when the move is not allowed from `from`. */
export function transitionFor(move: OrderMove, from: OrderStatus): OrderTransition {
  const transition = TRANSITIONS[move];
  if (!transition.from.includes(from)) throw new IllegalOrderTransitionError(move, from);
  return transition;
}

/** A pending order whose `pay_by` has come (at `now` exactly, too) is expired before anything else. */
export function isOverdue(order: Pick<Order, 'status' | 'payBy'>, now: Date): boolean {
  return order.status === 'pending' && order.payBy.getTime() <= now.getTime();
}

/**
 * A late payment (for an expired or cancelled order) pays it when its units could be taken again,
 * and is owed back when they could not.
 */
export function latePaymentMove(unitsTakenAgain: boolean): 'pay-late' | 'owe-refund' {
  return unitsTakenAgain ? 'pay-late' : 'owe-refund';
}

/**
 * What a customer's cancel does, once the deadline has been applied: a pending order is
 * cancelled; one already cancelled or expired is answered as it is (cancelling twice answers the
 * same); a paid or failed order, or one owed a refund, is refused.
 */
export function cancelAnswer(status: OrderStatus): 'cancel' | 'as-is' | 'refuse' {
  switch (status) {
    case 'pending':
      return 'cancel';
    case 'cancelled':
    case 'expired':
      return 'as-is';
    case 'paid':
    case 'failed':
    case 'refund_due':
      return 'refuse';
  }
}
