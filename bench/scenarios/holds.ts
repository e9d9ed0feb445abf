// `hot` (with and without batching) and `sellout`: the crowd on one product's hold endpoint.
import { crowdJsonHeaders } from '../lib/auth';
import { invariantsCheck, storedCheck } from '../lib/checks';
import { count, insertProduct } from '../lib/database';
import { fire } from '../lib/load';
import { AppUnderTest, BenchOptions, check, measured, resultOf, Scenario, withApp } from '../lib/scenario';

/** Far more than any run can hold: `hot` must never sell out. */
const UNLIMITED = 1_000_000_000;
const HOT_CONNECTIONS = 256;

/**
 * Unmeasured holds on a product of their own, so the server's JIT and pools are warm. With a
 * `stock` that the warm-up sells out (sellout's), it warms the refusals too: the code the
 * measured load runs is compiled before the clock starts, for grants and refusals alike.
 */
export async function warmUpHolds(app: AppUnderTest, options: BenchOptions, label: string, stock = UNLIMITED): Promise<number> {
  const headers = await crowdJsonHeaders();
  const product = await insertProduct(app.db, 'Warm-up', stock);
  if (options.warmup > 0) {
    await fire(`${label} warm-up`, {
      url: `${app.url}/api/holds`,
      method: 'POST',
      headers,
      body: JSON.stringify({ product_id: product, qty: 1 }),
      connections: HOT_CONNECTIONS,
      duration: options.warmup,
    });
  }
  return product;
}

export function hot(batching: boolean): Scenario {
  return batching
    ? holdCrowd('hot', `holds on one product that never sells out, ${HOT_CONNECTIONS} connections`, { HOLD_BATCHING: 'on' })
    : holdCrowd('hot-unbatched', 'the same with HOLD_BATCHING=off: one transaction per hold (the baseline)', {
        HOLD_BATCHING: 'off',
      });
}

/** The `hot` load on two worker processes sharing the port (CPU and memory counted over all of them). */
export const clustered: Scenario = holdCrowd(
  'cluster',
  `the hot load on CLUSTER_WORKERS=2 (a primary and two workers), ${HOT_CONNECTIONS} connections`,
  { HOLD_BATCHING: 'on', CLUSTER_WORKERS: '2' },
);

/** A crowd of holds (qty 1) on one product that never sells out, on a server started with `env`. */
function holdCrowd(name: string, title: string, env: Record<string, string>): Scenario {
  return {
    name,
    title,
    async run(options) {
      const run = await withApp(name, env, options, async (app) => {
        const warm = await warmUpHolds(app, options, name);
        const product = await insertProduct(app.db, 'Hot', UNLIMITED);
        const headers = await crowdJsonHeaders();
        const { result, cpuSeconds } = await app.measure(() =>
          fire(name, {
            url: `${app.url}/api/holds`,
            method: 'POST',
            headers,
            body: JSON.stringify({ product_id: product, qty: 1 }),
            connections: HOT_CONNECTIONS,
            duration: options.duration,
          }),
        );
        const m = measured(result, cpuSeconds);
        const created = m.statuses['201'] ?? 0;
        const stored = await count(app.db, 'SELECT COUNT(*) FROM holds WHERE product_id = ?', [product]);
        const available = await count(app.db, 'SELECT stock - reserved FROM products WHERE id = ?', [product]);
        const invariants = await invariantsCheck(
          app.db,
          new Map([
            [warm, UNLIMITED],
            [product, UNLIMITED],
          ]),
        );
        const checks = [
          check(
            'every hold answered 201',
            created === m.requests && m.errors === 0,
            JSON.stringify({ ...m.statuses, errors: m.errors }),
          ),
          storedCheck('holds stored = 201s answered (+ at most one in flight per connection)', stored, created, HOT_CONNECTIONS),
          check('never sold out', available > 0, `${available} available`),
          invariants,
        ];
        return { m, created, checks };
      });
      return resultOf(this, 'holds/s', run.value.created, run);
    },
  };
}

export const SELLOUT_STOCK = 2_000;
export const SELLOUT_ATTEMPTS = 20_000;

export const sellout: Scenario = {
  name: 'sellout',
  title: `${SELLOUT_ATTEMPTS.toLocaleString('en-US')} hold attempts on ${SELLOUT_STOCK.toLocaleString('en-US')} units, ${HOT_CONNECTIONS} connections`,
  async run(options) {
    const run = await withApp('sellout', {}, options, async (app) => {
      // Its warm-up is a sell-out of its own (the same stock), as `hot`'s is a crowd of grants.
      const warm = await warmUpHolds(app, options, 'sellout', SELLOUT_STOCK);
      const product = await insertProduct(app.db, 'Sellout', SELLOUT_STOCK);
      const headers = await crowdJsonHeaders();
      const { result, cpuSeconds } = await app.measure(() =>
        fire('sellout', {
          url: `${app.url}/api/holds`,
          method: 'POST',
          headers,
          body: JSON.stringify({ product_id: product, qty: 1 }),
          connections: HOT_CONNECTIONS,
          amount: SELLOUT_ATTEMPTS,
        }),
      );
      const m = measured(result, cpuSeconds);
      const won = m.statuses['201'] ?? 0;
      const refused = m.statuses['409'] ?? 0;
      const active = await count(app.db, "SELECT COUNT(*) FROM holds WHERE product_id = ? AND status = 'active'", [product]);
      const available = await count(app.db, 'SELECT stock - reserved FROM products WHERE id = ?', [product]);
      const invariants = await invariantsCheck(
        app.db,
        new Map([
          [warm, SELLOUT_STOCK],
          [product, SELLOUT_STOCK],
        ]),
      );
      const checks = [
        check(`exactly ${SELLOUT_STOCK} answered 201`, won === SELLOUT_STOCK, `${won}`),
        check(
          'every other attempt answered 409',
          refused === SELLOUT_ATTEMPTS - SELLOUT_STOCK && m.requests === SELLOUT_ATTEMPTS && m.errors === 0,
          JSON.stringify({ ...m.statuses, errors: m.errors }),
        ),
        check(
          `exactly ${SELLOUT_STOCK} active holds stored, 0 available`,
          active === SELLOUT_STOCK && available === 0,
          `${active} stored, ${available} available`,
        ),
        invariants,
      ];
      return { m, checks };
    });
    return resultOf(this, 'req/s', run.value.m.requests, run);
  },
};
