import { DataSource } from 'typeorm';
import { openDataSource } from '../src/database/open-data-source';
import { HoldsService } from '../src/holds/holds.service';
import { newProduct } from './support/factories';
import { postHold } from './support/http';
import { expectInvariants } from './support/invariants';
import { lockProductRow, until } from './support/row-lock';
import { startTestApp, TestApp } from './support/test-app';
import { adminUrl, dropDatabase } from './support/test-database';

describe('hold queue limit (HOLD_QUEUE_MAX=2)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ HOLD_QUEUE_MAX: '2' });
  });
  afterAll(() => t.close());

  it('answers 503 with Retry-After when the product queue is full, changes nothing for it, and serves the queue', async () => {
    const holds = t.app.get(HoldsService);
    const product = await newProduct(t.dataSource, { stock: 10 });
    const lock = await lockProductRow(t.config.database, product.id);
    const inFlight = postHold(t.url, product.id);
    await lock.waitForWaiters(1);
    const queued = [postHold(t.url, product.id, 2)];
    await until(() => holds.batcher!.queued(product.id) === 1);
    queued.push(postHold(t.url, product.id, 3));
    await until(() => holds.batcher!.queued(product.id) === 2);

    const refused = await postHold(t.url, product.id, 4);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body).toMatchObject({ status: 503, code: 'hold-queue-full' });
    expect(holds.batcher!.queued(product.id)).toBe(2);

    await lock.release();
    expect((await inFlight).status).toBe(201);
    expect((await Promise.all(queued)).map((r) => [r.status, r.body.qty])).toEqual([
      [201, 2],
      [201, 3],
    ]);
    const [{ held }] = await t.dataSource.query("SELECT SUM(qty) AS held FROM holds WHERE product_id = ? AND status = 'active'", [
      product.id,
    ]);
    expect(Number(held)).toBe(6);
    await expectInvariants(t.dataSource, new Map([[product.id, 10]]));
  });

  it('refuses invalid requests before they can take a place in the queue', async () => {
    const holds = t.app.get(HoldsService);
    const product = await newProduct(t.dataSource, { stock: 10 });
    const lock = await lockProductRow(t.config.database, product.id);
    try {
      const inFlight = postHold(t.url, product.id);
      await lock.waitForWaiters(1);
      const tooMany = await postHold(t.url, product.id, t.config.maxQtyPerHold + 1);
      expect(tooMany.status).toBe(400);
      expect(holds.batcher!.queued(product.id)).toBe(0);
      await lock.release();
      expect((await inFlight).status).toBe(201);
    } finally {
      await lock.release();
    }
    await expectInvariants(t.dataSource, new Map([[product.id, 10]]));
  });
});

describe('shutdown drains the hold queues', () => {
  let t: TestApp;
  let verify: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    verify = await openDataSource(t.config.database);
  });
  afterAll(async () => {
    await verify.destroy();
    const url = new URL(adminUrl());
    url.pathname = `/${t.config.database.database}`;
    await dropDatabase(url.toString());
  });

  it('gives every request queued when app.close() starts its real answer before the process lets go of the database', async () => {
    const holds = t.app.get(HoldsService);
    const product = await newProduct(t.dataSource, { stock: 5 });
    const lock = await lockProductRow(t.config.database, product.id);
    const overHttp = [postHold(t.url, product.id)];
    await lock.waitForWaiters(1);
    for (let i = 1; i <= 4; i++) {
      overHttp.push(postHold(t.url, product.id));
      await until(() => holds.batcher!.queued(product.id) === i);
    }
    // Callers inside the process (no HTTP request keeps the server open for them).
    const direct = Promise.allSettled([1, 2, 3].map(() => holds.reserve(product.id, 1, null)));
    expect(holds.batcher!.queued(product.id)).toBe(7);

    const closing = t.app.close();
    await lock.release();
    const answers = await Promise.all(overHttp);
    const directAnswers = await direct;
    await closing;

    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(directAnswers.map((r) => (r.status === 'rejected' ? r.reason.code : 'granted'))).toEqual([
      'insufficient-stock',
      'insufficient-stock',
      'insufficient-stock',
    ]);
    await expectInvariants(verify, new Map([[product.id, 5]]));
  });
});
