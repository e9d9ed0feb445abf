import { OrderNotFoundError } from '../../src/core/errors';
import { queryRows } from '../../src/database/sql';
import { HoldsService } from '../../src/holds/holds.service';
import { OrdersService } from '../../src/orders/orders.service';
import { PaymentsService } from '../../src/payments/payments.service';
import { newProduct } from '../support/factories';
import { expectInvariants } from '../support/invariants';
import { MediumContext, startMedium } from '../support/medium';

// The webhook's state transitions, service against the real database: each (order status,
// delivery) pair, its result, the order's status after, and the units in stock.
describe('PaymentsService.applyDelivery (medium: real database, no HTTP)', () => {
  let ctx: MediumContext;
  let payments: PaymentsService;
  let seq = 0;

  beforeAll(async () => {
    ctx = await startMedium();
    payments = ctx.module.get(PaymentsService);
  });
  afterAll(() => ctx.close());

  async function pendingOrder(stock = 5, qty = 2) {
    const product = await newProduct(ctx.dataSource, { stock });
    const hold = await ctx.module.get(HoldsService).reserve(product.id, qty, null);
    const { order } = await ctx.module.get(OrdersService).convertToOrder(hold.id, null);
    return { product, orderId: order.id };
  }
  const deliver = (orderId: string, status: 'success' | 'failed', key = `evt_medium_${++seq}`) => {
    const delivery = { order_id: orderId, status, idempotency_key: key };
    return payments.applyDelivery(delivery, JSON.stringify(delivery));
  };
  const stockOf = async (id: number) =>
    Number((await queryRows<{ stock: number }>(ctx.dataSource, 'SELECT stock FROM products WHERE id = ?', [id]))[0].stock);

  it('pending + success → paid (processed); the units stay sold', async () => {
    const { product, orderId } = await pendingOrder();
    await expect(deliver(orderId, 'success')).resolves.toEqual({ result: 'processed', order_status: 'paid' });
    expect(await stockOf(product.id)).toBe(3);
    await expectInvariants(ctx.dataSource, new Map([[product.id, 5]]));
  });

  it('pending + failed → failed (processed); the units go back into stock', async () => {
    const { product, orderId } = await pendingOrder();
    await expect(deliver(orderId, 'failed')).resolves.toEqual({ result: 'processed', order_status: 'failed' });
    expect(await stockOf(product.id)).toBe(5);
    await expectInvariants(ctx.dataSource, new Map([[product.id, 5]]));
  });

  it.each([
    ['paid', 'success', 'failed'],
    ['paid', 'success', 'success'],
    ['failed', 'failed', 'success'],
    ['failed', 'failed', 'failed'],
  ] as const)('a final %s order ignores a new %s… then %s delivery and never moves stock', async (final, first, late) => {
    const { product, orderId } = await pendingOrder();
    await deliver(orderId, first);
    const stock = await stockOf(product.id);
    await expect(deliver(orderId, late)).resolves.toEqual({ result: 'ignored', order_status: final });
    expect(await stockOf(product.id)).toBe(stock);
    await expectInvariants(ctx.dataSource, new Map([[product.id, 5]]));
  });

  it('the same key again is a duplicate whatever its status, and changes nothing', async () => {
    const { product, orderId } = await pendingOrder();
    await deliver(orderId, 'success', 'evt_medium_dup');
    await expect(deliver(orderId, 'failed', 'evt_medium_dup')).resolves.toEqual({ result: 'duplicate', order_status: 'paid' });
    expect(await stockOf(product.id)).toBe(3);
    const logged = await queryRows<{ result: string }>(
      ctx.dataSource,
      'SELECT result FROM webhook_logs WHERE idempotency_key = ? ORDER BY id',
      ['evt_medium_dup'],
    );
    expect(logged.map((l) => l.result)).toEqual(['processed', 'duplicate']);
    await expectInvariants(ctx.dataSource, new Map([[product.id, 5]]));
  });

  it('an unknown order is refused and logged, without consuming its key: the key works once the order exists', async () => {
    const { product, orderId } = await pendingOrder();
    await expect(deliver('0193a4f3-0000-7000-8000-0000000000aa', 'success', 'evt_medium_early')).rejects.toBeInstanceOf(
      OrderNotFoundError,
    );
    await expect(deliver(orderId, 'success', 'evt_medium_early')).resolves.toEqual({ result: 'processed', order_status: 'paid' });
    await expectInvariants(ctx.dataSource, new Map([[product.id, 5]]));
  });
});
