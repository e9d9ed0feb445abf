import { newProduct } from './support/factories';
import { expectInvariants } from './support/invariants';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, TestApp } from './support/test-app';
import { adminUrl, dropDatabase, newDatabaseUrl } from './support/test-database';

/** The contract: while the database is gone, every request is answered within 5 seconds. */
const ANSWER_DEADLINE_MS = 5_000;

describe('database outage (e2e, through a TCP proxy the test cuts and restores)', () => {
  const databaseUrl = newDatabaseUrl();
  let proxy: TcpProxy;
  let t: TestApp;
  let productId: number;

  beforeAll(async () => {
    const server = new URL(adminUrl());
    proxy = await TcpProxy.start({ host: server.hostname, port: Number(server.port || 3306) });
    const proxied = new URL(databaseUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    t = await startTestApp({ DATABASE_URL: proxied.toString(), CACHE_TTL_SECONDS: '0' });
    productId = (await newProduct(t.dataSource, { stock: 20 })).id;
  });
  afterAll(async () => {
    await proxy?.restore();
    await t?.close();
    await proxy?.close();
    await dropDatabase(databaseUrl);
  });

  /** A request that must be answered before the deadline (the fetch is aborted otherwise). */
  async function call(path: string, body?: object): Promise<{ status: number; headers: Headers; body: any }> {
    const res = await fetch(`${t.url}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(ANSWER_DEADLINE_MS),
    });
    return { status: res.status, headers: res.headers, body: await res.json() };
  }

  function expectUnavailable(res: { status: number; headers: Headers; body: any }): void {
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.body).toMatchObject({ status: 503, code: 'service-unavailable' });
    expect(JSON.stringify(res.body)).not.toMatch(/ECONN|SELECT|INSERT|at \w+ \(/);
  }

  async function untilReady(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while ((await call('/health/ready').catch(() => ({ status: 0 }))).status !== 200) {
      if (Date.now() > deadline) throw new Error('the service did not recover');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it.each([
    ['refused connections (database down)', (p: TcpProxy) => p.refuse()],
    ['a dead network (connections that never answer)', (p: TcpProxy) => p.blackhole()],
  ])('answers 503 + Retry-After within 5 s during %s, stays live, and recovers by itself', async (_case, cut) => {
    expect((await call('/api/holds', { product_id: productId, qty: 1 })).status).toBe(201);

    await cut(proxy);
    const burst = await Promise.all([
      ...Array.from({ length: 30 }, () => call('/api/holds', { product_id: productId, qty: 1 })),
      call(`/api/products/${productId}`),
      call('/api/orders', { hold_id: '00000000-0000-7000-8000-000000000000' }),
    ]);
    burst.forEach(expectUnavailable);
    expectUnavailable(await call('/health/ready'));
    expect((await call('/health')).status).toBe(200);

    await proxy.restore();
    await untilReady();
    expect((await call('/api/holds', { product_id: productId, qty: 1 })).status).toBe(201);
    expect((await call(`/api/products/${productId}`)).status).toBe(200);
    await expectInvariants(t.dataSource, new Map([[productId, 20]]));
  });
});
