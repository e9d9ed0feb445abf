import { ORDER_STATUSES } from '../orders/order';
import { decidePayment } from './payment-decision';

describe('decidePayment', () => {
  it.each([
    ['pending', 'success', 'pay'],
    ['pending', 'failed', 'fail'],
    ['expired', 'success', 'pay-late'],
    ['cancelled', 'success', 'pay-late'],
    ['expired', 'failed', 'ignore'],
    ['cancelled', 'failed', 'ignore'],
    ['paid', 'success', 'ignore'],
    ['paid', 'failed', 'ignore'],
    ['failed', 'success', 'ignore'],
    ['failed', 'failed', 'ignore'],
    ['refund_due', 'success', 'ignore'],
    ['refund_due', 'failed', 'ignore'],
  ] as const)('%s + %s → %s', (status, payment, decision) => {
    expect(decidePayment(status, payment)).toBe(decision);
  });

  it('decides every order status', () => {
    for (const status of ORDER_STATUSES) {
      expect(decidePayment(status, 'success')).toBeDefined();
      expect(decidePayment(status, 'failed')).toBeDefined();
    }
  });
});
