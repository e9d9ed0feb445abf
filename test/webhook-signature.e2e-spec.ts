import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { newProduct } from './support/factories';
import { expectInvariants } from './support/invariants';
import { startServerProcess } from './support/server-process';
import { startTestApp, TestApp } from './support/test-app';
import { dropDatabase, newDatabaseUrl } from './support/test-database';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/** Signs as the gateway does, with the scheme's reference implementation. */
function signed(body: string, at: Date, secret = SECRET, id = `msg_${randomBytes(6).toString('hex')}`) {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

describe('signed payment webhooks (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_SECRET: SECRET });
  });
  afterAll(() => t.close());

  async function pendingOrder(stock = 5): Promise<{ productId: number; orderId: string }> {
    const product = await newProduct(t.dataSource, { stock });
    const hold = await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 }).expect(201);
    const order = await request(t.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(201);
    return { productId: product.id, orderId: order.body.id };
  }

  async function logCount(): Promise<number> {
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM webhook_logs');
    return Number(n);
  }

  it('applies a correctly signed delivery (signature over the raw bytes, spacing and all)', async () => {
    const { productId, orderId } = await pendingOrder();
    const body = `{ "order_id": "${orderId}",  "status": "success", "idempotency_key": "evt_signed_1" }`;
    const res = await request(t.url).post('/api/payments/webhook').set(signed(body, t.clock.now())).send(body).expect(200);
    expect(res.body).toEqual({ result: 'processed', order_status: 'paid' });
    await expectInvariants(t.dataSource, new Map([[productId, 5]]));
  });

  it('refuses forged, unsigned, tampered and stale deliveries with 401, before any database work', async () => {
    const { productId, orderId } = await pendingOrder();
    const body = JSON.stringify({ order_id: orderId, status: 'success', idempotency_key: 'evt_forged' });
    const before = await logCount();
    const forgedSecret = `whsec_${randomBytes(32).toString('base64')}`;
    const attempts = [
      { 'content-type': 'application/json' },
      signed(body, t.clock.now(), forgedSecret),
      signed(body.replace('evt_forged', 'evt_other'), t.clock.now()),
      signed(body, new Date(t.clock.now().getTime() - 6 * 60_000)),
      signed(body, new Date(t.clock.now().getTime() + 6 * 60_000)),
    ];
    for (const headers of attempts) {
      const res = await request(t.url).post('/api/payments/webhook').set(headers).send(body).expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, code: 'invalid-signature' });
      expect(JSON.stringify(res.body)).not.toContain(orderId);
    }
    expect(await logCount()).toBe(before);
    await request(t.url)
      .get(`/api/orders/${orderId}`)
      .expect(200)
      .expect((r) => expect(r.body.status).toBe('pending'));
    await expectInvariants(t.dataSource, new Map([[productId, 5]]));
  });

  it('answers an unknown order and a known one alike when the signature is bad', async () => {
    const { orderId } = await pendingOrder();
    const forged = `whsec_${randomBytes(32).toString('base64')}`;
    const answers = [];
    for (const id of [orderId, '00000000-0000-7000-8000-000000000000']) {
      const body = JSON.stringify({ order_id: id, status: 'success', idempotency_key: 'evt_probe' });
      const res = await request(t.url)
        .post('/api/payments/webhook')
        .set(signed(body, t.clock.now(), forged))
        .send(body);
      answers.push({ status: res.status, body: res.body });
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0].status).toBe(401);
  });

  it('judges the timestamp by the service clock (moved by the test)', async () => {
    const { orderId } = await pendingOrder();
    const body = JSON.stringify({ order_id: orderId, status: 'failed', idempotency_key: 'evt_clock' });
    const signedAt = t.clock.now();
    t.clock.advance(301);
    await request(t.url).post('/api/payments/webhook').set(signed(body, signedAt)).send(body).expect(401);
    await request(t.url).post('/api/payments/webhook').set(signed(body, t.clock.now())).send(body).expect(200);
  });
});

describe('webhook secret at start-up (e2e, the built server)', () => {
  const databaseUrl = newDatabaseUrl();
  afterAll(() => dropDatabase(databaseUrl));

  it('refuses to start in production without WEBHOOK_SECRET, and says why', async () => {
    await expect(startServerProcess({ DATABASE_URL: databaseUrl, NODE_ENV: 'production' })).rejects.toThrow(
      /server exited with 1:[\s\S]*WEBHOOK_SECRET must be set when NODE_ENV=production/,
    );
  });

  it('accepts unsigned deliveries without a secret in development, warning once at start', async () => {
    const server = await startServerProcess({ DATABASE_URL: databaseUrl, NODE_ENV: 'development' });
    try {
      const body = { order_id: '00000000-0000-7000-8000-000000000000', status: 'success', idempotency_key: 'evt_dev' };
      await request(server.url).post('/api/payments/webhook').send(body).expect(404);
      await request(server.url).post('/api/payments/webhook').send(body).expect(404);
      expect(server.output().match(/WEBHOOK_SECRET is not set/g)).toHaveLength(1);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('npm run webhook signs and sends a delivery that the server accepts', async () => {
    const server = await startServerProcess({ DATABASE_URL: databaseUrl, WEBHOOK_SECRET: SECRET });
    try {
      const product = (await request(server.url).get('/api/products?limit=1').expect(200)).body.data[0];
      const hold = await request(server.url).post('/api/holds').send({ product_id: product.id, qty: 1 }).expect(201);
      const order = await request(server.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(201);
      const cli = join(__dirname, '..', 'dist', 'cli', 'send-webhook.cli.js');
      const run = (secret: string) =>
        promisify(execFile)(
          process.execPath,
          [cli, '--order', order.body.id, '--status', 'success', '--key', 'evt_cli', '--url', server.url],
          { env: { PATH: process.env.PATH ?? '', WEBHOOK_SECRET: secret } },
        );
      await expect(run(`whsec_${randomBytes(32).toString('base64')}`)).rejects.toMatchObject({ stdout: /^401 / });
      const { stdout } = await run(SECRET);
      expect(stdout).toContain('200 {"result":"processed","order_status":"paid"}');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
