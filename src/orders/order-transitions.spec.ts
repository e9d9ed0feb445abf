import { ORDER_STATUSES, OrderStatus } from './order';
import {
  cancelAnswer,
  IllegalOrderTransitionError,
  isOverdue,
  latePaymentMove,
  OrderMove,
  OrderTransition,
  transitionFor,
} from './order-transitions';

/** The whole table, written out: every allowed move, its target and what it does to the units. */
const ALLOWED: Array<[OrderMove, OrderStatus, Omit<OrderTransition, 'from'>]> = [
  ['pay', 'pending', { to: 'paid', units: { kind: 'keep' } }],
  ['fail', 'pending', { to: 'failed', units: { kind: 'return', reason: 'payment_failed' } }],
  ['expire', 'pending', { to: 'expired', units: { kind: 'return', reason: 'order_expired' } }],
  ['cancel', 'pending', { to: 'cancelled', units: { kind: 'return', reason: 'order_cancelled' } }],
  ['pay-late', 'expired', { to: 'paid', units: { kind: 'take-again' } }],
  ['pay-late', 'cancelled', { to: 'paid', units: { kind: 'take-again' } }],
  ['owe-refund', 'expired', { to: 'refund_due', units: { kind: 'keep' } }],
  ['owe-refund', 'cancelled', { to: 'refund_due', units: { kind: 'keep' } }],
];

const MOVES: OrderMove[] = ['pay', 'fail', 'expire', 'cancel', 'pay-late', 'owe-refund'];

describe('transitionFor', () => {
  it.each(ALLOWED)('%s from %s', (move, from, expected) => {
    const transition = transitionFor(move, from);
    expect({ to: transition.to, units: transition.units }).toEqual(expected);
  });

  it('lists as sources exactly the statuses each move is allowed from', () => {
    for (const move of MOVES) {
      const sources = ALLOWED.filter(([m]) => m === move).map(([, from]) => from);
      expect([...transitionFor(move, sources[0]).from].sort()).toEqual([...sources].sort());
    }
  });

  it('refuses every other move and status, naming both', () => {
    const refused: Array<[OrderMove, OrderStatus]> = [];
    for (const move of MOVES) {
      for (const from of ORDER_STATUSES) {
        if (ALLOWED.some(([m, f]) => m === move && f === from)) continue;
        refused.push([move, from]);
        let thrown: unknown;
        try {
          transitionFor(move, from);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(IllegalOrderTransitionError);
        expect(thrown).toMatchObject({ move, from, message: `an order cannot ${move} from ${from}` });
      }
    }
    // 6 moves × 6 statuses, 8 of them allowed: a final status (paid, failed, refund_due) has no move out.
    expect(refused).toHaveLength(28);
    for (const final of ['paid', 'failed', 'refund_due'] as const) {
      expect(refused.filter(([, from]) => from === final)).toHaveLength(MOVES.length);
    }
  });
});

describe('isOverdue', () => {
  const payBy = new Date('2026-12-01T12:00:00.000Z');
  const at = (iso: string) => new Date(iso);

  it('is true for a pending order at its pay_by and after it', () => {
    expect(isOverdue({ status: 'pending', payBy }, at('2026-12-01T12:00:00.000Z'))).toBe(true);
    expect(isOverdue({ status: 'pending', payBy }, at('2026-12-01T12:00:00.001Z'))).toBe(true);
  });

  it('is false for a pending order one millisecond before its pay_by', () => {
    expect(isOverdue({ status: 'pending', payBy }, at('2026-12-01T11:59:59.999Z'))).toBe(false);
  });

  it('is false for every other status, however late', () => {
    for (const status of ORDER_STATUSES.filter((s) => s !== 'pending')) {
      expect(isOverdue({ status, payBy }, at('2027-01-01T00:00:00.000Z'))).toBe(false);
    }
  });
});

describe('latePaymentMove', () => {
  it('pays when the units were taken again, and owes a refund when they were not', () => {
    expect(latePaymentMove(true)).toBe('pay-late');
    expect(latePaymentMove(false)).toBe('owe-refund');
  });
});

describe('cancelAnswer', () => {
  it.each([
    ['pending', 'cancel'],
    ['cancelled', 'as-is'],
    ['expired', 'as-is'],
    ['paid', 'refuse'],
    ['failed', 'refuse'],
    ['refund_due', 'refuse'],
  ] as const)('%s → %s', (status, answer) => {
    expect(cancelAnswer(status)).toBe(answer);
  });

  it('cancels exactly what the cancel move is allowed from', () => {
    for (const status of ORDER_STATUSES) {
      expect(cancelAnswer(status) === 'cancel').toBe(transitionFor('cancel', 'pending').from.includes(status));
    }
  });
});
