import request from 'supertest';
import { toDate } from '../src/database/sql';
import { newProduct } from './support/factories';
import { expectInvariants } from './support/invariants';
import { scrape } from './support/metrics';
import { deliver, holdAndOrder } from './support/sale';
import { startTestApp, TestApp } from './support/test-app';

// The contract's operations lines, each read back the way an operator reads it: the JSON log line
// with its `event` and fields, and its Prometheus counter moving by exactly the right amount.
// Names are written out here, never taken from the source's own list.

describe('log events and their counters (e2e)', () => {
  let t: TestApp;
  let keySeq = 0;
  const key = () => `evt_obs_${++keySeq}`;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => t.logs.clear());

  /** Runs `act` and returns how much each named counter moved meanwhile. */
  async function counted(act: () => Promise<unknown>, counters: Array<[string, Record<string, string>?]>): Promise<number[]> {
    const before = await scrape(t.url);
    await act();
    const after = await scrape(t.url);
    return counters.map(([name, labels]) => after(name, labels) - before(name, labels));
  }

  it('hold_created: one line with hold_id, product_id and qty; its counter +1', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    let holdId = '';
    const [moved] = await counted(async () => {
      holdId = (await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 2 }).expect(201)).body.id;
    }, [['flash_sale_hold_created_total']]);
    expect(moved).toBe(1);
    expect(t.logs.eventNames()).toEqual(['hold_created']);
    expect(t.logs.events('hold_created')[0]).toMatchObject({ level: 30, hold_id: holdId, product_id: product.id, qty: 2 });
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('stock_contention: a refused hold logs reason, product, requested and available; counted under its reason', async () => {
    const product = await newProduct(t.dataSource, { stock: 3 });
    await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 2 }).expect(201);
    t.logs.clear();
    const [moved] = await counted(
      () => request(t.url).post('/api/holds').send({ product_id: product.id, qty: 2 }).expect(409),
      [['flash_sale_stock_contention_total', { reason: 'insufficient_stock' }]],
    );
    expect(moved).toBe(1);
    expect(t.logs.eventNames()).toEqual(['stock_contention']);
    expect(t.logs.events('stock_contention')[0]).toMatchObject({
      reason: 'insufficient_stock',
      product_id: product.id,
      requested: 2,
      available: 1,
    });
    await expectInvariants(t.dataSource, new Map([[product.id, 3]]));
  });

  it('hold_released: one line per release that freed units (a second release logs nothing); its counter +1', async () => {
    const product = await newProduct(t.dataSource, { stock: 4 });
    const hold = (await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 3 }).expect(201)).body;
    t.logs.clear();
    const [moved] = await counted(async () => {
      await request(t.url).delete(`/api/holds/${hold.id}`).expect(200);
      await request(t.url).delete(`/api/holds/${hold.id}`).expect(200);
    }, [['flash_sale_hold_released_total']]);
    expect(moved).toBe(1);
    expect(t.logs.eventNames()).toEqual(['hold_released']);
    expect(t.logs.events('hold_released')[0]).toMatchObject({ hold_id: hold.id, product_id: product.id, qty: 3 });
    await expectInvariants(t.dataSource, new Map([[product.id, 4]]));
  });

  it('holds_expired: lines with count and products covering every hold swept; its counter moves by the holds expired', async () => {
    const first = await newProduct(t.dataSource, { stock: 5 });
    const second = await newProduct(t.dataSource, { stock: 5 });
    for (const [product, qty] of [
      [first, 1],
      [first, 2],
      [second, 1],
    ] as const) {
      await request(t.url).post('/api/holds').send({ product_id: product.id, qty }).expect(201);
    }
    // Earlier tests' holds in this file's database expire in the same sweep: count them first.
    t.clock.advance(t.config.holdTtlSeconds + 1);
    const overdue = await t.dataSource.query("SELECT product_id FROM holds WHERE status = 'active'");
    const products: number[] = [...new Set(overdue.map((row: { product_id: number }) => Number(row.product_id)))] as number[];
    t.logs.clear();
    const [moved] = await counted(() => t.sweeper.claimExpired(), [['flash_sale_holds_expired_total']]);
    expect(moved).toBe(overdue.length);
    // One line per product swept (each decided in its own transaction), each with count and products.
    const lines = t.logs.events('holds_expired');
    expect(t.logs.eventNames()).toEqual(lines.map(() => 'holds_expired'));
    expect(lines.reduce((sum, line) => sum + (line.count as number), 0)).toBe(overdue.length);
    for (const line of lines) expect(line.count).toBeGreaterThan(0);
    const swept = lines.flatMap((line) => line.products as number[]).sort((a, b) => a - b);
    expect(swept).toEqual(products.sort((a, b) => a - b));
    expect(swept).toEqual(expect.arrayContaining([first.id, second.id]));
    await expectInvariants(
      t.dataSource,
      new Map([
        [first.id, 5],
        [second.id, 5],
      ]),
    );
  });

  it('order_created: one line with order, hold, product, qty and amount; its counter +1 (not again on a replay)', async () => {
    const product = await newProduct(t.dataSource, { stock: 5, price: '12.50' });
    const hold = (await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 2 }).expect(201)).body;
    t.logs.clear();
    let orderId = '';
    const [moved] = await counted(async () => {
      orderId = (await request(t.url).post('/api/orders').send({ hold_id: hold.id }).expect(201)).body.id;
      await request(t.url).post('/api/orders').send({ hold_id: hold.id }).expect(200);
    }, [['flash_sale_order_created_total']]);
    expect(moved).toBe(1);
    expect(t.logs.eventNames()).toEqual(['order_created']);
    expect(t.logs.events('order_created')[0]).toMatchObject({
      order_id: orderId,
      hold_id: hold.id,
      product_id: product.id,
      qty: 2,
      amount: '25.00',
    });
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('each webhook outcome logs its own event with the delivery fields, and only its own counter moves', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const paid = (await holdAndOrder(t, product.id, 1)).orderId;
    const failed = (await holdAndOrder(t, product.id, 1)).orderId;
    const unknown = '0193a4f3-0000-7000-8000-000000000000';
    const webhookCounters: Array<[string]> = [
      ['flash_sale_payment_success_total'],
      ['flash_sale_payment_failed_total'],
      ['flash_sale_webhook_dedupe_total'],
      ['flash_sale_webhook_out_of_order_total'],
      ['flash_sale_webhook_retry_required_total'],
    ];
    const paidKey = key();
    const cases: Array<{ send: () => Promise<unknown>; event: string; fields: Record<string, unknown>; moved: number[] }> = [
      {
        send: () => deliver(t, paid, 'success', paidKey).expect(200, { result: 'processed', order_status: 'paid' }),
        event: 'payment_success',
        fields: { order_id: paid, idempotency_key: paidKey, status: 'success', order_status: 'paid' },
        moved: [1, 0, 0, 0, 0],
      },
      {
        send: () => deliver(t, paid, 'success', paidKey).expect(200, { result: 'duplicate', order_status: 'paid' }),
        event: 'webhook_dedupe',
        fields: { order_id: paid, idempotency_key: paidKey, status: 'success', order_status: 'paid' },
        moved: [0, 0, 1, 0, 0],
      },
      {
        send: () => deliver(t, failed, 'failed', 'evt_obs_failed').expect(200, { result: 'processed', order_status: 'failed' }),
        event: 'payment_failed',
        fields: { order_id: failed, idempotency_key: 'evt_obs_failed', status: 'failed', order_status: 'failed' },
        moved: [0, 1, 0, 0, 0],
      },
      {
        send: () => deliver(t, paid, 'failed', 'evt_obs_late').expect(200, { result: 'ignored', order_status: 'paid' }),
        event: 'webhook_out_of_order',
        fields: { order_id: paid, idempotency_key: 'evt_obs_late', status: 'failed', order_status: 'paid' },
        moved: [0, 0, 0, 1, 0],
      },
      {
        send: () => deliver(t, unknown, 'success', 'evt_obs_unknown').expect(404),
        event: 'webhook_retry_required',
        fields: { order_id: unknown, idempotency_key: 'evt_obs_unknown', status: 'success' },
        moved: [0, 0, 0, 0, 1],
      },
    ];
    for (const c of cases) {
      t.logs.clear();
      const moved = await counted(c.send, webhookCounters);
      expect({ event: c.event, moved, events: t.logs.eventNames() }).toEqual({
        event: c.event,
        moved: c.moved,
        events: [c.event],
      });
      expect(t.logs.events(c.event)[0]).toMatchObject(c.fields);
    }
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('stores each delivery with the time it arrived by the service clock (received_at)', async () => {
    const product = await newProduct(t.dataSource, { stock: 2 });
    const { orderId } = await holdAndOrder(t, product.id, 1);
    // A clock a day ahead: received_at must be the service's clock, not a default or the epoch.
    t.clock.advance(24 * 3600);
    const before = t.clock.now().getTime();
    await deliver(t, orderId, 'success', 'evt_obs_received').expect(200);
    await deliver(t, '0193a4f3-0000-7000-8000-00000000beef', 'success', 'evt_obs_received_404').expect(404);
    const after = t.clock.now().getTime();
    const rows: Array<{ idempotency_key: string; received_at: unknown }> = await t.dataSource.query(
      "SELECT idempotency_key, received_at FROM webhook_logs WHERE idempotency_key IN ('evt_obs_received', 'evt_obs_received_404')",
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const at = toDate(row.received_at)!.getTime();
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(after);
    }
  });
});
