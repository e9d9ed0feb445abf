// `funnel`: many buyers going through the whole sale: hold → order (or release) → payment
// webhook with a random outcome, sometimes delivered twice; some buyers abandon their order,
// which expires after a short payment deadline. Answers are checked as they arrive and the
// database is checked afterwards, once every abandoned order has had time to expire.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { crowdJsonHeaders } from '../lib/auth';
import {
  insertCrowdProducts,
  invariantsCheck,
  OTHER_PRODUCTS,
  pickCrowdProduct,
  sameStock,
  storedCheck,
  withinInFlight,
} from '../lib/checks';
import { count } from '../lib/database';
import { fire, LoadOptions } from '../lib/load';
import { BenchOptions, check, measured, Scenario, withApp } from '../lib/scenario';
import { warmUpHolds } from './holds';

const CONNECTIONS = 128;
const STOCK = 1_000_000_000;
const RELEASE_SHARE = 0.1;
const PAYMENT_SUCCESS_SHARE = 0.8;
const REDELIVERY_SHARE = 0.1;
/** Share of orders never paid: they expire after PAYMENT_TIMEOUT_SECONDS. */
const ABANDON_SHARE = 0.1;
const PAYMENT_TIMEOUT_SECONDS = 3;
const SWEEP_INTERVAL_SECONDS = 1;

type Step = 'hold' | 'order' | 'release' | 'webhook' | 'redelivery';

interface Buyer {
  step?: Step;
  sentAt?: number;
  holdId?: string;
  orderId?: string;
  delivery?: string;
  paymentStatus?: 'success' | 'failed';
}

interface Tally {
  answered: Record<Step, number>;
  latencies: Record<Step, number[]>;
  paid: number;
  failed: number;
  /** Orders left unpaid on purpose. */
  abandoned: number;
  /** Failed deliveries that arrived after their order expired (a loaded box): `ignored`, `expired`. */
  failedAfterExpiry: number;
  unexpected: string[];
}

export const funnel: Scenario = {
  name: 'funnel',
  title: `hold → order (${RELEASE_SHARE * 100}% release) → webhook (${PAYMENT_SUCCESS_SHARE * 100}% paid, ${REDELIVERY_SHARE * 100}% delivered twice, ${ABANDON_SHARE * 100}% abandoned: expire after ${PAYMENT_TIMEOUT_SECONDS} s), ${OTHER_PRODUCTS + 1} products, ${CONNECTIONS} connections`,
  async run(options) {
    const { value, peakRssMb, shutdown } = await withAppFunnel(options);
    return { ...value, peakRssMb, checks: [...value.checks, shutdown] };
  },
};

function withAppFunnel(options: BenchOptions) {
  const env = {
    ORDER_PAYMENT_TIMEOUT_SECONDS: String(PAYMENT_TIMEOUT_SECONDS),
    HOLD_SWEEP_INTERVAL_SECONDS: String(SWEEP_INTERVAL_SECONDS),
  };
  return withApp('funnel', env, options, async (app) => {
    const warm = await warmUpHolds(app, options, 'funnel');
    const products = await insertCrowdProducts(app.db, 'Funnel', STOCK);
    // The customer's token on every request (the webhook ignores it: it has its own scheme).
    const headers = await crowdJsonHeaders();
    const tally: Tally = {
      answered: { hold: 0, order: 0, release: 0, webhook: 0, redelivery: 0 },
      latencies: { hold: [], order: [], release: [], webhook: [], redelivery: [] },
      paid: 0,
      failed: 0,
      abandoned: 0,
      failedAfterExpiry: 0,
      unexpected: [],
    };
    const { result, cpuSeconds } = await app.measure(() =>
      fire('funnel', {
        url: app.url,
        connections: CONNECTIONS,
        duration: options.duration,
        headers,
        requests: buyerJourney(products, tally, headers.authorization),
      }),
    );
    const m = measured(result, cpuSeconds);

    const stored = async (sql: string) => count(app.db, sql, [products]);
    // Every abandoned order falls due within the deadline and is swept within an interval after.
    const deadline = performance.now() + (PAYMENT_TIMEOUT_SECONDS + 3 * SWEEP_INTERVAL_SECONDS + 5) * 1000;
    while ((await stored("SELECT COUNT(*) FROM orders WHERE status = 'pending' AND product_id IN (?)")) > 0) {
      if (performance.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const pending = await stored("SELECT COUNT(*) FROM orders WHERE status = 'pending' AND product_id IN (?)");
    const expired = await stored("SELECT COUNT(*) FROM orders WHERE status = 'expired' AND product_id IN (?)");
    const orders = await stored('SELECT COUNT(*) FROM orders WHERE product_id IN (?)');
    const paid = await stored("SELECT COUNT(*) FROM orders WHERE status = 'paid' AND product_id IN (?)");
    const failed = await stored("SELECT COUNT(*) FROM orders WHERE status = 'failed' AND product_id IN (?)");
    const released = await stored("SELECT COUNT(*) FROM holds WHERE status = 'released' AND product_id IN (?)");
    const finalizedWrongly = await stored(
      `SELECT COUNT(*) FROM orders o LEFT JOIN webhook_logs w ON w.order_id = o.id AND w.result = 'processed'
        WHERE o.product_id IN (?) AND ((o.status IN ('pending', 'expired') AND w.id IS NOT NULL)
           OR (o.status IN ('paid', 'failed') AND (w.id IS NULL OR w.order_status <> o.status)))`,
    );
    const invariants = await invariantsCheck(app.db, sameStock([warm, ...products], STOCK));
    const checks = [
      check(
        'every answer as the contract says',
        tally.unexpected.length === 0 && m.errors === 0,
        tally.unexpected.slice(0, 3).join('; ') || JSON.stringify({ ...m.statuses, errors: m.errors }),
      ),
      storedCheck('orders stored = 201s answered (+ in flight)', orders, tally.answered.order, CONNECTIONS),
      storedCheck('paid orders = "paid" answers (+ in flight)', paid, tally.paid, CONNECTIONS),
      storedCheck('failed orders = "failed" answers (+ in flight)', failed, tally.failed, CONNECTIONS),
      check(
        // An order whose 201 never reached the load generator gets no webhook either: it expires.
        'expired orders = abandoned + failed after expiry + orders unanswered (+ in flight)',
        withinInFlight(expired, tally.abandoned + tally.failedAfterExpiry + (orders - tally.answered.order), CONNECTIONS),
        `${expired} stored, ${tally.abandoned} abandoned, ${tally.failedAfterExpiry} failed after expiry, ${orders - tally.answered.order} orders unanswered`,
      ),
      check('no pending order outlives its deadline (invariant 6)', pending === 0, `${pending} pending`),
      storedCheck('released holds = releases answered (+ in flight)', released, tally.answered.release, CONNECTIONS),
      check('every final order has exactly its one processed delivery', finalizedWrongly === 0, `${finalizedWrongly} wrong`),
      invariants,
    ];
    const steps = Object.fromEntries(
      (Object.keys(tally.answered) as Step[]).map((step) => [
        step,
        {
          answered: tally.answered[step],
          perSecond: Math.round(tally.answered[step] / m.durationS),
          ...percentiles(tally.latencies[step]),
        },
      ]),
    );
    return {
      name: 'funnel',
      title: funnel.title,
      unit: 'req/s',
      throughput: m.requests / m.durationS,
      ...m,
      checks,
      extra: { purchasesPerSecond: Math.round(tally.answered.order / m.durationS), steps },
    };
  });
}

/** The requests one connection repeats: each buyer's journey, decided as it goes. */
function buyerJourney(products: number[], tally: Tally, authorization: string): LoadOptions['requests'] {
  const start = (buyer: Buyer, step: Step) => {
    buyer.step = step;
    buyer.sentAt = performance.now();
  };
  const answered = (buyer: Buyer, status: number, body: string, ok: boolean) => {
    const step = buyer.step!;
    tally.latencies[step].push(performance.now() - buyer.sentAt!);
    if (ok) tally.answered[step]++;
    else tally.unexpected.push(`${step}: ${status} ${body.slice(0, 200)}`);
    return ok;
  };

  return [
    {
      method: 'POST',
      path: '/api/holds',
      setupRequest: (request, buyer: Buyer) => {
        start(buyer, 'hold');
        return {
          ...request,
          body: JSON.stringify({ product_id: pickCrowdProduct(products), qty: 1 + Math.floor(Math.random() * 3) }),
        };
      },
      onResponse: (status, body, buyer: Buyer) => {
        if (answered(buyer, status, body, status === 201)) buyer.holdId = JSON.parse(body).id;
      },
    },
    {
      setupRequest: (request, buyer: Buyer) => {
        if (!buyer.holdId) return null as never;
        if (Math.random() < RELEASE_SHARE) {
          start(buyer, 'release');
          return {
            ...request,
            method: 'DELETE',
            path: `/api/holds/${buyer.holdId}`,
            body: undefined,
            headers: { authorization },
          };
        }
        start(buyer, 'order');
        return { ...request, method: 'POST', path: '/api/orders', body: JSON.stringify({ hold_id: buyer.holdId }) };
      },
      onResponse: (status, body, buyer: Buyer) => {
        if (buyer.step === 'release') {
          answered(buyer, status, body, status === 200 && JSON.parse(body).status === 'released');
        } else if (answered(buyer, status, body, status === 201)) {
          buyer.orderId = JSON.parse(body).id;
          if (Math.random() < ABANDON_SHARE) {
            buyer.orderId = undefined;
            tally.abandoned++;
          }
        }
      },
    },
    {
      setupRequest: (request, buyer: Buyer) => {
        if (!buyer.orderId || buyer.step !== 'order') return null as never;
        start(buyer, 'webhook');
        buyer.paymentStatus = Math.random() < PAYMENT_SUCCESS_SHARE ? 'success' : 'failed';
        buyer.delivery = JSON.stringify({
          order_id: buyer.orderId,
          status: buyer.paymentStatus,
          idempotency_key: `evt_${randomUUID()}`,
        });
        return { ...request, method: 'POST', path: '/api/payments/webhook', body: buyer.delivery };
      },
      onResponse: (status, body, buyer: Buyer) => {
        const expected = buyer.paymentStatus === 'success' ? 'paid' : 'failed';
        // A delivery slower than the deadline finds its order expired: a success still pays it
        // (the stock is ample), a failure is ignored.
        if (
          buyer.paymentStatus === 'failed' &&
          status === 200 &&
          body === JSON.stringify({ result: 'ignored', order_status: 'expired' })
        ) {
          buyer.paymentStatus = undefined;
          if (answered(buyer, status, body, true)) tally.failedAfterExpiry++;
          return;
        }
        const ok = status === 200 && body === JSON.stringify({ result: 'processed', order_status: expected });
        if (answered(buyer, status, body, ok)) tally[expected]++;
      },
    },
    {
      setupRequest: (request, buyer: Buyer) => {
        if (buyer.step !== 'webhook' || !buyer.paymentStatus || Math.random() >= REDELIVERY_SHARE) return null as never;
        start(buyer, 'redelivery');
        return { ...request, method: 'POST', path: '/api/payments/webhook', body: buyer.delivery };
      },
      onResponse: (status, body, buyer: Buyer) => {
        const expected = buyer.paymentStatus === 'success' ? 'paid' : 'failed';
        answered(buyer, status, body, status === 200 && body === JSON.stringify({ result: 'duplicate', order_status: expected }));
      },
    },
  ];
}

function percentiles(values: number[]): { p50: number; p99: number } {
  if (values.length === 0) return { p50: 0, p99: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10;
  return { p50: at(0.5), p99: at(0.99) };
}
