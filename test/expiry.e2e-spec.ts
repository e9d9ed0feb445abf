import request from 'supertest';
import { expectInvariants } from './support/invariants';
import { newProduct } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { expectStormOutcome } from './support/storm';

// A 60-second TTL that the fake clock jumps over: expiry is tested without sleeping.
describe('hold expiry (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ HOLD_TTL_SECONDS: '60' });
  });
  afterAll(() => t.close());

  async function product(id: number) {
    return (await request(t.url).get(`/api/products/${id}`).expect(200)).body;
  }

  it('sweeps expired holds: availability comes back, the hold reads expired, a conversion gets 410', async () => {
    const p = await newProduct(t.dataSource, { stock: 5 });
    const hold = await request(t.url).post('/api/holds').send({ product_id: p.id, qty: 4 }).expect(201);
    expect(await product(p.id)).toMatchObject({ stock: 5, available: 1 });

    t.clock.advance(61);
    // Reported expired at once, before any sweep.
    await request(t.url)
      .get(`/api/holds/${hold.body.id}`)
      .expect(200)
      .expect(({ body }) => {
        expect(body.status).toBe('expired');
      });
    const swept = await t.sweeper.claimExpired();
    expect(swept).toMatchObject({ expired: 1, products: [p.id] });
    expect(await product(p.id)).toMatchObject({ stock: 5, available: 5 });

    const res = await request(t.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(410);
    expect(res.body).toMatchObject({ status: 410, code: 'hold-expired' });
    expect((await t.sweeper.claimExpired()).expired).toBe(0);
    await expectInvariants(t.dataSource, new Map([[p.id, 5]]));
  });

  it('answers 410 for an overdue hold even before any sweep, and puts its units back', async () => {
    const p = await newProduct(t.dataSource, { stock: 3 });
    const hold = await request(t.url).post('/api/holds').send({ product_id: p.id, qty: 3 }).expect(201);
    t.clock.advance(61);
    await request(t.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(410);
    await request(t.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(410);
    expect(await product(p.id)).toMatchObject({ stock: 3, available: 3 });
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM orders WHERE hold_id = ?', [hold.body.id]);
    expect(Number(n)).toBe(0);
    await expectInvariants(t.dataSource, new Map([[p.id, 3]]));
  });

  it('never fails a hold attempt because of holds that have already expired', async () => {
    const p = await newProduct(t.dataSource, { stock: 10 });
    await Promise.all(
      Array.from({ length: 10 }, () => request(t.url).post('/api/holds').send({ product_id: p.id, qty: 1 }).expect(201)),
    );
    await request(t.url).post('/api/holds').send({ product_id: p.id, qty: 1 }).expect(409);
    t.clock.advance(61);
    const second = await Promise.all(
      Array.from({ length: 30 }, () => request(t.url).post('/api/holds').send({ product_id: p.id, qty: 1 })),
    );
    expectStormOutcome(second, 10);
    await expectInvariants(t.dataSource, new Map([[p.id, 10]]));
  });

  it('releases a hold at once (200, units back) and releasing twice is fine; a converted hold cannot be released', async () => {
    const p = await newProduct(t.dataSource, { stock: 2 });
    const hold = await request(t.url).post('/api/holds').send({ product_id: p.id, qty: 2 }).expect(201);
    const released = await request(t.url).delete(`/api/holds/${hold.body.id}`).expect(200);
    expect(released.body).toEqual({ ...hold.body, status: 'released' });
    await request(t.url).delete(`/api/holds/${hold.body.id}`).expect(200, released.body);
    expect(await product(p.id)).toMatchObject({ available: 2 });

    const other = await request(t.url).post('/api/holds').send({ product_id: p.id, qty: 1 }).expect(201);
    await request(t.url).post('/api/orders').send({ hold_id: other.body.id }).expect(201);
    const refused = await request(t.url).delete(`/api/holds/${other.body.id}`).expect(409);
    expect(refused.body).toMatchObject({ code: 'hold-converted' });
    await request(t.url).delete('/api/holds/01a21187-0000-7000-8000-000000000000').expect(404);
    await expectInvariants(t.dataSource, new Map([[p.id, 2]]));
  });

  it('expires each overdue hold exactly once when sweeps, conversions and hold attempts race', async () => {
    const p = await newProduct(t.dataSource, { stock: 50 });
    const holds = await Promise.all(
      Array.from({ length: 50 }, () => request(t.url).post('/api/holds').send({ product_id: p.id, qty: 1 }).expect(201)),
    );
    t.clock.advance(61);
    await Promise.all([
      t.sweeper.claimExpired(),
      ...holds.slice(0, 20).map((h) => request(t.url).post('/api/orders').send({ hold_id: h.body.id }).expect(410)),
      ...Array.from({ length: 20 }, () => request(t.url).post('/api/holds').send({ product_id: p.id, qty: 2 }).expect(201)),
      t.sweeper.claimExpired(),
    ]);
    await t.sweeper.claimExpired();
    const [{ expired }] = await t.dataSource.query(
      "SELECT COUNT(*) AS expired FROM holds WHERE product_id = ? AND status = 'expired'",
      [p.id],
    );
    expect(Number(expired)).toBe(50);
    expect(await product(p.id)).toMatchObject({ stock: 50, available: 10 });
    await expectInvariants(t.dataSource, new Map([[p.id, 50]]));
  });
});
