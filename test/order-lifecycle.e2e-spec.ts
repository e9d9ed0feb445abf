import request from 'supertest';
import { queryRows } from '../src/database/sql';
import { newHold, newOrder, newProduct } from './support/factories';
import { expectInvariants } from './support/invariants';
import { deliver, holdAndOrder } from './support/sale';
import { startTestApp, TestApp } from './support/test-app';

const TIMEOUT = 60;

// A 60-second payment deadline that the fake clock jumps over: no test sleeps through it.
describe('order lifecycle: payment deadline, cancellation, late payments (e2e)', () => {
  let t: TestApp;
  let keySeq = 0;
  const key = () => `evt_life_${++keySeq}`;

  beforeAll(async () => {
    t = await startTestApp({ ORDER_PAYMENT_TIMEOUT_SECONDS: String(TIMEOUT) });
  });
  afterAll(() => t.close());

  const order = async (id: string) => (await request(t.url).get(`/api/orders/${id}`).expect(200)).body;
  const product = async (id: number) => (await request(t.url).get(`/api/products/${id}`).expect(200)).body;
  const cancel = (id: string) => request(t.url).post(`/api/orders/${id}/cancel`);
  async function movements(productId: number): Promise<Array<[string, number, string | null]>> {
    const rows = await queryRows<{ reason: string; delta: number; order_id: string | null }>(
      t.dataSource,
      'SELECT reason, delta, order_id FROM stock_movements WHERE product_id = ? ORDER BY id',
      [productId],
    );
    return rows.map((r) => [r.reason, Number(r.delta), r.order_id]);
  }
  async function storedStatus(orderId: string): Promise<string> {
    const [row] = await queryRows<{ status: string }>(t.dataSource, 'SELECT status FROM orders WHERE id = ?', [orderId]);
    return row.status;
  }

  it('gives every order a pay_by and expires it once past it: units back once, ledger rows, event counted', async () => {
    const p = await newProduct(t.dataSource, { stock: 5 });
    const { orderId } = await holdAndOrder(t, p.id, 3);
    const created = await order(orderId);
    expect(Date.parse(created.pay_by) - Date.parse(created.created_at)).toBe(TIMEOUT * 1000);
    expect(await product(p.id)).toMatchObject({ stock: 2, available: 2 });

    t.clock.advance(TIMEOUT - 1);
    expect((await t.orderSweeper.expireOverdue()).expired).not.toContain(orderId);
    expect(await storedStatus(orderId)).toBe('pending');

    t.clock.advance(2);
    // Reported expired at once, before any sweep has marked it.
    expect((await order(orderId)).status).toBe('expired');
    const expiredBefore = await counter('flash_sale_order_expired_total');
    const swept = await t.orderSweeper.expireOverdue();
    expect(swept.expired).toContain(orderId);
    expect(swept.products).toContain(p.id);
    expect(await storedStatus(orderId)).toBe('expired');
    expect(await product(p.id)).toMatchObject({ stock: 5, available: 5 });
    expect((await t.orderSweeper.expireOverdue()).expired).not.toContain(orderId);
    expect(await product(p.id)).toMatchObject({ stock: 5, available: 5 });
    expect(await movements(p.id)).toEqual([
      ['order_created', -3, orderId],
      ['order_expired', 3, orderId],
    ]);
    expect(await counter('flash_sale_order_expired_total')).toBe(expiredBefore + swept.expired.length);
    await expectInvariants(t.dataSource, new Map([[p.id, 5]]));
  });

  it('cancels a pending order (units back), twice is fine, an expired one answers as it is', async () => {
    const p = await newProduct(t.dataSource, { stock: 4 });
    const { orderId } = await holdAndOrder(t, p.id, 2);
    const cancelledBefore = await counter('flash_sale_order_cancelled_total');
    const first = await cancel(orderId).expect(200);
    expect(first.body).toMatchObject({ id: orderId, status: 'cancelled', qty: 2 });
    await cancel(orderId).expect(200, first.body);
    expect(await order(orderId)).toEqual(first.body);
    expect(await product(p.id)).toMatchObject({ stock: 4, available: 4 });
    expect(await counter('flash_sale_order_cancelled_total')).toBe(cancelledBefore + 1);

    // Past its deadline and not yet swept: the cancel expires it (units back once) and says so.
    const late = await holdAndOrder(t, p.id, 1);
    t.clock.advance(TIMEOUT + 1);
    const expired = await cancel(late.orderId).expect(200);
    expect(expired.body).toMatchObject({ id: late.orderId, status: 'expired' });
    await cancel(late.orderId).expect(200, expired.body);
    expect(await storedStatus(late.orderId)).toBe('expired');
    expect(await product(p.id)).toMatchObject({ stock: 4, available: 4 });
    expect(await movements(p.id)).toEqual([
      ['order_created', -2, orderId],
      ['order_cancelled', 2, orderId],
      ['order_created', -1, late.orderId],
      ['order_expired', 1, late.orderId],
    ]);
    await expectInvariants(t.dataSource, new Map([[p.id, 4]]));
  });

  it('refuses to cancel a paid, failed or refund_due order (409, nothing changes); 404 for an unknown one', async () => {
    const p = await newProduct(t.dataSource, { stock: 3 });
    const paid = await holdAndOrder(t, p.id, 1);
    await deliver(t, paid.orderId, 'success', key()).expect(200, { result: 'processed', order_status: 'paid' });
    const failed = await holdAndOrder(t, p.id, 1);
    await deliver(t, failed.orderId, 'failed', key()).expect(200, { result: 'processed', order_status: 'failed' });
    for (const id of [paid.orderId, failed.orderId]) {
      const res = await cancel(id).expect(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 409, code: 'order-not-cancellable' });
    }
    expect(await storedStatus(paid.orderId)).toBe('paid');
    expect(await storedStatus(failed.orderId)).toBe('failed');
    await cancel('01a21187-0000-7000-8000-000000000000').expect(404);
    await cancel('not-an-id').expect(404);
    await expectInvariants(t.dataSource, new Map([[p.id, 3]]));
  });

  it('pays a late success when the units are still free: units taken again, ledger late_payment', async () => {
    const p = await newProduct(t.dataSource, { stock: 5 });
    const { orderId } = await holdAndOrder(t, p.id, 2);
    t.clock.advance(TIMEOUT + 1);
    await t.orderSweeper.expireOverdue();
    expect(await product(p.id)).toMatchObject({ stock: 5 });
    await deliver(t, orderId, 'success', key()).expect(200, { result: 'processed', order_status: 'paid' });
    expect(await order(orderId)).toMatchObject({ status: 'paid' });
    expect(await product(p.id)).toMatchObject({ stock: 3, available: 3 });
    expect(await movements(p.id)).toEqual([
      ['order_created', -2, orderId],
      ['order_expired', 2, orderId],
      ['late_payment', -2, orderId],
    ]);
    await expectInvariants(t.dataSource, new Map([[p.id, 5]]));
  });

  it('pays a late success for a cancelled order the same way', async () => {
    const p = await newProduct(t.dataSource, { stock: 2 });
    const { orderId } = await holdAndOrder(t, p.id, 2);
    await cancel(orderId).expect(200);
    await deliver(t, orderId, 'success', key()).expect(200, { result: 'processed', order_status: 'paid' });
    expect(await product(p.id)).toMatchObject({ stock: 0 });
    await cancel(orderId).expect(409);
    await expectInvariants(t.dataSource, new Map([[p.id, 2]]));
  });

  it('marks a late success refund_due when its units are gone: stock untouched, event counted, final', async () => {
    const p = await newProduct(t.dataSource, { stock: 3 });
    const { orderId } = await holdAndOrder(t, p.id, 2);
    await cancel(orderId).expect(200);
    // Another buyer holds all three units now.
    await request(t.url).post('/api/holds').send({ product_id: p.id, qty: 3 }).expect(201);
    const refundsBefore = await counter('flash_sale_payment_refund_due_total');
    await deliver(t, orderId, 'success', key()).expect(200, { result: 'processed', order_status: 'refund_due' });
    expect(await order(orderId)).toMatchObject({ status: 'refund_due' });
    expect(await product(p.id)).toMatchObject({ stock: 3, available: 0 });
    expect(await counter('flash_sale_payment_refund_due_total')).toBe(refundsBefore + 1);
    // Final: nothing moves it again.
    await deliver(t, orderId, 'success', key()).expect(200, { result: 'ignored', order_status: 'refund_due' });
    await deliver(t, orderId, 'failed', key()).expect(200, { result: 'ignored', order_status: 'refund_due' });
    await cancel(orderId).expect(409);
    expect(await movements(p.id)).toEqual([
      ['order_created', -2, orderId],
      ['order_cancelled', 2, orderId],
    ]);
    await expectInvariants(t.dataSource, new Map([[p.id, 3]]));
  });

  it('does not let holds that have already expired stand between a late payment and the units', async () => {
    const p = await newProduct(t.dataSource, { stock: 2 });
    const { orderId } = await holdAndOrder(t, p.id, 2);
    await cancel(orderId).expect(200);
    await newHold(t.dataSource, p, { qty: 2, expiresAt: new Date(t.clock.now().getTime() - 1000) });
    await deliver(t, orderId, 'success', key()).expect(200, { result: 'processed', order_status: 'paid' });
    expect(await product(p.id)).toMatchObject({ stock: 0, available: 0 });
    await expectInvariants(t.dataSource, new Map([[p.id, 2]]));
  });

  it('ignores a failed delivery for an expired order; a pending one past pay_by is expired first', async () => {
    const p = await newProduct(t.dataSource, { stock: 5 });
    const swept = await holdAndOrder(t, p.id, 1);
    t.clock.advance(TIMEOUT + 1);
    expect((await t.orderSweeper.expireOverdue()).expired).toContain(swept.orderId);
    // Past their deadline, and no sweep has run since.
    const past = new Date(t.clock.now().getTime() - 1000);
    const unswept = { orderId: (await newOrder(t.dataSource, p, { qty: 2, payBy: past })).id };
    const paidLate = { orderId: (await newOrder(t.dataSource, p, { qty: 1, payBy: past })).id };

    await deliver(t, swept.orderId, 'failed', key()).expect(200, { result: 'ignored', order_status: 'expired' });
    await deliver(t, unswept.orderId, 'failed', key()).expect(200, { result: 'ignored', order_status: 'expired' });
    await deliver(t, paidLate.orderId, 'success', key()).expect(200, { result: 'processed', order_status: 'paid' });
    expect(await storedStatus(unswept.orderId)).toBe('expired');
    expect(await product(p.id)).toMatchObject({ stock: 4 });
    expect((await movements(p.id)).filter(([, , id]) => id === paidLate.orderId)).toEqual([
      ['order_created', -1, paidLate.orderId],
      ['order_expired', 1, paidLate.orderId],
      ['late_payment', -1, paidLate.orderId],
    ]);
    const [{ n }] = await t.dataSource.query(
      "SELECT COUNT(*) AS n FROM webhook_logs WHERE order_id = ? AND result = 'ignored' AND order_status = 'expired'",
      [unswept.orderId],
    );
    expect(Number(n)).toBe(1);
    await expectInvariants(t.dataSource, new Map([[p.id, 5]]));
  });

  it('ends every race of cancel, success webhook and sweep on one order in exactly one outcome', async () => {
    const ROUNDS = 30;
    const p = await newProduct(t.dataSource, { stock: ROUNDS });
    const orders: Array<{ orderId: string }> = [];
    for (let i = 0; i < ROUNDS / 2; i++) orders.push(await holdAndOrder(t, p.id, 1));
    // The other half are past their deadline when the race starts, so the sweep has work too.
    const past = new Date(t.clock.now().getTime() - 1000);
    for (let i = 0; i < ROUNDS / 2; i++) orders.push({ orderId: (await newOrder(t.dataSource, p, { payBy: past })).id });
    // With each race a buyer tries to grab the unit a cancel or an expiry gives back, so some late
    // payments find it gone.
    const races = await Promise.all(
      orders.map(async ({ orderId }) => {
        const [cancelled, paid] = await Promise.all([
          cancel(orderId),
          deliver(t, orderId, 'success', key()),
          t.orderSweeper.expireOverdue(),
          request(t.url).post('/api/holds').send({ product_id: p.id, qty: 1 }),
        ]);
        return { orderId, cancelled, paid };
      }),
    );
    for (const { orderId, cancelled, paid } of races) {
      expect(paid.status).toBe(200);
      expect(paid.body.result).toBe('processed');
      const final = await storedStatus(orderId);
      // The webhook is the last move an order can make here: its answer is the final status.
      expect(final).toBe(paid.body.order_status);
      expect(['paid', 'refund_due']).toContain(final);
      if (cancelled.status === 200) expect(['cancelled', 'expired']).toContain(cancelled.body.status);
      else expect(cancelled.body).toMatchObject({ status: 409, code: 'order-not-cancellable' });
      const reasons = (await movements(p.id)).filter(([, , id]) => id === orderId).map(([reason]) => reason);
      const returned = reasons.filter((r) => r === 'order_cancelled' || r === 'order_expired');
      expect(returned.length).toBeLessThanOrEqual(1);
      if (final === 'refund_due') expect(reasons).toEqual(['order_created', returned[0]]);
      else if (returned.length === 0) expect(reasons).toEqual(['order_created']);
      else expect(reasons).toEqual(['order_created', returned[0], 'late_payment']);
    }
    await expectInvariants(t.dataSource, new Map([[p.id, ROUNDS]]));
  });

  it('keeps the ledger and invariant 1 under a mixed concurrent workload with expiries', async () => {
    const products = await Promise.all([newProduct(t.dataSource, { stock: 30 }), newProduct(t.dataSource, { stock: 12 })]);
    const sale = async (i: number) => {
      const p = products[i % 2];
      const hold = await request(t.url)
        .post('/api/holds')
        .send({ product_id: p.id, qty: 1 + (i % 2) });
      if (hold.status !== 201) return;
      const created = await request(t.url).post('/api/orders').send({ hold_id: hold.body.id });
      if (created.status !== 201) return;
      const id = created.body.id as string;
      switch (i % 5) {
        case 0:
          return deliver(t, id, 'success', key());
        case 1:
          return deliver(t, id, 'failed', key());
        case 2:
          return cancel(id);
        case 3:
          return Promise.all([cancel(id), deliver(t, id, 'success', key())]);
        default:
          return; // abandoned: expires below
      }
    };
    await Promise.all([...Array.from({ length: 40 }, (_, i) => sale(i)), t.orderSweeper.expireOverdue()]);
    t.clock.advance(TIMEOUT + 1);
    await Promise.all([
      t.orderSweeper.expireOverdue(),
      t.sweeper.claimExpired(),
      ...Array.from({ length: 10 }, (_, i) => sale(i)),
    ]);
    // Some abandoned orders pay late, after the sweep.
    const expired = await queryRows<{ id: string }>(
      t.dataSource,
      "SELECT id FROM orders WHERE status = 'expired' AND product_id IN (?)",
      [products.map((p) => p.id)],
    );
    await Promise.all(expired.map(({ id }) => deliver(t, id, 'success', key()).expect(200)));
    await expectInvariants(t.dataSource, new Map(products.map((p) => [p.id, p.stock])));
  });

  async function counter(name: string): Promise<number> {
    const text = (await request(t.url).get('/metrics').expect(200)).text;
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ')[1]) : 0;
  }
});
