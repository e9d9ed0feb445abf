import request from 'supertest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { execute } from '../src/database/sql';
import { startServerProcess } from './support/server-process';
import { connectTestDatabase, dropDatabase, newDatabaseUrl } from './support/test-database';

describe('process lifecycle (e2e, the built server as a child process)', () => {
  const databaseUrl = newDatabaseUrl();
  let db: DataSource | undefined;

  afterAll(async () => {
    await db?.destroy();
    await dropDatabase(databaseUrl);
  });

  it('creates and migrates its database, finishes in-flight work on SIGTERM, exits 0, and keeps state across restarts', async () => {
    const first = await startServerProcess({ DATABASE_URL: databaseUrl });
    db = await connectTestDatabase(databaseUrl);
    const { insertId: productId } = await execute(db, "INSERT INTO products (name, price, stock) VALUES ('Restart', '5.00', 7)");

    const hold = await request(first.url).post('/api/holds').send({ product_id: productId, qty: 2 }).expect(201);
    const order = await request(first.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(201);
    // Requests in flight when SIGTERM arrives are answered, not dropped.
    const inFlight = Array.from({ length: 20 }, () =>
      request(first.url).post('/api/holds').send({ product_id: productId, qty: 1 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    const exitCode = first.stop('SIGTERM');
    const answered = await Promise.allSettled(inFlight);
    expect(await exitCode).toBe(0);
    const statuses = answered.map((r) => (r.status === 'fulfilled' ? r.value.status : 'refused'));
    // A request either got its real answer or was never accepted; none got a 5xx.
    expect(statuses.every((s) => s === 201 || s === 409 || s === 'refused')).toBe(true);

    const second = await startServerProcess({ DATABASE_URL: databaseUrl });
    try {
      await request(second.url).get(`/api/orders/${order.body.id}`).expect(200, order.body);
      const [row] = await db.query('SELECT stock, reserved FROM products WHERE id = ?', [productId]);
      const [held] = await db.query(
        "SELECT COALESCE(SUM(qty), 0) AS n FROM holds WHERE product_id = ? AND status = 'active'",
        [productId],
      );
      expect(Number(row.stock)).toBe(5);
      expect(Number(row.reserved)).toBe(Number(held.n));
      const product = await request(second.url).get(`/api/products/${productId}`).expect(200);
      expect(product.body).toMatchObject({ stock: 5, available: 5 - Number(row.reserved) });
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
  });

  it.each([
    ['HOLD_TTL_SECONDS', 'two minutes'],
    ['DATABASE_URL', 'postgres://localhost/shop'],
    ['MAX_QTY_PER_HOLD', '0'],
  ])('refuses to start with %s=%s, naming the variable', (name, value) => {
    const run = spawnSync(process.execPath, [join(__dirname, '..', 'dist', 'main.js')], {
      env: { PATH: process.env.PATH, NODE_ENV: 'test', [name]: value },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`Invalid configuration: ${name}`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('answers liveness and readiness', async () => {
    const server = await startServerProcess({ DATABASE_URL: databaseUrl });
    try {
      await request(server.url).get('/health').expect(200, { status: 'ok' });
      await request(server.url).get('/health/ready').expect(200, { status: 'ok', database: 'up' });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
