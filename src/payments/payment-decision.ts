import { OrderStatus } from '../orders/order';

/**
 * What a new (not duplicate) delivery does to an order in `status`, after its deadline has
 * been applied (a pending order past `pay_by` is already expired here):
 * - `pay` / `fail`: a pending order's payment result;
 * - `pay-late`: a success for an order that gave its units back (expired or cancelled): paid if
 *   the units can be taken again, else refund_due;
 * - `ignore`: a final order never changes, and a failure of an order that is no longer pending
 *   has nothing left to undo.
 */
export type PaymentDecision = 'pay' | 'fail' | 'pay-late' | 'ignore';

export function decidePayment(status: OrderStatus, payment: 'success' | 'failed'): PaymentDecision {
  switch (status) {
    case 'pending':
      return payment === 'success' ? 'pay' : 'fail';
    case 'expired':
    case 'cancelled':
      return payment === 'success' ? 'pay-late' : 'ignore';
    case 'paid':
    case 'failed':
    case 'refund_due':
      return 'ignore';
  }
}
