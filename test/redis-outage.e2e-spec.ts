import request from 'supertest';
import { expectInvariants } from './support/invariants';
import { newProduct } from './support/factories';
import { deleteRedisKeys, testRedisUrl } from './support/redis';
import { freePort, ServerProcess, startServerProcess } from './support/server-process';
import { connectTo } from './support/shared-database';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, TestApp } from './support/test-app';
import { dropDatabase, newDatabaseUrl } from './support/test-database';

async function available(url: string, productId: number): Promise<number> {
  const res = await request(url).get(`/api/products/${productId}`).expect(200);
  return res.body.available;
}

async function metric(url: string, line: RegExp): Promise<number> {
  const text = (await request(url).get('/metrics').expect(200)).text;
  const match = text.split('\n').find((l) => line.test(l));
  return match ? Number(match.split(' ').pop()) : NaN;
}

describe('product cache when Redis goes away', () => {
  describe('Redis cut off while the service runs', () => {
    let proxy: TcpProxy;
    let t: TestApp;

    beforeAll(async () => {
      const redis = new URL(testRedisUrl());
      proxy = await TcpProxy.start({ host: redis.hostname, port: Number(redis.port || 6379) });
      // A long TTL: any stale entry would still be there to be (wrongly) served.
      t = await startTestApp({ REDIS_URL: proxy.url('redis'), CACHE_TTL_SECONDS: '3600' });
    });
    afterAll(async () => {
      await t?.close();
      await proxy?.close();
      if (t) await deleteRedisKeys(`flash-sale:${t.config.database.database}:*`);
    });

    it('reads from the database during the outage, and never serves an entry older than a write made during it', async () => {
      const product = await newProduct(t.dataSource, { stock: 10 });
      expect(await available(t.url, product.id)).toBe(10);
      expect(await available(t.url, product.id)).toBe(10); // now cached in Redis
      expect(await metric(t.url, /^flash_sale_product_cache_lookups_total\{result="hit"\}/)).toBe(1);

      await proxy.refuse();
      // Writes succeed although their invalidation cannot reach Redis...
      await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 3 }).expect(201);
      // ...and reads answer from the database: correct, no errors.
      expect(await available(t.url, product.id)).toBe(7);
      await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 }).expect(201);
      expect(await available(t.url, product.id)).toBe(6);
      expect(await metric(t.url, /^flash_sale_product_cache_available /)).toBe(0);
      expect(await metric(t.url, /^flash_sale_product_cache_lookups_total\{result="bypass"\}/)).toBeGreaterThanOrEqual(2);

      await proxy.restore();
      // The cache is tried again at most once a second; poll until it is back (never a fixed sleep).
      // The entry cached before the outage (available 10) is still in Redis: it must never come back.
      for (;;) {
        expect(await available(t.url, product.id)).toBe(6);
        if ((await metric(t.url, /^flash_sale_product_cache_available /)) === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await available(t.url, product.id)).toBe(6);
      const hitsBefore = await metric(t.url, /^flash_sale_product_cache_lookups_total\{result="hit"\}/);
      expect(await available(t.url, product.id)).toBe(6);
      expect(await metric(t.url, /^flash_sale_product_cache_lookups_total\{result="hit"\}/)).toBe(hitsBefore + 1);
      await expectInvariants(t.dataSource, new Map([[product.id, 10]]));
    });
  });

  describe('Redis hanging (connected, never answering)', () => {
    let proxy: TcpProxy;
    let t: TestApp;

    beforeAll(async () => {
      const redis = new URL(testRedisUrl());
      proxy = await TcpProxy.start({ host: redis.hostname, port: Number(redis.port || 6379) });
      t = await startTestApp({ REDIS_URL: proxy.url('redis'), CACHE_TTL_SECONDS: '3600' });
    });
    afterAll(async () => {
      await t?.close();
      await proxy?.close();
      if (t) await deleteRedisKeys(`flash-sale:${t.config.database.database}:*`);
    });

    it('gives up on a command after a short limit and answers from the database', async () => {
      const product = await newProduct(t.dataSource, { stock: 4 });
      expect(await available(t.url, product.id)).toBe(4);
      proxy.freeze();
      // Without the command time limit these would wait for Redis forever.
      await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 }).expect(201);
      expect(await available(t.url, product.id)).toBe(3);
      expect(await metric(t.url, /^flash_sale_product_cache_available /)).toBe(0);
      await proxy.restore();
      for (;;) {
        expect(await available(t.url, product.id)).toBe(3);
        if ((await metric(t.url, /^flash_sale_product_cache_available /)) === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await expectInvariants(t.dataSource, new Map([[product.id, 4]]));
    });
  });

  describe('Redis unreachable from the start', () => {
    const databaseUrl = newDatabaseUrl();
    let server: ServerProcess;

    beforeAll(async () => {
      const nothingListens = await freePort();
      server = await startServerProcess({
        DATABASE_URL: databaseUrl,
        REDIS_URL: `redis://127.0.0.1:${nothingListens}`,
        CACHE_TTL_SECONDS: '3600',
      });
    });
    afterAll(async () => {
      await server?.stop();
      await dropDatabase(databaseUrl);
    });

    it('serves correct reads and writes, and logs the outage once, not per request', async () => {
      const dataSource = await connectTo(databaseUrl);
      try {
        const product = await newProduct(dataSource, { stock: 20 });
        for (let i = 1; i <= 5; i++) {
          await request(server.url).post('/api/holds').send({ product_id: product.id, qty: 2 }).expect(201);
          expect(await available(server.url, product.id)).toBe(20 - 2 * i);
        }
        const outageLines = server
          .output()
          .split('\n')
          .filter((line) => line.includes('product cache unavailable'));
        expect(outageLines).toHaveLength(1);
        expect(server.output()).not.toMatch(/"level":50/); // no error lines
        await expectInvariants(dataSource, new Map([[product.id, 20]]));
      } finally {
        await dataSource.destroy();
      }
    });
  });
});
