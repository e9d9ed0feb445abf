import request from 'supertest';
import { newProduct } from '../support/factories';
import { postHold } from '../support/http';
import { expectInvariants } from '../support/invariants';
import { deleteRedisKeys, testRedisUrl } from '../support/redis';
import { openStream, SseClient } from '../support/sse';
import { TcpProxy } from '../support/tcp-proxy';
import { startTestApp, TestApp } from '../support/test-app';
import { dropDatabase, newDatabaseUrl } from '../support/test-database';

async function busConnected(url: string): Promise<boolean> {
  const text = (await request(url).get('/metrics').expect(200)).text;
  return text.split('\n').includes('flash_sale_stream_bus_connected 1');
}

async function untilBusConnected(...urls: string[]): Promise<void> {
  for (const url of urls) while (!(await busConnected(url))) await new Promise((resolve) => setTimeout(resolve, 50));
}

/**
 * Two instances of the service on one MySQL database, their live stock carried by Redis pub/sub.
 * Instance `a` reaches Redis through a proxy, so the test can cut it off and bring it back.
 */
describe('live stock across instances (Redis pub/sub)', () => {
  const databaseUrl = newDatabaseUrl();
  let proxy: TcpProxy;
  let a: TestApp;
  let b: TestApp;
  const streams: SseClient[] = [];

  beforeAll(async () => {
    const redis = new URL(testRedisUrl());
    proxy = await TcpProxy.start({ host: redis.hostname, port: Number(redis.port || 6379) });
    a = await startTestApp({ DATABASE_URL: databaseUrl, REDIS_URL: proxy.url('redis') });
    b = await startTestApp({ DATABASE_URL: databaseUrl, REDIS_URL: testRedisUrl() });
    await untilBusConnected(a.url, b.url);
  });
  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });
  afterAll(async () => {
    await a?.app.close();
    await b?.app.close();
    await proxy?.close();
    await dropDatabase(databaseUrl);
    if (a) await deleteRedisKeys(`flash-sale:${a.config.database.database}:*`);
  });

  const subscribe = async (t: TestApp, productId: number) => {
    const stream = await openStream(t.url, `/api/products/${productId}/stream`);
    streams.push(stream);
    await stream.waitFor(() => true);
    return stream;
  };

  it('delivers a change made on one instance to the streams of the other, both ways', async () => {
    const product = await newProduct(a.dataSource, { stock: 10 });
    const onA = await subscribe(a, product.id);
    const onB = await subscribe(b, product.id);

    expect((await postHold(b.url, product.id, 2)).status).toBe(201);
    await onA.waitFor((e) => e.data.available === 8);
    await onB.waitFor((e) => e.data.available === 8);

    expect((await postHold(a.url, product.id, 3)).status).toBe(201);
    await onB.waitFor((e) => e.data.available === 5);
    await onA.waitFor((e) => e.data.available === 5);
    await expectInvariants(a.dataSource, new Map([[product.id, 10]]));
  });

  it('degrades to in-process while Redis is cut off, and catches up both ways when it returns', async () => {
    // One product changed on each side during the outage: a later read of one's own change
    // must not be what brings the other side's news.
    const changedOnA = await newProduct(a.dataSource, { stock: 20 });
    const changedOnB = await newProduct(a.dataSource, { stock: 20 });
    const [aSeesA, aSeesB, bSeesA, bSeesB] = [
      await subscribe(a, changedOnA.id),
      await subscribe(a, changedOnB.id),
      await subscribe(b, changedOnA.id),
      await subscribe(b, changedOnB.id),
    ];

    await proxy.refuse();
    while (await busConnected(a.url)) await new Promise((resolve) => setTimeout(resolve, 50));
    // Each instance's own changes still reach its own streams.
    expect((await postHold(a.url, changedOnA.id, 4)).status).toBe(201);
    await aSeesA.waitFor((e) => e.data.available === 16);
    expect((await postHold(b.url, changedOnB.id, 1)).status).toBe(201);
    await bSeesB.waitFor((e) => e.data.available === 19);

    await proxy.restore();
    await untilBusConnected(a.url);
    // A reads again what it subscribes to (it could not hear B meanwhile), and publishes the
    // change it could not publish during the outage.
    await aSeesB.waitFor((e) => e.data.available === 19, 10_000);
    await bSeesA.waitFor((e) => e.data.available === 16, 10_000);

    // And the link carries new changes again.
    expect((await postHold(b.url, changedOnB.id, 5)).status).toBe(201);
    await aSeesB.waitFor((e) => e.data.available === 14);
    await expectInvariants(
      a.dataSource,
      new Map([
        [changedOnA.id, 20],
        [changedOnB.id, 20],
      ]),
    );
  });
});
