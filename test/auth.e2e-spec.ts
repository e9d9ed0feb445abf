import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import request from 'supertest';
import { newProduct } from './support/factories';
import { bearer, TEST_JWT_SECRET, tokenFor } from './support/auth';
import { startTestApp, TestApp } from './support/test-app';

const secret = new TextEncoder().encode(TEST_JWT_SECRET);

/** An HS256 token with whatever claims and header a test needs to get wrong. */
function hs256(claims: Record<string, unknown>, header: Record<string, unknown> = {}, key = secret) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', ...header }).sign(key);
}

function unsigned(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

function expectUnauthorized(res: request.Response): void {
  expect(res.status).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['www-authenticate']).toMatch(/^Bearer\b/);
  expect(res.body).toMatchObject({ status: 401, code: 'unauthorized' });
}

describe('customer identity with an HS256 secret (e2e)', () => {
  let t: TestApp;
  const exp = () => Math.floor(t.clock.now().getTime() / 1000) + 600;

  beforeAll(async () => {
    t = await startTestApp({ AUTH_JWT_SECRET: TEST_JWT_SECRET, AUTH_AUDIENCE: 'flash-sale', AUTH_ISSUER: 'https://id.test' });
  });
  afterAll(() => t.close());

  it('files a hold and its order under the token subject', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const auth = bearer(await tokenFor(t, 'cus_42'));
    const hold = await request(t.url).post('/api/holds').set(auth).send({ product_id: product.id, qty: 2 }).expect(201);
    expect(hold.body.customer_id).toBe('cus_42');
    const order = await request(t.url).post('/api/orders').set(auth).send({ hold_id: hold.body.id }).expect(201);
    expect(order.body.customer_id).toBe('cus_42');
    const [row] = await t.dataSource.query('SELECT customer_id FROM orders WHERE id = ?', [order.body.id]);
    expect(row.customer_id).toBe('cus_42');
  });

  it('answers 401 with WWW-Authenticate to every wrong token, on every customer route, and changes nothing', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const base = { sub: 'cus_1', aud: 'flash-sale', iss: 'https://id.test' };
    const wrong: Record<string, string | undefined> = {
      missing: undefined,
      'not a bearer': 'Basic Y3VzOnB3',
      malformed: 'Bearer not.a.jwt',
      'bad signature': `Bearer ${await hs256({ ...base, exp: exp() }, {}, new TextEncoder().encode('another-secret-of-32-bytes-xxxxxxxxx'))}`,
      expired: `Bearer ${await hs256({ ...base, exp: Math.floor(t.clock.now().getTime() / 1000) - 1 })}`,
      'no exp': `Bearer ${await hs256(base)}`,
      'no sub': `Bearer ${await hs256({ aud: base.aud, iss: base.iss, exp: exp() })}`,
      'wrong audience': `Bearer ${await hs256({ ...base, aud: 'another-api', exp: exp() })}`,
      'wrong issuer': `Bearer ${await hs256({ ...base, iss: 'https://evil.test', exp: exp() })}`,
      'alg none': `Bearer ${unsigned({ ...base, exp: exp() })}`,
    };
    const hold = await request(t.url)
      .post('/api/holds')
      .set(bearer(await tokenFor(t, 'cus_1')))
      .send({ product_id: product.id, qty: 1 })
      .expect(201);
    const routes = [
      () => request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 }),
      () => request(t.url).get(`/api/holds/${hold.body.id}`),
      () => request(t.url).delete(`/api/holds/${hold.body.id}`),
      () => request(t.url).post('/api/orders').send({ hold_id: hold.body.id }),
      () => request(t.url).get(`/api/orders/${hold.body.id}`),
      () => request(t.url).post(`/api/orders/${hold.body.id}/cancel`),
    ];
    for (const [name, header] of Object.entries(wrong)) {
      for (const [index, route] of routes.entries()) {
        const req = route();
        if (header !== undefined) req.set('authorization', header);
        const res = await req;
        try {
          expectUnauthorized(res);
        } catch (error) {
          throw new Error(`${name} on route ${index}: ${(error as Error).message}`);
        }
      }
    }
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM holds WHERE product_id = ?', [product.id]);
    expect(Number(n)).toBe(1);
    const [{ status }] = await t.dataSource.query('SELECT status FROM holds WHERE id = ?', [hold.body.id]);
    expect(status).toBe('active');
  });

  it('refuses a token once the clock passes its exp', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const auth = bearer(await tokenFor(t, 'cus_2', { ttlSeconds: 60 }));
    await request(t.url).post('/api/holds').set(auth).send({ product_id: product.id, qty: 1 }).expect(201);
    t.clock.advance(61);
    expectUnauthorized(await request(t.url).post('/api/holds').set(auth).send({ product_id: product.id, qty: 1 }));
  });

  it("answers another customer's hold or order exactly as an unknown one, on every route", async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const alice = bearer(await tokenFor(t, 'alice'));
    const mallory = bearer(await tokenFor(t, 'mallory'));
    const hold = await request(t.url).post('/api/holds').set(alice).send({ product_id: product.id, qty: 1 }).expect(201);
    const other = await request(t.url).post('/api/holds').set(alice).send({ product_id: product.id, qty: 1 }).expect(201);
    const order = await request(t.url).post('/api/orders').set(alice).send({ hold_id: other.body.id }).expect(201);
    const unknown = '01936a4f-2f4a-7d3b-b1d6-2a5c8f0e91c4';

    const pairs: Array<[request.Test, request.Test]> = [
      [request(t.url).get(`/api/holds/${hold.body.id}`).set(mallory), request(t.url).get(`/api/holds/${unknown}`).set(mallory)],
      [
        request(t.url).delete(`/api/holds/${hold.body.id}`).set(mallory),
        request(t.url).delete(`/api/holds/${unknown}`).set(mallory),
      ],
      [
        request(t.url).post('/api/orders').set(mallory).send({ hold_id: hold.body.id }),
        request(t.url).post('/api/orders').set(mallory).send({ hold_id: unknown }),
      ],
      [
        request(t.url).get(`/api/orders/${order.body.id}`).set(mallory),
        request(t.url).get(`/api/orders/${unknown}`).set(mallory),
      ],
      [
        request(t.url).post(`/api/orders/${order.body.id}/cancel`).set(mallory),
        request(t.url).post(`/api/orders/${unknown}/cancel`).set(mallory),
      ],
    ];
    for (const [theirs, none] of pairs) {
      const [a, b] = [await theirs, await none];
      expect(a.status).toBe(404);
      // The same answer but for the id echoed in the detail.
      const hideId = (body: Record<string, unknown>) => ({ ...body, detail: String(body.detail).replace(/[0-9a-f-]{36}/, 'ID') });
      expect(hideId(a.body)).toEqual(hideId(b.body));
    }
    // Nothing happened to alice's hold, and she still sees both.
    await request(t.url)
      .get(`/api/holds/${hold.body.id}`)
      .set(alice)
      .expect(200)
      .expect(({ body }) => expect(body.status).toBe('active'));
    await request(t.url)
      .get(`/api/orders/${order.body.id}`)
      .set(alice)
      .expect(200)
      .expect(({ body }) => expect(body.status).toBe('pending'));
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM orders WHERE hold_id = ?', [hold.body.id]);
    expect(Number(n)).toBe(0);
  });

  it("scopes an Idempotency-Key to its customer: another customer's same key is a new request", async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const send = async (sub: string) =>
      request(t.url)
        .post('/api/holds')
        .set(bearer(await tokenFor(t, sub)))
        .set('idempotency-key', 'same-key-1')
        .send({ product_id: product.id, qty: 1 });
    const first = await send('alice');
    const replay = await send('alice');
    const bob = await send('bob');
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(bob.status).toBe(201);
    expect(bob.headers['idempotent-replayed']).toBeUndefined();
    expect(bob.body.id).not.toBe(first.body.id);
    expect(bob.body.customer_id).toBe('bob');
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM holds WHERE product_id = ?', [product.id]);
    expect(Number(n)).toBe(2);
  });

  it('keeps the payment webhook on its own scheme: no customer token needed, none taken', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const auth = bearer(await tokenFor(t, 'cus_9'));
    const hold = await request(t.url).post('/api/holds').set(auth).send({ product_id: product.id, qty: 1 }).expect(201);
    const order = await request(t.url).post('/api/orders').set(auth).send({ hold_id: hold.body.id }).expect(201);
    await request(t.url)
      .post('/api/payments/webhook')
      .send({ order_id: order.body.id, status: 'success', idempotency_key: 'evt_auth_1' })
      .expect(200, { result: 'processed', order_status: 'paid' });
  });

  it('leaves product reads public', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    await request(t.url).get(`/api/products/${product.id}`).expect(200);
  });
});

/** The identity provider's key server, played by a local HTTP server that counts its requests. */
class KeyServer {
  keys: JWK[] = [];
  fetches = 0;
  private server: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((_req, res) => {
      this.fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: this.keys }));
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/.well-known/jwks.json`;
  }

  async stop(): Promise<void> {
    this.server.close();
    await once(this.server, 'close');
  }
}

async function newSigningKey(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, jwk };
}

describe('customer identity from a JWKS (e2e)', () => {
  let t: TestApp;
  const keyServer = new KeyServer();

  beforeAll(async () => {
    await keyServer.start();
    t = await startTestApp({ AUTH_JWKS_URL: keyServer.url });
  });
  afterAll(async () => {
    await t.close();
    await keyServer.stop();
  });

  const sign = (key: { kid: string; privateKey: Parameters<SignJWT['sign']>[0] }, sub: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setSubject(sub)
      .setExpirationTime(Math.floor(t.clock.now().getTime() / 1000) + 600)
      .sign(key.privateKey);
  const hold = (token: string, productId: number) =>
    request(t.url).post('/api/holds').set(bearer(token)).send({ product_id: productId, qty: 1 });

  it('accepts the provider keys, refuses HS256, follows a key rotation, and refetches at most once per 30 s', async () => {
    const product = await newProduct(t.dataSource, { stock: 50 });
    const first = await newSigningKey('key-1');
    keyServer.keys = [first.jwk];
    const ok = await hold(await sign(first, 'cus_jwks'), product.id);
    expect(ok.status).toBe(201);
    expect(ok.body.customer_id).toBe('cus_jwks');
    expect(keyServer.fetches).toBe(1);

    // An HS256 token, even one "signed" with the public key's bytes, never passes here.
    const hsToken = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .setSubject('cus_jwks')
      .setExpirationTime(Math.floor(t.clock.now().getTime() / 1000) + 600)
      .sign(new TextEncoder().encode(JSON.stringify(first.jwk)));
    expectUnauthorized(await hold(hsToken, product.id));
    expectUnauthorized(await hold(unsigned({ sub: 'cus_jwks', exp: 9_999_999_999 }), product.id));

    // The provider rotates; 30 s later a token of the new key makes us refetch, once.
    const second = await newSigningKey('key-2');
    keyServer.keys = [second.jwk];
    t.clock.advance(31);
    expect((await hold(await sign(second, 'cus_jwks'), product.id)).status).toBe(201);
    expect(keyServer.fetches).toBe(2);

    // A flood of made-up kids within the next 30 s costs the key server nothing more.
    const flood = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => hold(await sign({ ...(await newSigningKey(`bogus-${i}`)) }, 'x'), product.id)),
    );
    for (const res of flood) expectUnauthorized(res);
    expect(keyServer.fetches).toBe(2);
    // Past the interval an unknown kid may refetch again: one more request, however many tokens.
    t.clock.advance(31);
    const later = await Promise.all(
      Array.from({ length: 5 }, async () => hold(await sign(await newSigningKey('bogus-x'), 'x'), product.id)),
    );
    for (const res of later) expectUnauthorized(res);
    expect(keyServer.fetches).toBe(3);
    // The rotated-out key no longer opens anything; the current one still does.
    expectUnauthorized(await hold(await sign(first, 'cus_jwks'), product.id));
    expect((await hold(await sign(second, 'cus_jwks'), product.id)).status).toBe(201);
  });
});

describe('customer identity when the JWKS cannot be fetched (e2e)', () => {
  let t: TestApp;
  const keyServer = new KeyServer();

  beforeAll(async () => {
    await keyServer.start();
    const url = keyServer.url;
    await keyServer.stop(); // nothing listens there any more
    t = await startTestApp({ AUTH_JWKS_URL: url });
  });
  afterAll(() => t.close());

  it('answers 503 with Retry-After (it cannot judge the token either way) and creates nothing', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    const key = await newSigningKey('key-1');
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setSubject('cus_1')
      .setExpirationTime(Math.floor(t.clock.now().getTime() / 1000) + 600)
      .sign(key.privateKey);
    const res = await request(t.url).post('/api/holds').set(bearer(token)).send({ product_id: product.id, qty: 1 });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body).toMatchObject({ status: 503, code: 'service-unavailable' });
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM holds WHERE product_id = ?', [product.id]);
    expect(Number(n)).toBe(0);
  });
});
