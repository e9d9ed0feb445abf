import Redis from 'ioredis';
import request from 'supertest';
import { newProduct } from '../support/factories';
import { expectInvariants } from '../support/invariants';
import { startTestApp, TestApp } from '../support/test-app';
import { newDatabaseUrl } from '../support/test-database';

// Two instances on one database: MySQL only (a SQLite file serves one instance). The other
// rate-limit tests (../rate-limit.e2e-spec.ts) run on both engines.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function expectRateLimited(res: request.Response): void {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 429, code: 'rate-limited' });
}

describe('rate limits shared through Redis by two instances (e2e)', () => {
  const databaseUrl = newDatabaseUrl();
  const namespace = new URL(databaseUrl).pathname.slice(1);
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    const env = { DATABASE_URL: databaseUrl, REDIS_URL, RATE_LIMIT_PER_MINUTE: '4' };
    a = await startTestApp(env);
    b = await startTestApp(env);
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await b?.close();
    await a?.close();
  });

  it('counts a client once across instances, under keys namespaced by the database name', async () => {
    const product = await newProduct(a.dataSource, { stock: 10 });
    const hold = () => ({ product_id: product.id, qty: 1 });
    await request(a.url).post('/api/holds').send(hold()).expect(201);
    await request(b.url).post('/api/holds').send(hold()).expect(201);
    await request(a.url).post('/api/holds').send(hold()).expect(201);
    await request(b.url).post('/api/holds').send(hold()).expect(201);
    expectRateLimited(await request(a.url).post('/api/holds').send(hold()));
    expectRateLimited(await request(b.url).post('/api/holds').send(hold()));

    const keys = await redis.keys(`${namespace}:rate-limit:*`);
    expect(keys.length).toBeGreaterThan(0);
    // A window's counter expires with the window (at most a minute), never lives on.
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
    await expectInvariants(a.dataSource, new Map([[product.id, 10]]));
  });
});
