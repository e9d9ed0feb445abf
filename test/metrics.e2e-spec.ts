import request from 'supertest';
import { newId } from '../src/core/ids';
import { bearer, TEST_ADMIN_KEY } from './support/auth';
import { expectInvariants } from './support/invariants';
import { newProduct } from './support/factories';
import { sample, scrape } from './support/metrics';
import { deliver, holdAndOrder } from './support/sale';
import { startTestApp, TestApp } from './support/test-app';

// The contract's log events (API.md, Operations), each with a counter, written out: a renamed or
// dropped event turns this red instead of silently following the source's own list.
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
  'order_expired',
  'order_cancelled',
  'payment_refund_due',
  'stock_adjusted',
] as const;

describe('GET /metrics', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The admin key: a restock is the only way to a stock_adjusted event.
    t = await startTestApp({ ADMIN_API_KEY: TEST_ADMIN_KEY });
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

  it('moves each event counter by exactly the number of its events', async () => {
    const product = await newProduct(t.dataSource, { stock: 10 });
    const scarce = await newProduct(t.dataSource, { stock: 1 });
    const before = await scrape(t.url);

    // hold_created ×1, hold_released ×1
    const released = await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 }).expect(201);
    await request(t.url).delete(`/api/holds/${released.body.id}`).expect(200);
    // hold_created ×4, order_created ×4
    const paid = await holdAndOrder(t, product.id);
    const failed = await holdAndOrder(t, product.id);
    const overdue = await holdAndOrder(t, product.id);
    const refunded = await holdAndOrder(t, scarce.id);
    // payment_success ×1, webhook_dedupe ×1, webhook_out_of_order ×1, payment_failed ×1, webhook_retry_required ×1
    expect((await deliver(t, paid.orderId, 'success', 'm-1').expect(200)).body.result).toBe('processed');
    expect((await deliver(t, paid.orderId, 'success', 'm-1').expect(200)).body.result).toBe('duplicate');
    expect((await deliver(t, paid.orderId, 'failed', 'm-2').expect(200)).body.result).toBe('ignored');
    expect((await deliver(t, failed.orderId, 'failed', 'm-3').expect(200)).body.result).toBe('processed');
    await deliver(t, newId(), 'success', 'm-4').expect(404);
    // order_cancelled ×1; then the scarce product's only unit is held again (hold_created ×1), so
    // the late payment of the cancelled order is owed back: payment_refund_due ×1
    await request(t.url).post(`/api/orders/${refunded.orderId}/cancel`).expect(200);
    await request(t.url).post('/api/holds').send({ product_id: scarce.id, qty: 1 }).expect(201);
    const late = await deliver(t, refunded.orderId, 'success', 'm-5').expect(200);
    expect(late.body).toEqual({ result: 'processed', order_status: 'refund_due' });
    // stock_contention ×1 (reason insufficient_stock)
    await request(t.url).post('/api/holds').send({ product_id: scarce.id, qty: 1 }).expect(409);
    // stock_adjusted ×1
    await request(t.url)
      .post(`/api/admin/products/${product.id}/stock`)
      .set(bearer(TEST_ADMIN_KEY))
      .send({ delta: 5, reason: 'restock' })
      .expect(200);
    // order_expired ×1 (the one pending order), holds_expired × every active hold of this database
    t.clock.advance(Math.max(t.config.orderPaymentTimeoutSeconds, t.config.holdTtlSeconds) + 1);
    const [{ n: activeHolds }] = await t.dataSource.query("SELECT COUNT(*) AS n FROM holds WHERE status = 'active'");
    expect(Number(activeHolds)).toBeGreaterThanOrEqual(1);
    expect((await t.orderSweeper.expireOverdue()).expired).toEqual([overdue.orderId]);
    await t.sweeper.claimExpired();

    const after = await scrape(t.url);
    const expected: Record<(typeof EVENT_COUNTERS)[number], number> = {
      stock_contention: 1,
      hold_created: 6,
      holds_expired: Number(activeHolds),
      hold_released: 1,
      order_created: 4,
      webhook_dedupe: 1,
      webhook_retry_required: 1,
      webhook_out_of_order: 1,
      payment_success: 1,
      payment_failed: 1,
      order_expired: 1,
      order_cancelled: 1,
      payment_refund_due: 1,
      stock_adjusted: 1,
    };
    const moved = Object.fromEntries(
      EVENT_COUNTERS.map((event) => {
        const name = `flash_sale_${event}_total`;
        const labels = event === 'stock_contention' ? { reason: 'insufficient_stock' } : undefined;
        return [event, after(name, labels) - before(name, labels)];
      }),
    );
    expect(moved).toEqual(expected);
    await expectInvariants(
      t.dataSource,
      new Map([
        [product.id, 10],
        [scarce.id, 1],
      ]),
    );
  });
});
