import request from 'supertest';
import { toSqlDateTime } from '../src/database/sql';
import { expectInvariants } from './support/invariants';
import { newProduct } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

/** sale_starts_at / sale_ends_at, decided by the service's (here: fake) clock. */
describe('sale windows (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Cached for an hour: only a change (never the TTL) refreshes a product read, and on_sale must flip anyway.
    t = await startTestApp({ CACHE_TTL_SECONDS: '3600' });
  });
  afterAll(() => t.close());

  async function windowedProduct(stock: number, startsInSeconds: number | null, endsInSeconds: number | null) {
    const product = await newProduct(t.dataSource, { stock });
    const at = (seconds: number | null) => (seconds === null ? null : new Date(t.clock.now().getTime() + seconds * 1000));
    await t.dataSource.query('UPDATE products SET sale_starts_at = ?, sale_ends_at = ? WHERE id = ?', [
      ...[at(startsInSeconds), at(endsInSeconds)].map((date) => (date === null ? null : toSqlDateTime(date))),
      product.id,
    ]);
    return product;
  }
  const hold = (productId: number) => request(t.url).post('/api/holds').send({ product_id: productId, qty: 1 });

  it('refuses before the start with starts_at and Retry-After, sells inside, refuses after the end', async () => {
    const product = await windowedProduct(10, 90, 300);
    const early = await hold(product.id);
    expect(early.status).toBe(409);
    expect(early.headers['content-type']).toMatch(/^application\/problem\+json/);
    const startsAt = (await request(t.url).get(`/api/products/${product.id}`)).body.sale_starts_at;
    expect(early.body).toMatchObject({ code: 'sale-not-started', starts_at: startsAt });
    expect(Number(early.headers['retry-after'])).toBeGreaterThanOrEqual(89);
    expect(Number(early.headers['retry-after'])).toBeLessThanOrEqual(90);

    t.clock.advance(90);
    await hold(product.id).expect(201);

    t.clock.advance(210);
    const late = await hold(product.id);
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'sale-ended', ends_at: expect.any(String) });
    expect(late.headers['retry-after']).toBeUndefined();
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM holds WHERE product_id = ?', [product.id]);
    expect(Number(n)).toBe(1);
    await expectInvariants(t.dataSource, new Map([[product.id, 10]]));
  });

  it('flips on_sale at both boundaries even while the product is served from the cache', async () => {
    const product = await windowedProduct(10, 30, 60);
    const before = (await request(t.url).get(`/api/products/${product.id}`).expect(200)).body;
    expect(before.on_sale).toBe(false);
    t.clock.advance(30);
    const during = (await request(t.url).get(`/api/products/${product.id}`).expect(200)).body;
    expect(during).toEqual({ ...before, on_sale: true });
    t.clock.advance(30);
    const after = (await request(t.url).get(`/api/products/${product.id}`).expect(200)).body;
    expect(after).toEqual({ ...before, on_sale: false });
    const listed = await request(t.url)
      .get(`/api/products?after_id=${product.id - 1}&limit=1`)
      .expect(200);
    expect(listed.body.data[0]).toEqual(after);
  });

  it('opens while requests arrive: refused until the start, sold from then on, never more than the stock', async () => {
    const product = await windowedProduct(150, 5, null);
    let opened = false;
    const first = Array.from({ length: 100 }, () =>
      hold(product.id).then((res) => {
        // The first answer comes back: open the sale while the rest are still on their way.
        if (!opened) {
          opened = true;
          t.clock.advance(5);
        }
        return res;
      }),
    );
    const firstAnswers = await Promise.all(first);
    const second = await Promise.all(Array.from({ length: 100 }, () => hold(product.id)));
    for (const res of firstAnswers.filter((r) => r.status !== 201)) {
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('sale-not-started');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(firstAnswers[0].status).toBe(409); // decided before the opening
    // After the opening nothing is refused for the window; the stock caps the rest.
    const sold = [...firstAnswers, ...second].filter((r) => r.status === 201).length;
    expect(sold).toBe(Math.min(150, firstAnswers.filter((r) => r.status === 201).length + 100));
    for (const res of second.filter((r) => r.status !== 201)) expect(res.body.code).toBe('insufficient-stock');
    const [{ n }] = await t.dataSource.query("SELECT COUNT(*) AS n FROM holds WHERE product_id = ? AND status = 'active'", [
      product.id,
    ]);
    expect(Number(n)).toBe(sold);
    await expectInvariants(t.dataSource, new Map([[product.id, 150]]));
  });
});
