import request from 'supertest';
import { toSqlDateTime } from '../../src/database/sql';
import { expectInvariants } from '../support/invariants';
import { newProduct } from '../support/factories';
import { lockProductRow } from '../support/row-lock';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The window is judged when the batch holds the product lock, not when the request arrived: a
 * crowd that queued before the opening and is decided after it is sold to, one that queued before
 * the end and is decided after it is refused. Staged with an outside row lock.
 */
describe('sale window decided under the product lock (MySQL row lock staging)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('sells to requests that waited for the lock across the opening, and refuses those that waited across the end', async () => {
    const product = await newProduct(t.dataSource, { stock: 100 });
    const at = (seconds: number) => toSqlDateTime(new Date(t.clock.now().getTime() + seconds * 1000));
    await t.dataSource.query('UPDATE products SET sale_starts_at = ?, sale_ends_at = ? WHERE id = ?', [
      at(10),
      at(20),
      product.id,
    ]);
    const hold = () => request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 });

    const lock = await lockProductRow(t.config.database, product.id);
    const queued = Array.from({ length: 30 }, () => hold().then((r) => r));
    await lock.waitForWaiters(1);
    t.clock.advance(10); // the sale opens while every one of them waits for the lock
    await lock.release();
    const opened = await Promise.all(queued);
    expect(opened.map((r) => r.status)).toEqual(Array(30).fill(201));

    const lock2 = await lockProductRow(t.config.database, product.id);
    const late = Array.from({ length: 10 }, () => hold().then((r) => r));
    await lock2.waitForWaiters(1);
    t.clock.advance(10); // and ends while these wait
    await lock2.release();
    for (const res of await Promise.all(late)) expect(res.body).toMatchObject({ status: 409, code: 'sale-ended' });
    await expectInvariants(t.dataSource, new Map([[product.id, 100]]));
  });
});
