import { Agent } from 'node:http';
import request from 'supertest';
import { newProduct } from './support/factories';
import { expectInvariants } from './support/invariants';
import { eventually } from './support/eventually';
import { deleteRedisKeys, testRedisUrl } from './support/redis';
import { startTestApp, TestApp } from './support/test-app';

// Each configuration variable that changes behaviour, set to a value other than its default and
// seen to act: a variable the code ignores (a hard-coded default) turns its test red.

/** Every timer but setInterval stays real: the app's I/O runs, only its interval jobs wait for us. */
const ONLY_INTERVALS = [
  'Date',
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'setImmediate',
  'clearImmediate',
  'setTimeout',
  'clearTimeout',
] as const;
/** Only the wall clock is fake: cache entries age when the test says so. */
const ONLY_DATE = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

describe('MAX_QTY_PER_HOLD=3 (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ MAX_QTY_PER_HOLD: '3' });
  });
  afterAll(() => t.close());

  it('grants qty 3 and refuses qty 4 with a 400 on qty that changes nothing', async () => {
    const product = await newProduct(t.dataSource, { stock: 20 });
    await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 3 }).expect(201);
    const refused = await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 4 }).expect(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.status).toBe(400);
    expect(refused.body.errors?.qty?.join(' ')).toMatch(/3/);
    const [{ held }] = await t.dataSource.query('SELECT COALESCE(SUM(qty), 0) AS held FROM holds WHERE product_id = ?', [
      product.id,
    ]);
    expect(Number(held)).toBe(3);
    await expectInvariants(t.dataSource, new Map([[product.id, 20]]));
  });
});

describe('HOLD_SWEEP_INTERVAL_SECONDS=2 (e2e, the interval timer driven by the test)', () => {
  let t: TestApp;

  beforeAll(async () => {
    jest.useFakeTimers({ doNotFake: [...ONLY_INTERVALS] });
    t = await startTestApp({ HOLD_SWEEP_INTERVAL_SECONDS: '2', HOLD_TTL_SECONDS: '30' });
  });
  afterAll(async () => {
    await t.close();
    jest.useRealTimers();
  });

  it('sweeps an overdue hold by itself when the interval has passed, and not before', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const hold = (await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 2 }).expect(201)).body;
    t.clock.advance(31);
    const status = async () => (await t.dataSource.query('SELECT status FROM holds WHERE id = ?', [hold.id]))[0].status as string;

    jest.advanceTimersByTime(1999);
    // A sweep started by the timer would be the only writer: a request round trip later it would show.
    await request(t.url).get('/health').expect(200);
    expect(await status()).toBe('active');
    expect(t.logs.events('holds_expired')).toHaveLength(0);

    jest.advanceTimersByTime(1);
    // No other sweep can run (the test calls none and the interval is fake): only the 2 s tick.
    // A timer on any other interval never fires here, and the wait fails saying what it saw.
    await eventually(
      'the 2 s tick sweeps the overdue hold and logs holds_expired',
      async () => (await status()) === 'expired' && t.logs.events('holds_expired').length === 1,
      async () => `hold status '${await status()}', ${t.logs.events('holds_expired').length} holds_expired event(s)`,
      30_000,
    );
    expect(t.logs.events('holds_expired')[0]).toMatchObject({ count: 1, products: [product.id] });
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });
});

describe('CACHE_TTL_SECONDS=2, in-process cache (e2e, the wall clock moved by the test)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ CACHE_TTL_SECONDS: '2' });
  });
  afterAll(async () => {
    jest.useRealTimers();
    await t.close();
  });

  it('serves the cached product until the TTL has passed, then the database value', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const read = async () => (await request(t.url).get(`/api/products/${product.id}`).expect(200)).body.stock as number;
    // The wall clock keeps running (advanceTimers) and the test adds jumps to it.
    jest.useFakeTimers({ doNotFake: [...ONLY_DATE], advanceTimers: true });
    expect(await read()).toBe(5);
    // Behind the service's back: only the entry's age can make it visible.
    await t.dataSource.query('UPDATE products SET stock = 9 WHERE id = ?', [product.id]);
    jest.setSystemTime(Date.now() + 1_000);
    expect(await read()).toBe(5);
    jest.setSystemTime(Date.now() + 1_100);
    expect(await read()).toBe(9);
  });
});

describe('RATE_LIMIT_PER_MINUTE=2, counted per client address (e2e)', () => {
  let t: TestApp;
  // Two clients on loopback: the service tells them apart by the socket's address.
  const second = new Agent({ localAddress: '127.0.0.2' });

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '2' });
  });
  afterAll(async () => {
    second.destroy();
    await t.close();
  });

  it("refuses the third POST of one address and leaves the other address's allowance whole", async () => {
    const product = await newProduct(t.dataSource, { stock: 10 });
    const hold = { product_id: product.id, qty: 1 };
    await request(t.url).post('/api/holds').send(hold).expect(201);
    await request(t.url).post('/api/holds').send(hold).expect(201);
    await request(t.url).post('/api/holds').send(hold).expect(429);

    await request(t.url).post('/api/holds').agent(second).send(hold).expect(201);
    await request(t.url).post('/api/holds').agent(second).send(hold).expect(201);
    const refused = await request(t.url).post('/api/holds').agent(second).send(hold).expect(429);
    expect(refused.body).toMatchObject({ status: 429, code: 'rate-limited' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM holds WHERE product_id = ?', [product.id]);
    expect(Number(n)).toBe(4);
    await expectInvariants(t.dataSource, new Map([[product.id, 10]]));
  });
});

describe('two deployments (two databases) sharing one Redis (e2e)', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const env = { REDIS_URL: testRedisUrl(), CACHE_TTL_SECONDS: '3600', RATE_LIMIT_PER_MINUTE: '2' };
    a = await startTestApp(env);
    b = await startTestApp(env);
  });
  afterAll(async () => {
    for (const t of [a, b].filter(Boolean)) {
      await t.close();
      await deleteRedisKeys(`flash-sale:${t.config.database.database}:*`);
      await deleteRedisKeys(`${t.config.database.database}:*`);
    }
  });

  it("never serves one deployment's cached product to the other, nor moves its rate-limit counters", async () => {
    // Fresh databases: both products get the same id, so any shared key would collide.
    const pa = await newProduct(a.dataSource, { name: 'Only in A', stock: 7 });
    const pb = await newProduct(b.dataSource, { name: 'Only in B', stock: 3 });
    expect(pa.id).toBe(pb.id);
    const read = async (t: TestApp) => (await request(t.url).get(`/api/products/${pa.id}`).expect(200)).body;

    expect(await read(a)).toMatchObject({ name: 'Only in A', stock: 7, available: 7 });
    expect(await read(b)).toMatchObject({ name: 'Only in B', stock: 3, available: 3 });
    // A change in A invalidates A's entry only: B keeps serving its own product, from its cache.
    await request(a.url).post('/api/holds').send({ product_id: pa.id, qty: 2 }).expect(201);
    expect(await read(a)).toMatchObject({ name: 'Only in A', available: 5 });
    await b.dataSource.query("UPDATE products SET name = 'Renamed in B' WHERE id = ?", [pb.id]);
    expect(await read(b)).toMatchObject({ name: 'Only in B', stock: 3, available: 3 });

    // A has used one of its two POSTs; B's allowance is whole.
    await request(a.url).post('/api/holds').send({ product_id: pa.id, qty: 1 }).expect(201);
    await request(a.url).post('/api/holds').send({ product_id: pa.id, qty: 1 }).expect(429);
    await request(b.url).post('/api/holds').send({ product_id: pb.id, qty: 1 }).expect(201);
    await request(b.url).post('/api/holds').send({ product_id: pb.id, qty: 1 }).expect(201);
    await request(b.url).post('/api/holds').send({ product_id: pb.id, qty: 1 }).expect(429);

    await expectInvariants(a.dataSource, new Map([[pa.id, 7]]));
    await expectInvariants(b.dataSource, new Map([[pb.id, 3]]));
  });
});
