import request from 'supertest';
import { newId } from '../../src/core/ids';
import { newProduct } from '../support/factories';
import { expectInvariants } from '../support/invariants';
import { until } from '../support/row-lock';
import { startTestApp, TestApp } from '../support/test-app';

const TTL_SECONDS = 60;

/**
 * A read never calls a hold "expired" while a conversion that was decided in time has yet to
 * commit. Staged on MySQL only: the conversion is held after its decision, at its INSERT into
 * orders, by an uncommitted order row with the same hold_id on another connection (unique key);
 * SQLite's single writer cannot stop a transaction half-way.
 */
describe('reading a hold while its conversion commits (e2e, MySQL)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ HOLD_TTL_SECONDS: String(TTL_SECONDS) });
  });
  afterAll(() => t.close());

  async function sessionsWaiting(statement: string): Promise<number> {
    const [{ n }] = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST
        WHERE DB = DATABASE() AND COMMAND = 'Query' AND INFO LIKE ? AND ID <> CONNECTION_ID()`,
      [`%${statement}%`],
    );
    return Number(n);
  }

  it('waits for the conversion and reads "converted", not "expired", past the expiry', async () => {
    const p = await newProduct(t.dataSource, { stock: 3 });
    const hold = (await request(t.url).post('/api/holds').send({ product_id: p.id, qty: 2 }).expect(201)).body;

    // Without foreign-key checks the row takes no lock on the hold, only its unique key entry.
    const blocker = t.dataSource.createQueryRunner();
    await blocker.connect();
    await blocker.query('SET SESSION foreign_key_checks = 0');
    await blocker.startTransaction();
    await blocker.query(
      `INSERT INTO orders (id, hold_id, product_id, qty, amount, status, pay_by, created_at, updated_at)
       VALUES (?, ?, ?, 2, '20.00', 'pending', ?, ?, ?)`,
      [newId(), hold.id, p.id, new Date(), new Date(), new Date()],
    );

    const order = request(t.url)
      .post('/api/orders')
      .send({ hold_id: hold.id })
      .then((res) => res);
    // Decided (in time) and waiting to insert its order row.
    await until(async () => (await sessionsWaiting('INSERT INTO orders')) >= 1);
    t.clock.advance(TTL_SECONDS + 1);
    let answered = false;
    const read = request(t.url)
      .get(`/api/holds/${hold.id}`)
      .then((res) => ((answered = true), res));
    await until(async () => answered || (await sessionsWaiting('FOR UPDATE')) >= 1);
    await blocker.rollbackTransaction();
    await blocker.release();

    const [ordered, seen] = await Promise.all([order, read]);
    expect(ordered.status).toBe(201);
    expect(seen.status).toBe(200);
    expect(seen.body.status).toBe('converted');
    await request(t.url)
      .get(`/api/holds/${hold.id}`)
      .expect(200)
      .expect(({ body }) => expect(body.status).toBe('converted'));
    await expectInvariants(t.dataSource, new Map([[p.id, 3]]));
  });
});
