import request from 'supertest';
import { execute } from '../src/database/sql';
import { IDEMPOTENCY_LEASE_SECONDS } from '../src/idempotency/idempotency.service';
import { requestFingerprint } from '../src/idempotency/idempotency-key';
import { IdempotencyKeySweeper } from '../src/idempotency/idempotency-key-sweeper';
import { newHold, newProduct } from './support/factories';
import { expectInvariants } from './support/invariants';
import { startTestApp, TestApp } from './support/test-app';

describe('Idempotency-Key on POST /api/holds and /api/orders (e2e)', () => {
  let t: TestApp;
  let keySeq = 0;
  const newKey = () => `key-${Date.now()}-${++keySeq}`;

  beforeAll(async () => {
    t = await startTestApp({ HOLD_TTL_SECONDS: '120' });
  });
  afterAll(() => t.close());

  const postHold = (key: string | null, body: object) => {
    const req = request(t.url).post('/api/holds');
    if (key !== null) req.set('idempotency-key', key);
    return req.send(body);
  };
  const postOrder = (key: string, holdId: string) =>
    request(t.url).post('/api/orders').set('idempotency-key', key).send({ hold_id: holdId });

  async function count(sql: string, params: unknown[]): Promise<number> {
    const [{ n }] = await t.dataSource.query(sql, params);
    return Number(n);
  }
  const holdsOf = (productId: number) => count('SELECT COUNT(*) AS n FROM holds WHERE product_id = ?', [productId]);

  it('replays the stored answer for a retry: same status and body, one hold', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const key = newKey();
    const first = await postHold(key, { product_id: product.id, qty: 2 }).expect(201);
    t.clock.advance(5);
    const retry = await postHold(key, { qty: 2, product_id: product.id }).expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const quoted = await postHold(`"${key}"`, { product_id: product.id, qty: 2 }).expect(201);
    expect(quoted.body).toEqual(first.body);
    expect(await holdsOf(product.id)).toBe(1);
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('answers 422 for the same key with another body, and 400 for a malformed key; nothing is created', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const key = newKey();
    await postHold(key, { product_id: product.id, qty: 1 }).expect(201);
    const reused = await postHold(key, { product_id: product.id, qty: 2 }).expect(422);
    expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reused.body).toMatchObject({ status: 422, code: 'idempotency-key-reused' });
    for (const bad of ['has space', 'k'.repeat(256), '"unterminated', 'clé']) {
      const res = await postHold(bad, { product_id: product.id, qty: 1 }).expect(400);
      expect(res.body).toMatchObject({ status: 400, code: 'invalid-idempotency-key' });
    }
    expect(await holdsOf(product.id)).toBe(1);
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('stores refusals too: a retry of a 409 gets the same 409 even once stock is back', async () => {
    const product = await newProduct(t.dataSource, { stock: 2 });
    const blocker = await postHold(null, { product_id: product.id, qty: 2 }).expect(201);
    const key = newKey();
    const refused = await postHold(key, { product_id: product.id, qty: 1 }).expect(409);
    await request(t.url).delete(`/api/holds/${blocker.body.id}`).expect(200);
    const retry = await postHold(key, { product_id: product.id, qty: 1 }).expect(409);
    expect(retry.body).toEqual(refused.body);
    expect(retry.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await count("SELECT COUNT(*) AS n FROM holds WHERE product_id = ? AND status = 'active'", [product.id])).toBe(0);
    await expectInvariants(t.dataSource, new Map([[product.id, 2]]));
  });

  it('does not store a request refused before it ran (validation): the key stays free', async () => {
    const product = await newProduct(t.dataSource, { stock: 50 });
    const key = newKey();
    await postHold(key, { product_id: product.id, qty: 11 }).expect(400);
    await postHold(key, { product_id: product.id, qty: 'x' }).expect(400);
    expect(await count('SELECT COUNT(*) AS n FROM idempotency_keys WHERE idempotency_key = ?', [key])).toBe(0);
    await postHold(key, { product_id: product.id, qty: 3 }).expect(201);
  });

  it('executes one of 30 truly parallel requests with one key, and answers the rest with it or 409', async () => {
    const product = await newProduct(t.dataSource, { stock: 100 });
    const key = newKey();
    const responses = await Promise.all(Array.from({ length: 30 }, () => postHold(key, { product_id: product.id, qty: 1 })));
    const created = responses.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(responses.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect(await holdsOf(product.id)).toBe(1);
    await expectInvariants(t.dataSource, new Map([[product.id, 100]]));
  });

  it('takes over a claim whose owner died before committing, once its lease is over', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const key = newKey();
    const now = t.clock.now();
    // What a process killed between its claim and its commit leaves behind.
    await execute(
      t.dataSource,
      `INSERT INTO idempotency_keys (scope, idempotency_key, fingerprint, status, owner_token, lease_until, created_at, expires_at)
       VALUES ('holds', ?, ?, 'in_progress', 'dead-owner', ?, ?, ?)`,
      [
        key,
        requestFingerprint({ product_id: product.id, qty: 1 }),
        new Date(now.getTime() + IDEMPOTENCY_LEASE_SECONDS * 1000),
        now,
        new Date(now.getTime() + 86_400_000),
      ],
    );
    await postHold(key, { product_id: product.id, qty: 1 }).expect(409);
    t.clock.advance(IDEMPOTENCY_LEASE_SECONDS + 1);
    const res = await postHold(key, { product_id: product.id, qty: 1 }).expect(201);
    await postHold(key, { product_id: product.id, qty: 1 }).expect(201, res.body);
    expect(await holdsOf(product.id)).toBe(1);
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('keys orders apart from holds, replays 201 and stored refusals, and refuses another hold_id with 422', async () => {
    const product = await newProduct(t.dataSource, { stock: 5, price: '7.50' });
    const key = newKey();
    const hold = await postHold(key, { product_id: product.id, qty: 2 }).expect(201);
    const order = await postOrder(key, hold.body.id).expect(201);
    expect(order.body).toMatchObject({ hold_id: hold.body.id, amount: '15.00', status: 'pending' });
    expect(order.headers['idempotent-replayed']).toBeUndefined();
    const replay = await postOrder(key, hold.body.id).expect(201);
    expect(replay.body).toEqual(order.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    // Without the key the same hold answers 200 with the same order (the contract), not twice.
    await request(t.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(200, order.body);
    const other = await postHold(null, { product_id: product.id, qty: 1 }).expect(201);
    await postOrder(key, other.body.id).expect(422);

    const overdue = await newHold(t.dataSource, product, { qty: 1, expiresAt: new Date(t.clock.now().getTime() - 1000) });
    const expiredKey = newKey();
    const gone = await postOrder(expiredKey, overdue.id).expect(410);
    const goneAgain = await postOrder(expiredKey, overdue.id).expect(410, gone.body);
    expect(goneAgain.headers['idempotent-replayed']).toBe('true');
    expect(goneAgain.headers['content-type']).toMatch(/^application\/problem\+json/);
    const unknownKey = newKey();
    const missing = await postOrder(unknownKey, '00000000-0000-7000-8000-000000000000').expect(404);
    await postOrder(unknownKey, '00000000-0000-7000-8000-000000000000').expect(404, missing.body);
    expect(await count('SELECT COUNT(*) AS n FROM orders WHERE product_id = ?', [product.id])).toBe(1);
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });

  it('sweeps records after 24 hours; the key is then free for a new request', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const key = newKey();
    const first = await postHold(key, { product_id: product.id, qty: 1 }).expect(201);
    const stored = () => count('SELECT COUNT(*) AS n FROM idempotency_keys WHERE idempotency_key = ?', [key]);
    t.clock.advance(24 * 3600 - 10);
    await t.app.get(IdempotencyKeySweeper).deleteExpired();
    expect(await stored()).toBe(1);
    await postHold(key, { product_id: product.id, qty: 1 }).expect(201, first.body);
    t.clock.advance(11);
    expect(await t.app.get(IdempotencyKeySweeper).deleteExpired()).toBeGreaterThanOrEqual(1);
    expect(await stored()).toBe(0);
    const again = await postHold(key, { product_id: product.id, qty: 1 }).expect(201);
    expect(again.body.id).not.toBe(first.body.id);
    await t.sweeper.claimExpired();
    await expectInvariants(t.dataSource, new Map([[product.id, 5]]));
  });
});
