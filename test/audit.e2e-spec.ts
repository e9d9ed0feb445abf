import { execFile } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { execute } from '../src/database/sql';
import { newProduct } from './support/factories';
import { expectInvariants } from './support/invariants';
import { startTestApp, TestApp } from './support/test-app';
import { newDatabaseUrl } from './support/test-database';

const CLI = join(__dirname, '..', 'dist', 'cli', 'audit.cli.js');

describe('npm run audit (e2e, the built CLI against a live database)', () => {
  const databaseUrl = newDatabaseUrl();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ DATABASE_URL: databaseUrl });
  });
  afterAll(() => t.close());

  function audit(...args: string[]): Promise<{ code: number; stdout: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        { env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: databaseUrl } },
        (error, stdout) => resolve({ code: error ? Number(error.code) : 0, stdout }),
      );
    });
  }

  it('passes a database that keeps the invariants', async () => {
    const product = await newProduct(t.dataSource, { stock: 10 });
    const hold = await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 2 }).expect(201);
    await request(t.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(201);
    await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 3 }).expect(201);
    const result = await audit();
    expect(result.stdout).toMatch(/audit ok/);
    expect(result.code).toBe(0);
  });

  it('reports reserved drift and exits 1; --fix repairs it from the holds', async () => {
    const product = await newProduct(t.dataSource, { stock: 10 });
    await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 2 }).expect(201);
    await t.dataSource.query('UPDATE products SET reserved = 7 WHERE id = ?', [product.id]);

    const found = await audit();
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`drift reserved-drift product_id=${product.id} reserved=7 active_held=2`);

    const fixed = await audit('--fix');
    expect(fixed.stdout).toContain(`fixed reserved product_id=${product.id} 7 -> 2`);
    expect(fixed.code).toBe(0);
    const [{ reserved }] = await t.dataSource.query('SELECT reserved FROM products WHERE id = ?', [product.id]);
    expect(Number(reserved)).toBe(2);
    expect((await audit()).code).toBe(0);
    await expectInvariants(t.dataSource, new Map([[product.id, 10]]));
  });

  it('reports an order whose hold is not converted and a converted hold without order; --fix cannot hide them', async () => {
    const product = await newProduct(t.dataSource, { stock: 10 });
    const a = await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 }).expect(201);
    const order = await request(t.url).post('/api/orders').send({ hold_id: a.body.id }).expect(201);
    const b = await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 1 }).expect(201);
    await t.dataSource.query("UPDATE holds SET status = 'released' WHERE id = ?", [a.body.id]);
    await t.dataSource.query("UPDATE holds SET status = 'converted' WHERE id = ?", [b.body.id]);

    const result = await audit('--fix');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `drift order-of-unconverted-hold order_id=${order.body.id} hold_id=${a.body.id} hold_status=released`,
    );
    expect(result.stdout).toContain(`drift converted-hold-without-order hold_id=${b.body.id}`);
    await t.dataSource.query("UPDATE holds SET status = 'converted' WHERE id = ?", [a.body.id]);
    await t.dataSource.query("UPDATE holds SET status = 'active' WHERE id = ?", [b.body.id]);
    expect((await audit('--fix')).code).toBe(0);
  });

  it('reports stock changed without its ledger row, and an order whose units moved twice', async () => {
    const product = await newProduct(t.dataSource, { stock: 10 });
    const hold = await request(t.url).post('/api/holds').send({ product_id: product.id, qty: 2 }).expect(201);
    const order = await request(t.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(201);
    await request(t.url).post(`/api/orders/${order.body.id}/cancel`).expect(200);
    expect((await audit()).code).toBe(0);

    // A restock behind the ledger's back: stock moved, no movement row.
    await t.dataSource.query('UPDATE products SET stock = stock + 5 WHERE id = ?', [product.id]);
    const found = await audit('--fix');
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`drift ledger-drift product_id=${product.id} initial_stock=10 stock=15 ledger_sum=0`);
    expect(found.stdout).toContain(
      `drift order-units-drift product_id=${product.id} initial_stock=10 stock=15 adjusted=0 ordered=0`,
    );
    await t.dataSource.query('UPDATE products SET stock = stock - 5 WHERE id = ?', [product.id]);

    // The cancelled order's units given back a second time.
    await execute(
      t.dataSource,
      "INSERT INTO stock_movements (product_id, delta, reason, order_id, note, created_at) VALUES (?, 2, 'order_cancelled', ?, NULL, ?)",
      [product.id, order.body.id, new Date()],
    );
    await t.dataSource.query('UPDATE products SET stock = stock + 2 WHERE id = ?', [product.id]);
    const twice = await audit();
    expect(twice.code).toBe(1);
    expect(twice.stdout).toContain(`drift order-ledger-mismatch order_id=${order.body.id} status=cancelled qty=2 ledger_delta=2`);
    expect(twice.stdout).toContain(`drift order-units-drift product_id=${product.id}`);
    expect(twice.stdout).not.toContain('drift ledger-drift');
  });

  it('exits 2 when it cannot reach the database', async () => {
    const result = await new Promise<number>((resolve) =>
      execFile(
        process.execPath,
        [CLI],
        {
          env: { PATH: process.env.PATH ?? '', DATABASE_URL: 'mysql://root@127.0.0.1:1/none' },
        },
        (error) => resolve(error ? Number(error.code) : 0),
      ),
    );
    expect(result).toBe(2);
  });
});
