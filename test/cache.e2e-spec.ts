import request from 'supertest';
import { ProductCache } from '../src/products/product-cache';
import { prepareProduct } from '../src/products/product-json';
import { expectInvariants } from './support/invariants';
import { newProduct } from './support/factories';
import { deliver } from './support/sale';
import { startTestApp, TestApp } from './support/test-app';

// A long TTL, so that only invalidation can explain a fresh read.
describe('product cache (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ CACHE_TTL_SECONDS: '300', HOLD_TTL_SECONDS: '60' });
  });
  afterAll(() => t.close());

  const read = async (id: number) => (await request(t.url).get(`/api/products/${id}`).expect(200)).body;

  it('serves repeated reads from the cache (a change behind its back stays unseen until the TTL)', async () => {
    const p = await newProduct(t.dataSource, { stock: 5 });
    expect(await read(p.id)).toMatchObject({ stock: 5 });
    await t.dataSource.query('UPDATE products SET stock = 6 WHERE id = ?', [p.id]);
    expect(await read(p.id)).toMatchObject({ stock: 5 });
  });

  it('reads the database again once an entry is older than CACHE_TTL_SECONDS', async () => {
    const p = await newProduct(t.dataSource, { stock: 5 });
    expect(await read(p.id)).toMatchObject({ stock: 5 });
    await t.dataSource.query('UPDATE products SET stock = 6 WHERE id = ?', [p.id]);
    t.clock.advance(299);
    expect(await read(p.id)).toMatchObject({ stock: 5 });
    t.clock.advance(1);
    expect(await read(p.id)).toMatchObject({ stock: 6 });
  });

  it('shows every hold, order, release, expiry and failed payment to the very next read', async () => {
    const p = await newProduct(t.dataSource, { stock: 10 });
    expect(await read(p.id)).toMatchObject({ stock: 10, available: 10 });

    const hold = await request(t.url).post('/api/holds').send({ product_id: p.id, qty: 3 }).expect(201);
    expect(await read(p.id)).toMatchObject({ stock: 10, available: 7 });

    const order = await request(t.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(201);
    expect(await read(p.id)).toMatchObject({ stock: 7, available: 7 });

    const released = await request(t.url).post('/api/holds').send({ product_id: p.id, qty: 2 }).expect(201);
    expect(await read(p.id)).toMatchObject({ available: 5 });
    await request(t.url).delete(`/api/holds/${released.body.id}`).expect(200);
    expect(await read(p.id)).toMatchObject({ available: 7 });

    await request(t.url).post('/api/holds').send({ product_id: p.id, qty: 4 }).expect(201);
    expect(await read(p.id)).toMatchObject({ available: 3 });
    t.clock.advance(61);
    await t.sweeper.claimExpired();
    expect(await read(p.id)).toMatchObject({ stock: 7, available: 7 });

    await deliver(t, order.body.id, 'failed', `evt_cache_${p.id}`).expect(200);
    expect(await read(p.id)).toMatchObject({ stock: 10, available: 10 });
    await expectInvariants(t.dataSource, new Map([[p.id, 10]]));
  });

  it('never lets a read that started before a write put its stale answer back after the write', async () => {
    const cache = t.app.get(ProductCache);
    const stale = {
      id: 999_001,
      name: 'x',
      price: '1.00',
      stock: 5,
      available: 5,
      sale_starts_at: null,
      sale_ends_at: null,
      max_per_customer: null,
    };
    const fresh = { ...stale, available: 4 };
    let finishSlowLoad!: () => void;
    let loadStarted!: () => void;
    const started = new Promise<void>((resolve) => (loadStarted = resolve));
    const slowRead = cache.read(
      stale.id,
      () =>
        new Promise((resolve) => {
          finishSlowLoad = () => resolve(stale);
          loadStarted();
        }),
    );
    await started;
    // The write commits and invalidates while the slow read is still loading the old row.
    await cache.invalidate(stale.id);
    finishSlowLoad();
    expect(await slowRead).toEqual(prepareProduct(stale));
    expect(await cache.read(stale.id, async () => fresh)).toEqual(prepareProduct(fresh));
  });
});
