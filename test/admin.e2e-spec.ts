import request from 'supertest';
import { expectInvariants } from './support/invariants';
import { bearer, TEST_ADMIN_KEY, TEST_JWT_SECRET, tokenFor } from './support/auth';
import { newProduct } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

const admin = bearer(TEST_ADMIN_KEY);

describe('admin API disabled (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers 404 on every admin route when neither ADMIN_API_KEY nor customer auth is configured', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const routes = [
      request(t.url).post('/api/admin/products').set(admin).send({ name: 'x', price: '1.00', stock: 1 }),
      request(t.url).patch(`/api/admin/products/${product.id}`).set(admin).send({ name: 'y' }),
      request(t.url).post(`/api/admin/products/${product.id}/stock`).set(admin).send({ delta: 5, reason: 'restock' }),
      request(t.url).get(`/api/admin/products/${product.id}/movements`).set(admin),
      request(t.url).get('/api/admin/orders').set(admin),
      request(t.url).post('/api/admin/orders/01936a4f-2f4a-7d3b-b1d6-2a5c8f0e91c4/cancel').set(admin),
    ];
    for (const res of await Promise.all(routes)) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 404, code: 'not-found' });
    }
    const [row] = await t.dataSource.query('SELECT name, stock FROM products WHERE id = ?', [product.id]);
    expect({ name: row.name, stock: Number(row.stock) }).toEqual({ name: product.name, stock: 5 });
  });
});

describe('admin API (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ADMIN_API_KEY: TEST_ADMIN_KEY, AUTH_JWT_SECRET: TEST_JWT_SECRET, CACHE_TTL_SECONDS: '3600' });
  });
  afterAll(() => t.close());

  it('answers 401 without or with a wrong credential, 403 to a customer token, and lets an admin token in', async () => {
    const none = await request(t.url).get('/api/admin/orders');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    for (const wrong of [`${TEST_ADMIN_KEY}x`, TEST_ADMIN_KEY.slice(0, -1), 'short', 'not.a.jwt']) {
      const res = await request(t.url).get('/api/admin/orders').set(bearer(wrong));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthorized');
    }
    const customer = await request(t.url)
      .get('/api/admin/orders')
      .set(bearer(await tokenFor(t, 'cus_1')));
    expect(customer.status).toBe(403);
    expect(customer.body.code).toBe('forbidden');
    await request(t.url)
      .get('/api/admin/orders')
      .set(bearer(await tokenFor(t, 'ops_1', { admin: true })))
      .expect(200);
    await request(t.url).get('/api/admin/orders').set(admin).expect(200);
  });

  it('creates a product with its window and limit, and refuses bad bodies without creating anything', async () => {
    const res = await request(t.url)
      .post('/api/admin/products')
      .set(admin)
      .send({ name: 'Drop', price: '120.00', stock: 30, sale_starts_at: '2020-01-01T00:00:00.000Z', max_per_customer: 2 })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      name: 'Drop',
      price: '120.00',
      stock: 30,
      available: 30,
      sale_starts_at: '2020-01-01T00:00:00.000Z',
      sale_ends_at: null,
      on_sale: true,
      max_per_customer: 2,
    });
    await request(t.url).get(`/api/products/${res.body.id}`).expect(200, res.body);

    const [{ n: before }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM products');
    const bad = [
      { name: 'x', price: 12, stock: 1 },
      { name: 'x', price: '12.5', stock: 1 },
      { name: 'x', price: '12.00', stock: -1 },
      { name: '', price: '12.00', stock: 1 },
      { name: 'x', price: '12.00', stock: 1, max_per_customer: 0 },
      { name: 'x', price: '12.00', stock: 1, sale_starts_at: 'tomorrow' },
      { name: 'x', price: '12.00', stock: 1, sale_starts_at: '2026-12-01T10:00:00' },
      { name: 'x', price: '12.00', stock: 1, sale_starts_at: '2026-12-02T00:00:00Z', sale_ends_at: '2026-12-01T00:00:00Z' },
      { name: 'x', price: '12.00', stock: 1, reserved: 3 },
    ];
    for (const body of bad) {
      const r = await request(t.url).post('/api/admin/products').set(admin).send(body);
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const [{ n: after }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM products');
    expect(Number(after)).toBe(Number(before));
  });

  it('patches a product and the cached read shows it at once; null lifts a limit; bad patches change nothing', async () => {
    const product = await newProduct(t.dataSource, { stock: 8, price: '10.00' });
    await request(t.url).get(`/api/products/${product.id}`).expect(200); // now cached for an hour
    const patched = await request(t.url)
      .patch(`/api/admin/products/${product.id}`)
      .set(admin)
      .send({ name: 'Renamed', price: '12.50', max_per_customer: 3, sale_ends_at: '2099-01-01T00:00:00Z' })
      .expect(200);
    expect(patched.body).toMatchObject({
      name: 'Renamed',
      price: '12.50',
      max_per_customer: 3,
      sale_ends_at: '2099-01-01T00:00:00.000Z',
    });
    await request(t.url).get(`/api/products/${product.id}`).expect(200, patched.body);

    await request(t.url).patch(`/api/admin/products/${product.id}`).set(admin).send({ name: null }).expect(400);
    await request(t.url).patch(`/api/admin/products/${product.id}`).set(admin).send({ stock: 99 }).expect(400);
    await request(t.url)
      .patch(`/api/admin/products/${product.id}`)
      .set(admin)
      .send({ sale_starts_at: '2099-06-01T00:00:00Z' }) // after the end already set
      .expect(400);
    const lifted = await request(t.url)
      .patch(`/api/admin/products/${product.id}`)
      .set(admin)
      .send({ max_per_customer: null })
      .expect(200);
    expect(lifted.body).toMatchObject({ name: 'Renamed', price: '12.50', max_per_customer: null, stock: 8 });
    await request(t.url).get(`/api/products/${product.id}`).expect(200, lifted.body);
    await request(t.url).patch('/api/admin/products/999999').set(admin).send({ name: 'x' }).expect(404);
    await request(t.url).patch('/api/admin/products/abc').set(admin).send({ name: 'x' }).expect(400);
  });

  it('restocks and writes off exactly while customers hold concurrently, never below reserved, and lists the ledger', async () => {
    const product = await newProduct(t.dataSource, { stock: 20 });
    await request(t.url).get(`/api/products/${product.id}`).expect(200); // cached
    const customer = bearer(await tokenFor(t, 'cus_stock'));
    const holds = Array.from({ length: 60 }, () =>
      request(t.url).post('/api/holds').set(customer).send({ product_id: product.id, qty: 1 }),
    );
    const restocks = Array.from({ length: 10 }, (_, i) =>
      request(t.url)
        .post(`/api/admin/products/${product.id}/stock`)
        .set(admin)
        .send({ delta: 3, reason: 'restock', note: `pallet ${i}` }),
    );
    const writeOffs = Array.from({ length: 10 }, () =>
      request(t.url).post(`/api/admin/products/${product.id}/stock`).set(admin).send({ delta: -1, reason: 'write_off' }),
    );
    const [holdRes, restockRes, writeOffRes] = await Promise.all([
      Promise.all(holds),
      Promise.all(restocks),
      Promise.all(writeOffs),
    ]);
    expect(restockRes.map((r) => r.status)).toEqual(Array(10).fill(200));
    const writtenOff = writeOffRes.filter((r) => r.status === 200).length;
    for (const r of writeOffRes.filter((r) => r.status !== 200)) expect(r.body.code).toBe('stock-below-reserved');
    const granted = holdRes.filter((r) => r.status === 201).length;
    for (const r of holdRes.filter((r) => r.status !== 201)) expect(r.body.code).toBe('insufficient-stock');
    const stock = 20 + 30 - writtenOff;
    expect(granted).toBeLessThanOrEqual(stock);
    const read = await request(t.url).get(`/api/products/${product.id}`).expect(200);
    expect(read.body).toMatchObject({ stock, available: stock - granted });

    // A write-off below what the holds claim is refused and changes nothing.
    const tooMuch = await request(t.url)
      .post(`/api/admin/products/${product.id}/stock`)
      .set(admin)
      .send({ delta: -(stock - granted + 1), reason: 'write_off' });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.code).toBe('stock-below-reserved');
    await request(t.url)
      .get(`/api/products/${product.id}`)
      .expect(200)
      .expect(({ body }) => expect(body.stock).toBe(stock));

    const movements = await request(t.url).get(`/api/admin/products/${product.id}/movements?limit=100`).set(admin).expect(200);
    const deltas = movements.body.data.map((m: { delta: number }) => m.delta);
    expect(deltas.filter((d: number) => d === 3)).toHaveLength(10);
    expect(deltas.filter((d: number) => d === -1)).toHaveLength(writtenOff);
    const ids = movements.body.data.map((m: { id: number }) => m.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a)); // newest first
    expect(movements.body.data.find((m: { note: string | null }) => m.note === 'pallet 0')).toMatchObject({
      product_id: product.id,
      reason: 'restock',
      order_id: null,
      created_at: expect.any(String),
    });
    const page = await request(t.url)
      .get(`/api/admin/products/${product.id}/movements?limit=3&before_id=${ids[2]}`)
      .set(admin)
      .expect(200);
    expect(page.body.data.map((m: { id: number }) => m.id)).toEqual(ids.slice(3, 6));
    await expectInvariants(t.dataSource, new Map([[product.id, 20]]));
  });

  it('refuses delta 0, a reason against the sign, a long note; 404 unknown product; replays an Idempotency-Key once', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const post = (body: object, key?: string) => {
      const req = request(t.url).post(`/api/admin/products/${product.id}/stock`).set(admin);
      if (key) req.set('idempotency-key', key);
      return req.send(body);
    };
    for (const body of [
      { delta: 0, reason: 'restock' },
      { delta: 5, reason: 'write_off' },
      { delta: -1, reason: 'restock' },
      { delta: 1, reason: 'restock', note: 'x'.repeat(501) },
      { delta: 1.5, reason: 'restock' },
      { delta: 1, reason: 'gift' },
    ]) {
      expect({ body, status: (await post(body)).status }).toEqual({ body, status: 400 });
    }
    await request(t.url).post('/api/admin/products/999999/stock').set(admin).send({ delta: 1, reason: 'restock' }).expect(404);

    const first = await post({ delta: 4, reason: 'restock' }, 'restock-1').expect(200);
    const again = await post({ delta: 4, reason: 'restock' }, 'restock-1').expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    await post({ delta: 5, reason: 'restock' }, 'restock-1').expect(422);
    // The same key from another admin credential is another request.
    await request(t.url)
      .post(`/api/admin/products/${product.id}/stock`)
      .set(bearer(await tokenFor(t, 'ops_2', { admin: true })))
      .set('idempotency-key', 'restock-1')
      .send({ delta: 4, reason: 'restock' })
      .expect(200)
      .expect(({ body }) => expect(body.stock).toBe(13));
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('lists every customer orders oldest first with filters and pages, and cancels any order', async () => {
    const product = await newProduct(t.dataSource, { stock: 10 });
    const other = await newProduct(t.dataSource, { stock: 10 });
    const orderIds: string[] = [];
    for (const [sub, productId] of [
      ['a', product.id],
      ['b', product.id],
      ['c', other.id],
      ['a', product.id],
    ] as const) {
      const auth = bearer(await tokenFor(t, sub));
      const hold = await request(t.url).post('/api/holds').set(auth).send({ product_id: productId, qty: 1 }).expect(201);
      const order = await request(t.url).post('/api/orders').set(auth).send({ hold_id: hold.body.id }).expect(201);
      orderIds.push(order.body.id);
    }
    const mine = (body: { data: Array<{ id: string }> }) => body.data.map((o) => o.id).filter((id) => orderIds.includes(id));
    const all = await request(t.url).get(`/api/admin/orders?product_id=${product.id}`).set(admin).expect(200);
    expect(all.body.data.map((o: { id: string }) => o.id)).toEqual([orderIds[0], orderIds[1], orderIds[3]]);
    expect(all.body.data[1]).toMatchObject({ customer_id: 'b', status: 'pending' });
    const page1 = await request(t.url).get(`/api/admin/orders?product_id=${product.id}&limit=2`).set(admin).expect(200);
    const page2 = await request(t.url)
      .get(`/api/admin/orders?product_id=${product.id}&limit=2&after_id=${page1.body.data[1].id}`)
      .set(admin)
      .expect(200);
    expect([...mine(page1.body), ...mine(page2.body)]).toEqual([orderIds[0], orderIds[1], orderIds[3]]);

    const cancelled = await request(t.url).post(`/api/admin/orders/${orderIds[1]}/cancel`).set(admin).expect(200);
    expect(cancelled.body).toMatchObject({ id: orderIds[1], status: 'cancelled', customer_id: 'b' });
    const byStatus = await request(t.url)
      .get(`/api/admin/orders?status=cancelled&product_id=${product.id}`)
      .set(admin)
      .expect(200);
    expect(byStatus.body.data.map((o: { id: string }) => o.id)).toEqual([orderIds[1]]);
    const pending = await request(t.url).get(`/api/admin/orders?status=pending&product_id=${product.id}`).set(admin).expect(200);
    expect(pending.body.data.map((o: { id: string }) => o.id)).toEqual([orderIds[0], orderIds[3]]);
    await request(t.url)
      .get(`/api/products/${product.id}`)
      .expect(200)
      .expect(({ body }) => expect(body.stock).toBe(8));
    for (const q of ['status=lost', 'limit=0', 'limit=101', 'product_id=x', 'after_id=1', 'color=red']) {
      await request(t.url).get(`/api/admin/orders?${q}`).set(admin).expect(400);
    }
    await request(t.url).post('/api/admin/orders/01936a4f-2f4a-7d3b-b1d6-2a5c8f0e91c4/cancel').set(admin).expect(404);
    await expectInvariants(
      t.dataSource,
      new Map([
        [product.id, 10],
        [other.id, 10],
      ]),
    );
  });
});
