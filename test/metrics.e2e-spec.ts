import request from 'supertest';
import { expectInvariants } from './support/invariants';
import { newProduct } from './support/factories';
import { sample } from './support/metrics';
import { startTestApp, TestApp } from './support/test-app';

// The contract's log events that have a counter, written out: a renamed or dropped event turns
// this red instead of silently following the source's own list.
const EVENT_COUNTERS = [
  'stock_contention',
  'hold_created',
  'holds_expired',
  'hold_released',
  'order_created',
  'webhook_dedupe',
  'webhook_retry_required',
  'webhook_out_of_order',
  'payment_success',
  'payment_failed',
];

describe('GET /metrics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves Prometheus text outside the api prefix', async () => {
    const res = await request(t.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const event of EVENT_COUNTERS) expect(res.text).toContain(`# TYPE flash_sale_${event}_total counter`);
    await request(t.url).get('/api/metrics').expect(404);
  });

  it('counts domain events, times requests by route pattern, and records batches, cache and pool', async () => {
    const product = await newProduct(t.dataSource, { stock: 3 });
    await request(t.url).get(`/api/products/${product.id}`).expect(200);
    await request(t.url).get(`/api/products/${product.id}`).expect(200);
    // One after another, so each is a batch of one (concurrent ones would share batches).
    for (let i = 0; i < 5; i++) {
      await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 });
    }
    const hold = await request(t.url).get('/api/holds/not-a-hold').expect(404);
    expect(hold.body.code).toBe('hold-not-found');
    const unmatched = { method: 'GET', route: 'unmatched', status: '404' };
    const before = (await request(t.url).get('/metrics').expect(200)).text;
    const unmatchedBefore = sample(before, 'flash_sale_http_request_duration_seconds_count', unmatched) ?? 0;
    await request(t.url).get('/api/no-such-route/42').expect(404);

    const text = (await request(t.url).get('/metrics').expect(200)).text;
    expect(sample(text, 'flash_sale_hold_created_total')).toBe(3);
    expect(sample(text, 'flash_sale_stock_contention_total', { reason: 'insufficient_stock' })).toBe(2);
    expect(sample(text, 'flash_sale_holds_expired_total')).toBe(0);
    expect(sample(text, 'flash_sale_http_request_duration_seconds_count', { route: '/api/holds', status: '201' })).toBe(3);
    expect(sample(text, 'flash_sale_http_request_duration_seconds_count', { route: '/api/holds', status: '409' })).toBe(2);
    // The pattern, never the raw URL: one series for every hold id.
    expect(sample(text, 'flash_sale_http_request_duration_seconds_count', { route: '/api/holds/:id', status: '404' })).toBe(1);
    expect(text).not.toContain('not-a-hold');
    // The cached read (a miss through Nest, then a hit answered by the native route) is one series.
    const read = { method: 'GET', route: '/api/products/:id', status: '200' };
    expect(sample(text, 'flash_sale_http_request_duration_seconds_count', read)).toBe(2);
    // A request that matches no route is counted under one label, never its URL.
    expect(sample(text, 'flash_sale_http_request_duration_seconds_count', unmatched)).toBe(unmatchedBefore + 1);
    expect(text).not.toContain('no-such-route');
    expect(sample(text, 'flash_sale_hold_batch_size_count')).toBe(5);
    expect(sample(text, 'flash_sale_hold_batch_size_bucket', { le: '1' })).toBe(5);
    expect(sample(text, 'flash_sale_product_cache_lookups_total', { result: 'miss' })).toBe(1);
    expect(sample(text, 'flash_sale_product_cache_lookups_total', { result: 'hit' })).toBe(1);
    expect(sample(text, 'flash_sale_product_cache_available')).toBe(1);
    expect(sample(text, 'flash_sale_db_pool_connections_in_use')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'flash_sale_db_pool_waiting_requests')).toBe(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    await expectInvariants(t.dataSource, new Map([[product.id, 3]]));
  });

  it('counts expired holds by hold, as the holds_expired event reports them', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 }).expect(201);
    await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 2 }).expect(201);
    t.clock.advance(t.config.holdTtlSeconds + 1);
    // Every active hold in this file's database is overdue now (the earlier test's too).
    const [{ n: overdue }] = await t.dataSource.query("SELECT COUNT(*) AS n FROM holds WHERE status = 'active'");
    expect(Number(overdue)).toBeGreaterThanOrEqual(2);
    const before = sample((await request(t.url).get('/metrics')).text, 'flash_sale_holds_expired_total') ?? NaN;
    await t.sweeper.claimExpired();
    const after = sample((await request(t.url).get('/metrics')).text, 'flash_sale_holds_expired_total');
    expect(after).toBe(before + Number(overdue));
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });
});
