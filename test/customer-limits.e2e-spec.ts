import request from 'supertest';
import { expectInvariants } from './support/invariants';
import { bearer, TEST_JWT_SECRET, tokenFor } from './support/auth';
import { newProduct } from './support/factories';
import { deliver } from './support/sale';
import { startTestApp, TestApp } from './support/test-app';

/** max_per_customer: one customer's units in active holds plus pending and paid orders. */
describe('per-customer limits (e2e)', () => {
  let t: TestApp;
  let keys = 0;

  beforeAll(async () => {
    t = await startTestApp({ AUTH_JWT_SECRET: TEST_JWT_SECRET, HOLD_TTL_SECONDS: '120' });
  });
  afterAll(() => t.close());

  async function limitedProduct(stock: number, limit: number): Promise<{ id: number }> {
    const product = await newProduct(t.dataSource, { stock });
    await t.dataSource.query('UPDATE products SET max_per_customer = ? WHERE id = ?', [limit, product.id]);
    return product;
  }

  const hold = async (sub: string, productId: number, qty = 1) =>
    request(t.url)
      .post('/api/holds')
      .set(bearer(await tokenFor(t, sub)))
      .send({ product_id: productId, qty });

  it('grants one customer exactly the limit out of 300 parallel requests; the others are unaffected', async () => {
    const product = await limitedProduct(100, 2);
    const token = bearer(await tokenFor(t, 'cus_greedy'));
    const responses = await Promise.all(
      Array.from({ length: 300 }, () => request(t.url).post('/api/holds').set(token).send({ product_id: product.id, qty: 1 })),
    );
    const granted = responses.filter((r) => r.status === 201);
    expect(granted).toHaveLength(2);
    for (const r of responses.filter((r) => r.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ code: 'customer-limit-reached', remaining: 0, max_per_customer: 2 });
    }
    // Another customer still gets their own two, and no more.
    expect((await hold('cus_other', product.id, 2)).status).toBe(201);
    const third = await hold('cus_other', product.id, 1);
    expect(third.status).toBe(409);
    expect(third.body.remaining).toBe(0);
    // More than the allowance in one request: refused with what remains.
    const big = await hold('cus_new', product.id, 3);
    expect(big.status).toBe(409);
    expect(big.body).toMatchObject({ code: 'customer-limit-reached', remaining: 2 });
    await request(t.url)
      .get(`/api/products/${product.id}`)
      .expect(200)
      .expect(({ body }) => expect(body.available).toBe(96));
    await expectInvariants(t.dataSource, new Map([[product.id, 100]]));
  });

  it('gives the allowance back after a release, an expiry, a cancel and a failed payment; a paid order keeps counting', async () => {
    const product = await limitedProduct(50, 2);
    const sub = 'cus_cycle';
    const auth = bearer(await tokenFor(t, sub, { ttlSeconds: 3600 }));
    const take = () => request(t.url).post('/api/holds').set(auth).send({ product_id: product.id, qty: 1 });
    const refusedAtLimit = async () => {
      const res = await take();
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('customer-limit-reached');
    };

    // Release.
    const a = (await take().expect(201)).body;
    await take().expect(201);
    await refusedAtLimit();
    await request(t.url).delete(`/api/holds/${a.id}`).set(auth).expect(200);
    const c = (await take().expect(201)).body;
    await refusedAtLimit();

    // Expiry: no sweep needed, the hold attempt itself sees the holds are over.
    t.clock.advance(121);
    const d = (await take().expect(201)).body;
    const e = (await take().expect(201)).body;
    await refusedAtLimit();
    expect(c.id).not.toBe(d.id);

    // Pending orders count; cancelling one gives its unit back.
    const orderD = (await request(t.url).post('/api/orders').set(auth).send({ hold_id: d.id }).expect(201)).body;
    const orderE = (await request(t.url).post('/api/orders').set(auth).send({ hold_id: e.id }).expect(201)).body;
    await refusedAtLimit();
    await request(t.url).post(`/api/orders/${orderD.id}/cancel`).set(auth).expect(200);
    const f = (await take().expect(201)).body;
    await refusedAtLimit();

    // A failed payment gives its unit back; a paid order keeps it.
    await deliver(t, orderE.id, 'failed', `evt_limit_${++keys}`).expect(200);
    const g = (await take().expect(201)).body;
    await refusedAtLimit();
    const orderF = (await request(t.url).post('/api/orders').set(auth).send({ hold_id: f.id }).expect(201)).body;
    await deliver(t, orderF.id, 'success', `evt_limit_${++keys}`).expect(200, { result: 'processed', order_status: 'paid' });
    await request(t.url).delete(`/api/holds/${g.id}`).set(auth).expect(200);
    await take().expect(201);
    await refusedAtLimit();
    await expectInvariants(t.dataSource, new Map([[product.id, 50]]));
  });

  it('counts per product: a limit on one product says nothing about another', async () => {
    const limited = await limitedProduct(10, 1);
    const free = await newProduct(t.dataSource, { stock: 10 });
    expect((await hold('cus_two', limited.id)).status).toBe(201);
    expect((await hold('cus_two', limited.id)).status).toBe(409);
    expect((await hold('cus_two', free.id, 5)).status).toBe(201);
    expect((await hold('cus_two', free.id, 5)).status).toBe(201);
    await expectInvariants(
      t.dataSource,
      new Map([
        [limited.id, 10],
        [free.id, 10],
      ]),
    );
  });

  it('does not apply to anonymous requests (auth off: there is no customer to count)', async () => {
    const anonymous = await startTestApp();
    try {
      const product = await newProduct(anonymous.dataSource, { stock: 10 });
      await anonymous.dataSource.query('UPDATE products SET max_per_customer = 1 WHERE id = ?', [product.id]);
      await request(anonymous.url).post('/api/holds').send({ product_id: product.id, qty: 3 }).expect(201);
      await request(anonymous.url).post('/api/holds').send({ product_id: product.id, qty: 3 }).expect(201);
    } finally {
      await anonymous.close();
    }
  });
});
