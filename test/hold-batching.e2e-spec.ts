import { EntityManager } from 'typeorm';
import { HoldsService } from '../src/holds/holds.service';
import { newProduct } from './support/factories';
import { postHold } from './support/http';
import { expectInvariants } from './support/invariants';
import { lockProductRow, until } from './support/row-lock';
import { startTestApp, TestApp } from './support/test-app';
import { expectStormOutcome } from './support/storm';

/** Units held by a product's active holds, and its `reserved` column. */
async function held(t: TestApp, productId: number): Promise<{ units: number; reserved: number }> {
  const [row] = await t.dataSource.query(
    `SELECT p.reserved, (SELECT COALESCE(SUM(qty), 0) FROM holds WHERE product_id = p.id AND status = 'active') AS units
       FROM products p WHERE p.id = ?`,
    [productId],
  );
  return { units: Number(row.units), reserved: Number(row.reserved) };
}

describe('hold batching (group commit), against MariaDB', () => {
  let t: TestApp;
  let holds: HoldsService;

  beforeAll(async () => {
    t = await startTestApp({ HOLD_BATCH_MAX: '3' });
    holds = t.app.get(HoldsService);
  });
  afterAll(() => t.close());

  it('never oversells under 400 parallel requests of mixed quantities, and refuses only what no longer fits', async () => {
    // The stock runs out within the first few batches (demand is 2,200 units), so refusals come
    // long before a loaded machine sheds the tail of the queue with 503 (a 2 s queue wait).
    const stock = 60;
    const product = await newProduct(t.dataSource, { stock });
    const quantities = Array.from({ length: 400 }, (_, i) => 1 + ((i * 7) % 10));
    const responses = await Promise.all(quantities.map((qty) => postHold(t.url, product.id, qty)));

    const granted = responses.filter((r) => r.status === 201);
    const refused = responses.filter((r) => r.status === 409);
    // A loaded box may shed some with 503 + Retry-After (the contract's answer); nothing else.
    const shed = responses.filter((r) => r.status === 503);
    expect(granted.length + refused.length + shed.length).toBe(400);
    for (const r of shed) expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const grantedUnits = granted.reduce((sum, r) => sum + r.body.qty, 0);
    expect(grantedUnits).toBeLessThanOrEqual(stock);
    expect(await held(t, product.id)).toEqual({ units: grantedUnits, reserved: grantedUnits });
    // Demand far exceeds the stock, so some requests were refused; each refusal
    // was right then and is still right now (nothing was released since).
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.body.requested).toBeGreaterThan(r.body.available);
      expect(r.body.requested).toBeGreaterThan(stock - grantedUnits);
    }
    await expectInvariants(t.dataSource, new Map([[product.id, stock]]));
  });

  it('decides the requests that arrive while a batch is in flight together, in arrival order, HOLD_BATCH_MAX at a time', async () => {
    const product = await newProduct(t.dataSource, { stock: 100 });
    const lock = await lockProductRow(t.config.database, product.id);
    const decided: Array<{ request: number; transaction: EntityManager }> = [];
    const reserve = (request: number) =>
      holds.reserve(product.id, 1, null, async (transaction) => {
        decided.push({ request, transaction });
      });

    const first = reserve(0);
    await lock.waitForWaiters(1);
    const rest = [1, 2, 3, 4, 5, 6, 7].map(reserve);
    expect(holds.batcher!.queued(product.id)).toBe(7);
    await lock.release();
    await Promise.all([first, ...rest]);

    expect(decided.map((d) => d.request)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const transactions = [...new Set(decided.map((d) => d.transaction))];
    const sizes = transactions.map((tx) => decided.filter((d) => d.transaction === tx).length);
    expect(sizes).toEqual([1, 3, 3, 1]);
    expect(await held(t, product.id)).toEqual({ units: 8, reserved: 8 });
    await expectInvariants(t.dataSource, new Map([[product.id, 100]]));
  });

  it('grants in arrival order: with one unit left, the earliest queued request wins', async () => {
    const product = await newProduct(t.dataSource, { stock: 2 });
    const lock = await lockProductRow(t.config.database, product.id);
    const first = postHold(t.url, product.id);
    await lock.waitForWaiters(1);
    const queued: Array<ReturnType<typeof postHold>> = [];
    for (let i = 1; i <= 3; i++) {
      queued.push(postHold(t.url, product.id));
      await until(() => holds.batcher!.queued(product.id) === i);
    }
    await lock.release();

    expect((await first).status).toBe(201);
    expect((await Promise.all(queued)).map((r) => r.status)).toEqual([201, 409, 409]);
    await expectInvariants(t.dataSource, new Map([[product.id, 2]]));
  });

  it('fails only the request whose in-transaction work throws; its batch-mates are granted', async () => {
    const product = await newProduct(t.dataSource, { stock: 10 });
    const lock = await lockProductRow(t.config.database, product.id);
    const first = holds.reserve(product.id, 1, null);
    await lock.waitForWaiters(1);
    const answers: number[] = [];
    const b = holds.reserve(product.id, 2, null, async (_m, answer) => void answers.push(answer.status));
    const c = holds.reserve(product.id, 3, null, async () => {
      throw new Error('the idempotency record could not be stored');
    });
    const d = holds.reserve(product.id, 4, null);
    expect(holds.batcher!.queued(product.id)).toBe(3);
    await lock.release();

    await expect(c).rejects.toThrow('the idempotency record could not be stored');
    expect(await first).toMatchObject({ qty: 1, status: 'active' });
    expect(await b).toMatchObject({ qty: 2, status: 'active' });
    expect(await d).toMatchObject({ qty: 4, status: 'active' });
    // b's hook ran in the failed batch (rolled back) and again when decided alone.
    expect(answers).toEqual([201, 201]);
    expect(await held(t, product.id)).toEqual({ units: 7, reserved: 7 });
    await expectInvariants(t.dataSource, new Map([[product.id, 10]]));
  });

  it('answers 503 to the batch whose connection is killed, and the requests queued behind it are decided', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const lock = await lockProductRow(t.config.database, product.id);
    const first = postHold(t.url, product.id);
    await lock.waitForWaiters(1);
    const queued = [postHold(t.url, product.id), postHold(t.url, product.id)];
    await until(() => holds.batcher!.queued(product.id) === 2);
    await lock.killWaiter();
    // The killed batch is not retried (a lost connection may have committed): the next one waits.
    await lock.waitForWaiters(1);
    await lock.release();

    const killed = await first;
    expect(killed.status).toBe(503);
    expect(killed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(killed.headers.get('retry-after')).toBeTruthy();
    expect(JSON.stringify(killed.body)).not.toMatch(/SELECT|killed|stack/i);
    expect((await Promise.all(queued)).map((r) => r.status)).toEqual([201, 201]);
    expect(await held(t, product.id)).toEqual({ units: 2, reserved: 2 });
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });
});

describe('HOLD_BATCHING=off: one transaction per request (the baseline)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ HOLD_BATCHING: 'off' });
  });
  afterAll(() => t.close());

  it('has no batcher and still gives exactly the stock to 200 parallel requests', async () => {
    expect(t.app.get(HoldsService).batcher).toBeNull();
    const product = await newProduct(t.dataSource, { stock: 40 });
    const responses = await Promise.all(Array.from({ length: 200 }, () => postHold(t.url, product.id)));
    expectStormOutcome(responses, 40);
    await expectInvariants(t.dataSource, new Map([[product.id, 40]]));
  });
});
