import request from 'supertest';
import { expectInvariants } from './support/invariants';
import { newHold, newProduct } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { expectStormOutcome } from './support/storm';

describe('holds (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ HOLD_TTL_SECONDS: '120' });
  });
  afterAll(() => t.close());

  it('reserves units: 201, a UUIDv7 id, and available drops at once', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const res = await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 2 }).expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      product_id: product.id,
      qty: 2,
      status: 'active',
      expires_at: expect.any(String),
      customer_id: null,
    });
    const expiresIn = Date.parse(res.body.expires_at) - t.clock.now().getTime();
    expect(expiresIn).toBeGreaterThan(118_000);
    expect(expiresIn).toBeLessThanOrEqual(120_000);

    const read = await request(t.url).get(`/api/products/${product.id}`).expect(200);
    expect(read.body).toMatchObject({ stock: 5, available: 3 });
    await request(t.url).get(`/api/holds/${res.body.id}`).expect(200, res.body);
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('answers 409 with the available count when the stock is short, and changes nothing', async () => {
    const product = await newProduct(t.dataSource, { stock: 3 });
    await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 2 }).expect(201);
    const res = await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 2 }).expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 409, available: 1, code: 'insufficient-stock' });
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM holds WHERE product_id = ?', [product.id]);
    expect(Number(n)).toBe(1);
    await expectInvariants(t.dataSource, new Map([[product.id, 3]]));
  });

  it('gives exactly the stock to 300 truly parallel requests', async () => {
    const product = await newProduct(t.dataSource, { stock: 50 });
    const responses = await Promise.all(
      Array.from({ length: 300 }, () => request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 })),
    );
    expectStormOutcome(responses, 50);
    const [{ held }] = await t.dataSource.query("SELECT SUM(qty) AS held FROM holds WHERE product_id = ? AND status = 'active'", [
      product.id,
    ]);
    expect(Number(held)).toBe(50);
    await expectInvariants(t.dataSource, new Map([[product.id, 50]]));
  });

  it('never lets an overdue hold block a new one, even before any sweep', async () => {
    const product = await newProduct(t.dataSource, { stock: 4 });
    await newHold(t.dataSource, product, { qty: 4, expiresAt: new Date(Date.now() - 1000) });
    await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 4 }).expect(201);
    const [{ expired }] = await t.dataSource.query(
      "SELECT COUNT(*) AS expired FROM holds WHERE product_id = ? AND status = 'expired'",
      [product.id],
    );
    expect(Number(expired)).toBe(1);
    await expectInvariants(t.dataSource, new Map([[product.id, 4]]));
  });
});
