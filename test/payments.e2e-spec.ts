import request from 'supertest';
import { expectInvariants } from './support/invariants';
import { newProduct } from './support/factories';
import { deliver, holdAndOrder } from './support/sale';
import { startTestApp, TestApp } from './support/test-app';

describe('payment webhook (e2e)', () => {
  let t: TestApp;
  let keySeq = 0;
  const key = () => `evt_${Date.now()}_${++keySeq}`;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function logsFor(orderId: string): Promise<Array<{ result: string; idempotency_key: string; payload: string }>> {
    return t.dataSource.query('SELECT result, idempotency_key, payload FROM webhook_logs WHERE order_id = ? ORDER BY id', [
      orderId,
    ]);
  }

  it('marks a pending order paid, stores the delivery, and a duplicate changes nothing', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const { orderId } = await holdAndOrder(t, product.id, 2);
    const k = key();
    await deliver(t, orderId, 'success', k).expect(200, { result: 'processed', order_status: 'paid' });
    await deliver(t, orderId, 'success', k).expect(200, { result: 'duplicate', order_status: 'paid' });
    // A duplicate key with another status is still the same delivery: nothing changes.
    await deliver(t, orderId, 'failed', k).expect(200, { result: 'duplicate', order_status: 'paid' });
    await request(t.url)
      .get(`/api/orders/${orderId}`)
      .expect(200)
      .expect(({ body }) => expect(body.status).toBe('paid'));
    const logs = await logsFor(orderId);
    expect(logs.map((l) => l.result)).toEqual(['processed', 'duplicate', 'duplicate']);
    expect(JSON.parse(logs[0].payload)).toEqual({ order_id: orderId, status: 'success', idempotency_key: k });
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('puts the units of a failed payment back into stock exactly once', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const { orderId } = await holdAndOrder(t, product.id, 3);
    await request(t.url)
      .get(`/api/products/${product.id}`)
      .expect(200)
      .expect(({ body }) => {
        expect(body).toMatchObject({ stock: 2, available: 2 });
      });
    await deliver(t, orderId, 'failed', key()).expect(200, { result: 'processed', order_status: 'failed' });
    await deliver(t, orderId, 'failed', key()).expect(200, { result: 'ignored', order_status: 'failed' });
    // The read after the failed payment sees the units back (cache invalidated on commit).
    await request(t.url)
      .get(`/api/products/${product.id}`)
      .expect(200)
      .expect(({ body }) => {
        expect(body).toMatchObject({ stock: 5, available: 5 });
      });
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('ignores late and out-of-order deliveries both ways: a final order never changes', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const paid = await holdAndOrder(t, product.id, 1);
    await deliver(t, paid.orderId, 'success', key()).expect(200, { result: 'processed', order_status: 'paid' });
    await deliver(t, paid.orderId, 'failed', key()).expect(200, { result: 'ignored', order_status: 'paid' });

    const failed = await holdAndOrder(t, product.id, 1);
    await deliver(t, failed.orderId, 'failed', key()).expect(200, { result: 'processed', order_status: 'failed' });
    await deliver(t, failed.orderId, 'success', key()).expect(200, { result: 'ignored', order_status: 'failed' });

    const [{ stock }] = await t.dataSource.query('SELECT stock FROM products WHERE id = ?', [product.id]);
    expect(Number(stock)).toBe(4);
    expect((await logsFor(paid.orderId)).map((l) => l.result)).toEqual(['processed', 'ignored']);
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('answers 404 for an unknown order without consuming the key, then processes it once the order exists', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const { holdId } = await (async () => {
      const hold = await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 }).expect(201);
      return { holdId: hold.body.id as string };
    })();
    const missing = '01a21187-0000-7000-8000-00000000abcd';
    const k = key();
    const res = await deliver(t, missing, 'success', k).expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await logsFor(missing)).map((l) => l.result)).toEqual(['not_found']);

    // The gateway retries the same key later, for an order that exists by then.
    const order = await request(t.url).post('/api/orders').send({ hold_id: holdId }).expect(201);
    await deliver(t, order.body.id, 'success', k).expect(200, { result: 'processed', order_status: 'paid' });
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('processes exactly one of fifty identical deliveries sent at once; the rest are duplicates', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const { orderId } = await holdAndOrder(t, product.id, 2);
    const k = key();
    const responses = await Promise.all(Array.from({ length: 50 }, () => deliver(t, orderId, 'failed', k)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    const results = responses.map((r) => r.body.result).sort();
    expect(results).toEqual(['processed', ...Array(49).fill('duplicate')].sort());
    expect(responses.every((r) => r.body.order_status === 'failed')).toBe(true);
    const [{ stock }] = await t.dataSource.query('SELECT stock FROM products WHERE id = ?', [product.id]);
    expect(Number(stock)).toBe(5);
    expect(await logsFor(orderId)).toHaveLength(50);
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('decides a crowd of deliveries for one product together: each key once, its redelivery a duplicate, an unknown order 404', async () => {
    const product = await newProduct(t.dataSource, { stock: 30 });
    const orders = await Promise.all(Array.from({ length: 8 }, (_, i) => holdAndOrder(t, product.id, 1 + (i % 3))));
    const keys = orders.map(() => key());
    const unknownOrder = '01a21187-0000-7000-8000-000000000000';
    const [unknown, ...responses] = await Promise.all([
      deliver(t, unknownOrder, 'success', key()),
      ...orders.flatMap(({ orderId }, i) => {
        const status = i % 2 === 0 ? 'success' : 'failed';
        return [deliver(t, orderId, status, keys[i]), deliver(t, orderId, status, keys[i])];
      }),
    ]);
    expect(unknown.status).toBe(404);
    for (const [i, { orderId }] of orders.entries()) {
      const pair = [responses[2 * i], responses[2 * i + 1]];
      const outcome = i % 2 === 0 ? 'paid' : 'failed';
      expect(pair.map((r) => r.status)).toEqual([200, 200]);
      expect(pair.map((r) => r.body.result).sort()).toEqual(['duplicate', 'processed']);
      expect(pair.map((r) => r.body.order_status)).toEqual([outcome, outcome]);
      expect((await logsFor(orderId)).map((l) => l.result).sort()).toEqual(['duplicate', 'processed']);
      const order = await request(t.url).get(`/api/orders/${orderId}`).expect(200);
      expect(order.body.status).toBe(outcome);
    }
    const paidUnits = orders.reduce((sum, _, i) => sum + (i % 2 === 0 ? 1 + (i % 3) : 0), 0);
    const [{ stock }] = await t.dataSource.query('SELECT stock FROM products WHERE id = ?', [product.id]);
    expect(Number(stock)).toBe(30 - paidUnits);
    await expectInvariants(t.dataSource, new Map([[product.id, 30]]));
  });

  it('lets exactly one of success and failed racing on one order win', async () => {
    const product = await newProduct(t.dataSource, { stock: 40 });
    const orders = await Promise.all(Array.from({ length: 10 }, () => holdAndOrder(t, product.id, 2)));
    const responses = await Promise.all(
      orders.flatMap(({ orderId }) => [
        deliver(t, orderId, 'success', key()),
        deliver(t, orderId, 'failed', key()),
        deliver(t, orderId, 'success', key()),
        deliver(t, orderId, 'failed', key()),
      ]),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    for (const { orderId } of orders) {
      const logs = await logsFor(orderId);
      const processed = logs.filter((l) => l.result === 'processed');
      expect(processed).toHaveLength(1);
      expect(logs.filter((l) => l.result === 'ignored')).toHaveLength(3);
      const winner = JSON.parse(processed[0].payload).status === 'success' ? 'paid' : 'failed';
      const order = await request(t.url).get(`/api/orders/${orderId}`).expect(200);
      expect(order.body.status).toBe(winner);
    }
    const [{ failed }] = await t.dataSource.query(
      "SELECT COALESCE(SUM(qty), 0) AS failed FROM orders WHERE product_id = ? AND status = 'failed'",
      [product.id],
    );
    const [{ stock }] = await t.dataSource.query('SELECT stock FROM products WHERE id = ?', [product.id]);
    expect(Number(stock)).toBe(40 - 20 + Number(failed));
    await expectInvariants(t.dataSource, new Map([[product.id, 40]]));
  });
});
