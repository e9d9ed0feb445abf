import request from 'supertest';
import { expectInvariants } from './support/invariants';
import { newProduct } from './support/factories';
import { holdAndOrder } from './support/sale';
import { startTestApp, TestApp } from './support/test-app';

describe('orders (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('converts a hold: 201, amount in cents-exact decimal, units leave stock in the same transaction', async () => {
    const product = await newProduct(t.dataSource, { stock: 10, price: '19.99' });
    const hold = await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 3 }).expect(201);
    const res = await request(t.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      hold_id: hold.body.id,
      product_id: product.id,
      qty: 3,
      amount: '59.97',
      status: 'pending',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      pay_by: expect.any(String),
      customer_id: null,
    });
    // ORDER_PAYMENT_TIMEOUT_SECONDS defaults to 900.
    expect(Date.parse(res.body.pay_by) - Date.parse(res.body.created_at)).toBe(900_000);
    await request(t.url)
      .get(`/api/products/${product.id}`)
      .expect(200)
      .expect(({ body }) => {
        expect(body).toMatchObject({ stock: 7, available: 7 });
      });
    await request(t.url)
      .get(`/api/holds/${hold.body.id}`)
      .expect(200)
      .expect(({ body }) => {
        expect(body.status).toBe('converted');
      });
    await request(t.url).get(`/api/orders/${res.body.id}`).expect(200, res.body);
    await expectInvariants(t.dataSource, new Map([[product.id, 10]]));
  });

  it('returns the same order with 200 for the same hold again', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const { holdId, orderId } = await holdAndOrder(t, product.id, 2);
    const again = await request(t.url).post('/api/orders').send({ hold_id: holdId }).expect(200);
    expect(again.body.id).toBe(orderId);
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM orders WHERE hold_id = ?', [holdId]);
    expect(Number(n)).toBe(1);
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('makes one order of 40 parallel conversions of one hold', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const hold = await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 2 }).expect(201);
    const responses = await Promise.all(
      Array.from({ length: 40 }, () => request(t.url).post('/api/orders').send({ hold_id: hold.body.id })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(39).fill(200), 201]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('decides a crowd of one product together: each active hold one order (201, then 200), an overdue one 410', async () => {
    const product = await newProduct(t.dataSource, { stock: 50, price: '2.50' });
    const overdue = await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 2 }).expect(201);
    // HOLD_TTL_SECONDS is 120: the first hold falls due while the others still run.
    t.clock.advance(100);
    const holds = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        request(t.url)
          .post('/api/holds')
          .send({ product_id: product.id, qty: 1 + (i % 3) })
          .expect(201),
      ),
    );
    t.clock.advance(30);
    const convert = (holdId: string) => request(t.url).post('/api/orders').send({ hold_id: holdId });
    const [late, ...answers] = await Promise.all([
      convert(overdue.body.id),
      ...holds.flatMap((h) => [convert(h.body.id), convert(h.body.id)]),
    ]);
    expect(late.status).toBe(410);
    expect(late.body).toMatchObject({ status: 410, code: 'hold-expired' });
    for (const [i, hold] of holds.entries()) {
      const [a, b] = [answers[2 * i], answers[2 * i + 1]];
      expect([a.status, b.status].sort()).toEqual([200, 201]);
      expect(a.body.id).toBe(b.body.id);
      expect(a.body).toMatchObject({ hold_id: hold.body.id, qty: hold.body.qty, status: 'pending' });
      expect(a.body.amount).toBe((2.5 * hold.body.qty).toFixed(2));
    }
    const rows = await t.dataSource.query('SELECT hold_id FROM orders WHERE product_id = ?', [product.id]);
    expect(rows.map((r: { hold_id: string }) => r.hold_id).sort()).toEqual(holds.map((h) => h.body.id).sort());
    const [{ status }] = await t.dataSource.query('SELECT status FROM holds WHERE id = ?', [overdue.body.id]);
    expect(status).toBe('expired');
    await expectInvariants(t.dataSource, new Map([[product.id, 50]]));
  });

  it('refuses a released hold with 409 and an unknown hold with 404', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const hold = await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 }).expect(201);
    await request(t.url).delete(`/api/holds/${hold.body.id}`).expect(200);
    const released = await request(t.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(409);
    expect(released.body).toMatchObject({ status: 409, code: 'hold-released' });
    await request(t.url).post('/api/orders').send({ hold_id: '01a21187-0000-7000-8000-000000000000' }).expect(404);
    await request(t.url).post('/api/orders').send({ hold_id: 'not-a-hold' }).expect(404);
    await request(t.url).get('/api/orders/01a21187-0000-7000-8000-000000000000').expect(404);
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM orders WHERE product_id = ?', [product.id]);
    expect(Number(n)).toBe(0);
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('sells a whole stock through concurrent hold → order pairs with mixed quantities, never more', async () => {
    const product = await newProduct(t.dataSource, { stock: 60 });
    const buyers = Array.from({ length: 120 }, (_, i) => (i % 4) + 1);
    const results = await Promise.all(
      buyers.map(async (qty) => {
        const hold = await request(t.url).post('/api/holds').send({ product_id: product.id, qty });
        if (hold.status !== 201) return 0;
        const order = await request(t.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(201);
        return order.body.qty as number;
      }),
    );
    const sold = results.reduce((a, b) => a + b, 0);
    expect(sold).toBeLessThanOrEqual(60);
    // Quantities are 1..4, so a refused buyer means fewer than 4 units were left at that moment.
    expect(sold).toBeGreaterThan(56);
    await request(t.url)
      .get(`/api/products/${product.id}`)
      .expect(200)
      .expect(({ body }) => {
        expect(body.stock).toBe(60 - sold);
      });
    await expectInvariants(t.dataSource, new Map([[product.id, 60]]));
  });
});
