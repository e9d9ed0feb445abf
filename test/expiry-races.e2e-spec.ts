import request from 'supertest';
import { expectInvariants } from './support/invariants';
import { newProduct } from './support/factories';
import { holdProductWrites } from './support/product-writes';
import { startTestApp, TestApp } from './support/test-app';

const TTL_SECONDS = 60;

/**
 * Every decision about expiry is taken with the time at which the locks are held: a request that
 * waited for them across a hold's expiry is decided as of after the expiry, never as of when it
 * arrived. The waits are staged by holding the product's writes (row lock on MySQL, the single
 * writer on SQLite) while the fake clock jumps over the expiry.
 */
describe('expiry races (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ HOLD_TTL_SECONDS: String(TTL_SECONDS) });
  });
  afterAll(() => t.close());

  async function holdStatus(holdId: string): Promise<string> {
    const [row] = await t.dataSource.query('SELECT status FROM holds WHERE id = ?', [holdId]);
    return row.status;
  }

  async function product(id: number) {
    return (await request(t.url).get(`/api/products/${id}`).expect(200)).body;
  }

  it('a release of an overdue hold answers 200 "expired", counts its units back once, and the hold stays expired', async () => {
    const p = await newProduct(t.dataSource, { stock: 4 });
    const hold = (await request(t.url).post('/api/holds').send({ product_id: p.id, qty: 3 }).expect(201)).body;
    t.clock.advance(TTL_SECONDS + 1);
    await request(t.url)
      .get(`/api/holds/${hold.id}`)
      .expect(200)
      .expect(({ body }) => expect(body.status).toBe('expired'));

    const released = await request(t.url).delete(`/api/holds/${hold.id}`).expect(200);
    expect(released.body).toEqual({ ...hold, status: 'expired' });
    expect(await holdStatus(hold.id)).toBe('expired');
    // Releasing again changes nothing: the same answer, the units not counted back twice.
    await request(t.url).delete(`/api/holds/${hold.id}`).expect(200, released.body);
    await request(t.url).get(`/api/holds/${hold.id}`).expect(200, released.body);
    const order = await request(t.url).post('/api/orders').send({ hold_id: hold.id }).expect(410);
    expect(order.body).toMatchObject({ status: 410, code: 'hold-expired' });
    expect((await t.sweeper.claimExpired()).expired).toBe(0);
    expect(await product(p.id)).toMatchObject({ stock: 4, available: 4 });
    await expectInvariants(t.dataSource, new Map([[p.id, 4]]));
  });

  it('a release that waited for the lock across the expiry answers "expired", and a later order is 410', async () => {
    const p = await newProduct(t.dataSource, { stock: 2 });
    const hold = (await request(t.url).post('/api/holds').send({ product_id: p.id, qty: 2 }).expect(201)).body;

    const writes = await holdProductWrites(t, p.id);
    const release = request(t.url)
      .delete(`/api/holds/${hold.id}`)
      .then((res) => res);
    await writes.waitForWaiters(1);
    t.clock.advance(TTL_SECONDS + 1);
    await writes.release();

    const released = await release;
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ id: hold.id, status: 'expired' });
    expect(await holdStatus(hold.id)).toBe('expired');
    await request(t.url).post('/api/orders').send({ hold_id: hold.id }).expect(410);
    expect(await product(p.id)).toMatchObject({ stock: 2, available: 2 });
    await expectInvariants(t.dataSource, new Map([[p.id, 2]]));
  });

  it('an order that waited for the lock across the expiry is 410, as a read of the hold meanwhile said', async () => {
    const p = await newProduct(t.dataSource, { stock: 3 });
    const hold = (await request(t.url).post('/api/holds').send({ product_id: p.id, qty: 2 }).expect(201)).body;

    const writes = await holdProductWrites(t, p.id);
    const order = request(t.url)
      .post('/api/orders')
      .send({ hold_id: hold.id })
      .then((res) => res);
    await writes.waitForWaiters(1);
    t.clock.advance(TTL_SECONDS + 1);
    // Sent while the order is still waiting: the hold is past its expiry now.
    const read = request(t.url)
      .get(`/api/holds/${hold.id}`)
      .then((res) => res);
    await writes.release();

    const [ordered, seen] = await Promise.all([order, read]);
    expect(seen.status).toBe(200);
    expect(seen.body.status).toBe('expired');
    expect(ordered.status).toBe(410);
    expect(ordered.body).toMatchObject({ code: 'hold-expired' });
    await request(t.url)
      .get(`/api/holds/${hold.id}`)
      .expect(200)
      .expect(({ body }) => expect(body.status).toBe('expired'));
    expect(await holdStatus(hold.id)).toBe('expired');
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM orders WHERE hold_id = ?', [hold.id]);
    expect(Number(n)).toBe(0);
    expect(await product(p.id)).toMatchObject({ stock: 3, available: 3 });
    await expectInvariants(t.dataSource, new Map([[p.id, 3]]));
  });

  it("a hold request that waited for the lock across another hold's expiry gets its units and a full lifetime", async () => {
    const p = await newProduct(t.dataSource, { stock: 2 });
    const first = (await request(t.url).post('/api/holds').send({ product_id: p.id, qty: 2 }).expect(201)).body;

    const writes = await holdProductWrites(t, p.id);
    const second = request(t.url)
      .post('/api/holds')
      .send({ product_id: p.id, qty: 2 })
      .then((res) => res);
    await writes.waitForWaiters(1);
    t.clock.advance(TTL_SECONDS + 1);
    const lockedAfter = t.clock.now().getTime();
    await writes.release();

    const granted = await second;
    expect(granted.status).toBe(201);
    // Its lifetime starts when it was decided (after the jump), not when it arrived.
    expect(Date.parse(granted.body.expires_at)).toBeGreaterThanOrEqual(lockedAfter + TTL_SECONDS * 1000);
    expect(await holdStatus(first.id)).toBe('expired');
    expect(await product(p.id)).toMatchObject({ stock: 2, available: 0 });
    await expectInvariants(t.dataSource, new Map([[p.id, 2]]));
  });
});
