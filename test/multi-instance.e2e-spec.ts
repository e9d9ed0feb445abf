import request from 'supertest';
import { DataSource } from 'typeorm';
import { expectInvariants } from './support/invariants';
import { newProduct } from './support/factories';
import { deleteRedisKeys, redisKeys, testRedisUrl } from './support/redis';
import { ServerProcess, startServerProcess } from './support/server-process';
import { connectTo } from './support/shared-database';
import { dropDatabase, newDatabaseUrl } from './support/test-database';
import { expectStormOutcome } from './support/storm';

/**
 * The production topology, with processes: three instances of the built service on different
 * ports, one MariaDB database and one Redis between them.
 */
describe('three instances on one database and one Redis', () => {
  const databaseUrl = newDatabaseUrl();
  const databaseName = new URL(databaseUrl).pathname.slice(1);
  let servers: ServerProcess[] = [];
  let dataSource: DataSource;

  beforeAll(async () => {
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: testRedisUrl(),
      // Long enough that only an invalidation (never expiry) can explain a fresh read.
      CACHE_TTL_SECONDS: '3600',
      DB_POOL_SIZE: '10',
    };
    // Started together: the migrations run once, under the named lock, while the others wait.
    servers = await Promise.all([0, 1, 2].map(() => startServerProcess(env)));
    dataSource = await connectTo(databaseUrl);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    const codes = await Promise.all(servers.map((s) => s.stop()));
    expect(codes).toEqual([0, 0, 0]);
    await dropDatabase(databaseUrl);
    await deleteRedisKeys(`flash-sale:${databaseName}:*`);
  });

  it('migrated the shared database exactly once', async () => {
    const [{ n }] = await dataSource.query('SELECT COUNT(*) AS n FROM migrations');
    const { MIGRATIONS } = await import('../src/database/data-source-options');
    expect(Number(n)).toBe(MIGRATIONS.length);
  });

  it('sells exactly the stock when 300 buyers hit one product through all three at once', async () => {
    const product = await newProduct(dataSource, { stock: 60 });
    // Each instance sells one first, so all three really take part in the sale (with group
    // commit, one instance's batches could otherwise win the whole storm).
    for (const server of servers) {
      await request(server.url).post('/api/holds').send({ product_id: product.id, qty: 1 }).expect(201);
    }
    const responses = await Promise.all(
      Array.from({ length: 297 }, (_, i) =>
        request(servers[i % 3].url)
          .post('/api/holds')
          .send({ product_id: product.id, qty: 1 }),
      ),
    );
    expectStormOutcome(responses, 57);
    const [{ held }] = await dataSource.query("SELECT SUM(qty) AS held FROM holds WHERE product_id = ? AND status = 'active'", [
      product.id,
    ]);
    expect(Number(held)).toBe(60);
    for (const server of servers) {
      const read = await request(server.url).get(`/api/products/${product.id}`).expect(200);
      expect(read.body).toMatchObject({ stock: 60, available: 0 });
    }
    await expectInvariants(dataSource, new Map([[product.id, 60]]));
  });

  it('shows a hold made on one instance to a read on another straight away', async () => {
    const [a, b, c] = servers;
    const product = await newProduct(dataSource, { stock: 8 });
    // B and C cache the product (TTL one hour).
    for (const server of [b, c, b, c]) {
      const read = await request(server.url).get(`/api/products/${product.id}`).expect(200);
      expect(read.body.available).toBe(8);
    }
    await request(a.url).post('/api/holds').send({ product_id: product.id, qty: 3 }).expect(201);
    expect((await request(b.url).get(`/api/products/${product.id}`).expect(200)).body.available).toBe(5);
    expect((await request(c.url).get(`/api/products/${product.id}`).expect(200)).body.available).toBe(5);

    const hold = await request(c.url).post('/api/holds').send({ product_id: product.id, qty: 2 }).expect(201);
    expect((await request(a.url).get(`/api/products/${product.id}`).expect(200)).body.available).toBe(3);
    await request(b.url).delete(`/api/holds/${hold.body.id}`).expect(200);
    expect((await request(a.url).get(`/api/products/${product.id}`).expect(200)).body.available).toBe(5);
    await expectInvariants(dataSource, new Map([[product.id, 8]]));
  });

  it('keeps its cache entries in Redis under the database name', async () => {
    const keys = await redisKeys(`flash-sale:${databaseName}:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => key.includes(`${databaseName}:product:`))).toBe(true);
  });
});
