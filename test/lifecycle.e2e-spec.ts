import request from 'supertest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { execute, queryRows } from '../src/database/sql';
import { startServerProcess } from './support/server-process';
import { connectTestDatabase, dropDatabase, newDatabaseUrl } from './support/test-database';

describe('process lifecycle (e2e, the built server as a child process)', () => {
  const databaseUrl = newDatabaseUrl();
  let db: DataSource | undefined;

  afterAll(async () => {
    await db?.destroy();
    await dropDatabase(databaseUrl);
  });

  // Requests in flight at SIGTERM: test/mysql/shutdown-in-flight.e2e-spec.ts (staged with a row lock).
  it('creates and migrates its database, exits 0 on SIGTERM, and keeps state across restarts', async () => {
    const first = await startServerProcess({ DATABASE_URL: databaseUrl });
    db = await connectTestDatabase(databaseUrl);
    const { insertId: productId } = await execute(db, "INSERT INTO products (name, price, stock) VALUES ('Restart', '5.00', 7)");
    const hold = await request(first.url).post('/api/holds').send({ product_id: productId, qty: 2 }).expect(201);
    const order = await request(first.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(201);
    await request(first.url).post('/api/holds').send({ product_id: productId, qty: 1 }).expect(201);
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await startServerProcess({ DATABASE_URL: databaseUrl });
    try {
      await request(second.url).get(`/api/orders/${order.body.id}`).expect(200, order.body);
      const [row] = await queryRows<{ stock: number; reserved: number }>(
        db,
        'SELECT stock, reserved FROM products WHERE id = ?',
        [productId],
      );
      expect({ stock: Number(row.stock), reserved: Number(row.reserved) }).toEqual({ stock: 5, reserved: 1 });
      const product = await request(second.url).get(`/api/products/${productId}`).expect(200);
      expect(product.body).toMatchObject({ stock: 5, available: 4 });
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
