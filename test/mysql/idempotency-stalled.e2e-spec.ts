import request from 'supertest';
import { QueryRunner } from 'typeorm';
import { IDEMPOTENCY_LEASE_SECONDS } from '../../src/idempotency/idempotency.service';
import { newProduct } from '../support/factories';
import { expectInvariants } from '../support/invariants';
import { startTestApp, TestApp } from '../support/test-app';
import { HoldsService } from '../../src/holds/holds.service';
import { until } from '../support/row-lock';

/**
 * The Idempotency-Key cases that need a request stalled inside its transaction, staged by
 * holding the product's row lock from outside the service: MySQL only (SQLite has no row locks;
 * there every write waits for the one writer, the key's claim included, so the stall cannot be
 * staged). The other Idempotency-Key tests (../idempotency.e2e-spec.ts) run on both engines.
 */
describe('Idempotency-Key with a request stalled in its transaction (e2e, MySQL)', () => {
  let t: TestApp;
  let keySeq = 0;
  const newKey = () => `stalled-${Date.now()}-${++keySeq}`;

  beforeAll(async () => {
    t = await startTestApp({ HOLD_TTL_SECONDS: '120' });
  });
  afterAll(() => t.close());

  const postHold = (key: string, body: object) => request(t.url).post('/api/holds').set('idempotency-key', key).send(body);

  async function count(sql: string, params: unknown[]): Promise<number> {
    const [{ n }] = await t.dataSource.query(sql, params);
    return Number(n);
  }
  const holdsOf = (productId: number) => count('SELECT COUNT(*) AS n FROM holds WHERE product_id = ?', [productId]);

  /** Holds the product's row lock from outside the service, so that a request stalls inside its transaction. */
  async function lockProduct(productId: number): Promise<QueryRunner> {
    const runner = t.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query('SELECT id FROM products WHERE id = ? FOR UPDATE', [productId]);
    return runner;
  }
  async function untilClaimed(key: string): Promise<void> {
    while ((await count('SELECT COUNT(*) AS n FROM idempotency_keys WHERE idempotency_key = ?', [key])) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('answers 409 while the first request with the key is still running, then replays its answer', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const key = newKey();
    const lock = await lockProduct(product.id);
    const first = postHold(key, { product_id: product.id, qty: 1 }).then((r) => r);
    await untilClaimed(key);
    const second = await postHold(key, { product_id: product.id, qty: 1 }).expect(409);
    expect(second.body).toMatchObject({ status: 409, code: 'idempotency-key-in-use' });
    expect(second.headers['retry-after']).toBeDefined();
    await lock.commitTransaction();
    await lock.release();
    const answered = await first;
    expect(answered.status).toBe(201);
    const retry = await postHold(key, { product_id: product.id, qty: 1 }).expect(201);
    expect(retry.body).toEqual(answered.body);
    expect(await holdsOf(product.id)).toBe(1);
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('never executes twice when a slow owner outlives its lease: the hold and its key commit together or not at all', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const key = newKey();
    const lock = await lockProduct(product.id);
    const slow = postHold(key, { product_id: product.id, qty: 1 }).then((r) => r);
    await untilClaimed(key);
    t.clock.advance(IDEMPOTENCY_LEASE_SECONDS + 1);
    let retrySettled = false;
    const retry = postHold(key, { product_id: product.id, qty: 1 }).then((r) => ((retrySettled = true), r));
    // The retry has done all it can while the owner is stalled: answered already, or queued
    // behind the owner's batch for the product (seen in the batcher). Only then the owner goes on.
    const batcher = t.app.get(HoldsService).batcher!;
    await until(() => retrySettled || batcher.queued(product.id) >= 1);
    await lock.commitTransaction();
    await lock.release();
    const statuses = [(await slow).status, (await retry).status].sort();
    expect(statuses).toEqual([201, 409]);
    expect(await holdsOf(product.id)).toBe(1);
    const [row] = await t.dataSource.query('SELECT status, response_body FROM idempotency_keys WHERE idempotency_key = ?', [key]);
    const winner = (await slow).status === 201 ? await slow : await retry;
    expect(row.status).toBe('completed');
    expect(JSON.parse(row.response_body)).toEqual(winner.body);
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });
});
