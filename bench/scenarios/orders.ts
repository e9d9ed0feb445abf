// `orders` and `webhooks`: the two steps after a hold, each measured on its own. What they start
// from (active holds, pending orders) is written straight into the database before the load, as
// the service itself would have left it (holds counted in `reserved`; an order's units out of
// `stock` with their `order_created` movement), so the measured load is only the step itself.
import { Connection } from 'mysql2/promise';
import { randomBytes, randomUUID } from 'node:crypto';
import { signWebhook } from '../../src/payments/webhook-signature';
import { crowdJsonHeaders } from '../lib/auth';
import { insertCrowdProducts, invariantsCheck, pickCrowdProduct, sameStock, storedCheck } from '../lib/checks';
import { count } from '../lib/database';
import { fire } from '../lib/load';
import { BenchOptions, check, Check, measured, resultOf, Scenario, withApp } from '../lib/scenario';
import { warmUpHolds } from './holds';

const CONNECTIONS = 128;
const STOCK = 1_000_000_000;
/** What the bench's token says (`sub`): the customer who owns every hold and order here. */
const CUSTOMER = 'bench_crowd';
/** Holds or orders made per second of measured load: more than any run can use up. */
const SEEDED_PER_SECOND = 6_000;
const PAYMENT_SUCCESS_SHARE = 0.8;
const REDELIVERY_SHARE = 0.1;
const WEBHOOK_KEY = randomBytes(32);
const WEBHOOK_SECRET = `whsec_${WEBHOOK_KEY.toString('base64')}`;

interface Seeded {
  products: number[];
  /** Hold ids (orders) or order ids (webhooks), in the order the load takes them. */
  ids: string[];
}

/** Products like the funnel's (most of the crowd on one), and `total` active holds of qty 1 on them, all the crowd's. */
async function seedHolds(db: Connection, total: number): Promise<Seeded> {
  const products = await insertCrowdProducts(db, 'Step', STOCK);
  const byProduct = new Map<number, string[]>(products.map((p) => [p, []]));
  const ids: string[] = [];
  for (let i = 0; i < total; i++) {
    const product = pickCrowdProduct(products);
    const id = randomUUID();
    byProduct.get(product)!.push(id);
    ids.push(id);
  }
  for (const [product, holds] of byProduct) {
    for (let from = 0; from < holds.length; from += 2_000) {
      const chunk = holds.slice(from, from + 2_000);
      await db.query(
        `INSERT INTO holds (id, product_id, qty, status, expires_at, customer_id) VALUES ${chunk
          .map(() => "(?, ?, 1, 'active', UTC_TIMESTAMP(3) + INTERVAL 1 HOUR, ?)")
          .join(', ')}`,
        chunk.flatMap((id) => [id, product, CUSTOMER]),
      );
    }
    await db.query('UPDATE products SET reserved = reserved + ? WHERE id = ?', [holds.length, product]);
  }
  return { products, ids };
}

/** `total` pending orders (qty 1, paid within the hour), made from holds as the service makes them. */
async function seedOrders(db: Connection, total: number): Promise<Seeded> {
  const { products, ids: holdIds } = await seedHolds(db, total);
  const [rows] = await db.query('SELECT id, product_id FROM holds WHERE id IN (?)', [holdIds]);
  const productOf = new Map((rows as Array<{ id: string; product_id: number }>).map((r) => [r.id, Number(r.product_id)]));
  const orderIds: string[] = [];
  for (let from = 0; from < holdIds.length; from += 2_000) {
    const chunk = holdIds
      .slice(from, from + 2_000)
      .map((holdId) => ({ holdId, orderId: randomUUID(), product: productOf.get(holdId)! }));
    await db.query("UPDATE holds SET status = 'converted' WHERE id IN (?)", [chunk.map((c) => c.holdId)]);
    await db.query(
      `INSERT INTO orders (id, hold_id, product_id, qty, amount, status, pay_by, customer_id) VALUES ${chunk
        .map(() => "(?, ?, ?, 1, '19.99', 'pending', UTC_TIMESTAMP(3) + INTERVAL 1 HOUR, ?)")
        .join(', ')}`,
      chunk.flatMap((c) => [c.orderId, c.holdId, c.product, CUSTOMER]),
    );
    await db.query(
      `INSERT INTO stock_movements (product_id, delta, reason, order_id, created_at) VALUES ${chunk
        .map(() => "(?, -1, 'order_created', ?, UTC_TIMESTAMP(3))")
        .join(', ')}`,
      chunk.flatMap((c) => [c.product, c.orderId]),
    );
    orderIds.push(...chunk.map((c) => c.orderId));
  }
  for (const product of products) {
    const units = await count(db, "SELECT COUNT(*) FROM holds WHERE product_id = ? AND status = 'converted'", [product]);
    await db.query('UPDATE products SET stock = stock - ?, reserved = reserved - ? WHERE id = ?', [units, units, product]);
  }
  return { products, ids: orderIds };
}

/** The seed runs out before the load does: more than SEEDED_PER_SECOND were answered. */
function supplyOf(options: BenchOptions): number {
  return Math.ceil(options.duration * SEEDED_PER_SECOND);
}

export const orders: Scenario = {
  name: 'orders',
  title: `POST /api/orders turning active holds into orders (60% of them on one product, 3 others), ${CONNECTIONS} connections`,
  async run(options) {
    const headers = await crowdJsonHeaders();
    const run = await withApp('orders', {}, options, async (app) => {
      const warm = await warmUpHolds(app, options, 'orders');
      const seeded = await seedHolds(app.db, supplyOf(options));
      let next = 0;
      let exhausted = false;
      const unexpected: string[] = [];
      const { result, cpuSeconds } = await app.measure(() =>
        fire('orders', {
          url: app.url,
          connections: CONNECTIONS,
          duration: options.duration,
          headers,
          requests: [
            {
              method: 'POST',
              path: '/api/orders',
              setupRequest: (request) => {
                const holdId = seeded.ids[next++];
                if (!holdId) exhausted = true;
                return { ...request, body: JSON.stringify({ hold_id: holdId ?? seeded.ids[0] }) };
              },
              onResponse: (status, body) => {
                if (status !== 201 && unexpected.length < 3) unexpected.push(`${status} ${body.slice(0, 200)}`);
              },
            },
          ],
        }),
      );
      const m = measured(result, cpuSeconds);
      const created = m.statuses['201'] ?? 0;
      const stored = await count(app.db, 'SELECT COUNT(*) FROM orders WHERE product_id IN (?)', [seeded.products]);
      const invariants = await invariantsCheck(app.db, sameStock([warm, ...seeded.products], STOCK));
      const checks: Check[] = [
        check('enough holds seeded', !exhausted, `${seeded.ids.length} seeded, ${next} taken`),
        check(
          'every order answered 201',
          created === m.requests && m.errors === 0,
          unexpected.join('; ') || JSON.stringify({ ...m.statuses, errors: m.errors }),
        ),
        storedCheck('orders stored = 201s answered (+ at most one in flight per connection)', stored, created, CONNECTIONS),
        invariants,
      ];
      return { m, created, checks };
    });
    return resultOf(this, 'orders/s', run.value.created, run);
  },
};

interface Delivery {
  orderId?: string;
  payment?: 'success' | 'failed';
  body?: string;
}

export const webhooks: Scenario = {
  name: 'webhooks',
  title: `signed POST /api/payments/webhook on pending orders (${PAYMENT_SUCCESS_SHARE * 100}% success, ${REDELIVERY_SHARE * 100}% delivered twice), ${CONNECTIONS} connections`,
  async run(options) {
    const env = { WEBHOOK_SECRET };
    const run = await withApp('webhooks', env, options, async (app) => {
      const warm = await warmUpHolds(app, options, 'webhooks');
      const seeded = await seedOrders(app.db, supplyOf(options));
      let next = 0;
      let exhausted = false;
      const answered = { paid: 0, failed: 0, duplicate: 0 };
      const unexpected: string[] = [];
      const signed = (body: string): Record<string, string> => {
        const id = `msg_${randomUUID()}`;
        const timestamp = Math.floor(Date.now() / 1000);
        return {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(WEBHOOK_KEY, id, timestamp, Buffer.from(body)),
        };
      };
      const expect = (status: number, body: string, wanted: string, tally: () => void) => {
        if (status === 200 && body === wanted) tally();
        else if (unexpected.length < 3) unexpected.push(`${status} ${body.slice(0, 200)} (wanted ${wanted})`);
      };
      const { result, cpuSeconds } = await app.measure(() =>
        fire('webhooks', {
          url: app.url,
          connections: CONNECTIONS,
          duration: options.duration,
          requests: [
            {
              method: 'POST',
              path: '/api/payments/webhook',
              setupRequest: (request, delivery: Delivery) => {
                const orderId = seeded.ids[next++];
                if (!orderId) exhausted = true;
                delivery.orderId = orderId ?? seeded.ids[0];
                delivery.payment = Math.random() < PAYMENT_SUCCESS_SHARE ? 'success' : 'failed';
                delivery.body = JSON.stringify({
                  order_id: delivery.orderId,
                  status: delivery.payment,
                  idempotency_key: `evt_${randomUUID()}`,
                });
                return { ...request, headers: signed(delivery.body), body: delivery.body };
              },
              onResponse: (status, body, delivery: Delivery) => {
                const outcome = delivery.payment === 'success' ? 'paid' : 'failed';
                expect(status, body, JSON.stringify({ result: 'processed', order_status: outcome }), () => answered[outcome]++);
              },
            },
            {
              // The gateway delivers the same event again (same key and body, a new signature).
              method: 'POST',
              path: '/api/payments/webhook',
              setupRequest: (request, delivery: Delivery) => {
                if (Math.random() >= REDELIVERY_SHARE) return null as never;
                return { ...request, headers: signed(delivery.body!), body: delivery.body };
              },
              onResponse: (status, body, delivery: Delivery) => {
                const outcome = delivery.payment === 'success' ? 'paid' : 'failed';
                expect(status, body, JSON.stringify({ result: 'duplicate', order_status: outcome }), () => answered.duplicate++);
              },
            },
          ],
        }),
      );
      const m = measured(result, cpuSeconds);
      const stored = (sql: string) => count(app.db, sql, [seeded.products]);
      const paid = await stored("SELECT COUNT(*) FROM orders WHERE status = 'paid' AND product_id IN (?)");
      const failed = await stored("SELECT COUNT(*) FROM orders WHERE status = 'failed' AND product_id IN (?)");
      const duplicates = await count(app.db, "SELECT COUNT(*) FROM webhook_logs WHERE result = 'duplicate'");
      const wrong = await stored(
        `SELECT COUNT(*) FROM orders o
           LEFT JOIN (SELECT order_id, COUNT(*) AS n, MIN(order_status) AS order_status FROM webhook_logs
                       WHERE result = 'processed' GROUP BY order_id) w ON w.order_id = o.id
          WHERE o.product_id IN (?) AND (
                (o.status = 'pending' AND w.n IS NOT NULL)
             OR (o.status IN ('paid', 'failed') AND (w.n IS NULL OR w.n <> 1 OR w.order_status <> o.status))
             OR o.status NOT IN ('pending', 'paid', 'failed'))`,
      );
      const invariants = await invariantsCheck(app.db, sameStock([warm, ...seeded.products], STOCK));
      const checks: Check[] = [
        check('enough orders seeded', !exhausted, `${seeded.ids.length} seeded, ${next} taken`),
        check(
          'every answer as the contract says (processed, then duplicate on a redelivery)',
          unexpected.length === 0 && m.errors === 0 && answered.paid + answered.failed + answered.duplicate === m.requests,
          unexpected.join('; ') || JSON.stringify({ ...m.statuses, errors: m.errors }),
        ),
        storedCheck('paid orders = "paid" answers (+ in flight)', paid, answered.paid, CONNECTIONS),
        storedCheck('failed orders = "failed" answers (+ in flight)', failed, answered.failed, CONNECTIONS),
        storedCheck(
          'duplicates logged = "duplicate" answers (+ in flight)',
          duplicates,
          answered.duplicate,
          CONNECTIONS,
          'logged',
        ),
        check('every final order has exactly its one processed delivery, every other none', wrong === 0, `${wrong} wrong`),
        invariants,
      ];
      return { m, checks };
    });
    return resultOf(this, 'req/s', run.value.m.requests, run);
  },
};
