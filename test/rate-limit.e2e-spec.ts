import request from 'supertest';
import { newProduct } from './support/factories';
import { expectInvariants } from './support/invariants';
import { startTestApp, TestApp } from './support/test-app';

function expectRateLimited(res: request.Response): void {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 429, code: 'rate-limited' });
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

describe('rate limits per client IP, in-process counters (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '3', WEBHOOK_RATE_LIMIT_PER_MINUTE: '2' });
  });
  afterAll(() => t.close());

  it('refuses POSTs past the limit with 429 and Retry-After, changes nothing, and leaves GETs and the webhook alone', async () => {
    const product = await newProduct(t.dataSource, { stock: 10 });
    for (let i = 0; i < 3; i++) {
      await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 }).expect(201);
    }
    expectRateLimited(await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 }));
    // One allowance for all API POST routes.
    expectRateLimited(await request(t.url).post('/api/orders').send({ hold_id: 'x' }));
    for (let i = 0; i < 10; i++) await request(t.url).get(`/api/products/${product.id}`).expect(200);

    const delivery = { order_id: '00000000-0000-7000-8000-000000000000', status: 'success', idempotency_key: 'evt_rl' };
    await request(t.url).post('/api/payments/webhook').send(delivery).expect(404);
    await request(t.url).post('/api/payments/webhook').send(delivery).expect(404);
    expectRateLimited(await request(t.url).post('/api/payments/webhook').send(delivery));

    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM holds WHERE product_id = ?', [product.id]);
    expect(Number(n)).toBe(3);
    await expectInvariants(t.dataSource, new Map([[product.id, 10]]));
  });

  it('sends security headers (helmet) on answers and refusals alike', async () => {
    for (const res of [await request(t.url).get('/health'), await request(t.url).get('/api/products/abc')]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
      expect(res.headers['content-security-policy']).toBeDefined();
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    }
  });
});

describe('rate limits while Redis is unreachable (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Nothing listens on port 1: every counter update fails, and the process counts for itself.
    t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_PER_MINUTE: '2' });
  });
  afterAll(() => t.close());

  it("keeps serving and still limits, on the process's own counters", async () => {
    const product = await newProduct(t.dataSource, { stock: 10 });
    await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 }).expect(201);
    await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 }).expect(201);
    expectRateLimited(await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 }));
    await expectInvariants(t.dataSource, new Map([[product.id, 10]]));
  });
});
