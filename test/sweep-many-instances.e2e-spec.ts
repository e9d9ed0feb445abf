import { randomUUID } from 'node:crypto';
import { expectInvariants } from './support/invariants';
import { newOrder, newProduct } from './support/factories';
import { execute } from '../src/database/sql';
import { startTestApp, TestApp } from './support/test-app';
import { dropDatabase, newDatabaseUrl } from './support/test-database';

const PRODUCTS = 50;
const HOLDS_PER_PRODUCT = 20;

describe('hold sweep with several instances on one database', () => {
  const databaseUrl = newDatabaseUrl();
  let instances: TestApp[];

  beforeAll(async () => {
    // Three whole apps (each with its own pool and HoldSweeper) on the same database.
    instances = [];
    for (let i = 0; i < 3; i++) instances.push(await startTestApp({ DATABASE_URL: databaseUrl, DB_POOL_SIZE: '8' }));
  });
  afterAll(async () => {
    for (const instance of instances ?? []) await instance.close();
    await dropDatabase(databaseUrl);
  });

  it('expires each of 1,000 overdue holds exactly once when three sweeps run at the same moment', async () => {
    const { dataSource } = instances[0];
    const initial = new Map<number, number>();
    const overdue = new Date(Date.now() - 60_000);
    for (let p = 0; p < PRODUCTS; p++) {
      const product = await newProduct(dataSource, { stock: 100 });
      initial.set(product.id, 100);
      const rows = Array.from({ length: HOLDS_PER_PRODUCT }, (_, i) => [randomUUID(), product.id, 1 + (i % 3), overdue]);
      await dataSource.transaction(async (manager) => {
        await manager.query(
          `INSERT INTO holds (id, product_id, qty, status, expires_at) VALUES ${rows.map(() => "(?, ?, ?, 'active', ?)").join(', ')}`,
          rows.flat(),
        );
        await manager.query('UPDATE products SET reserved = (SELECT SUM(qty) FROM holds WHERE product_id = ?) WHERE id = ?', [
          product.id,
          product.id,
        ]);
      });
    }
    const [{ n: activeBefore }] = await dataSource.query("SELECT COUNT(*) AS n FROM holds WHERE status = 'active'");
    expect(Number(activeBefore)).toBe(PRODUCTS * HOLDS_PER_PRODUCT);

    const results = await Promise.all(instances.map((instance) => instance.sweeper.claimExpired()));

    // Each hold is counted by the one sweep that expired it: a double expiry would push the sum past 1,000.
    expect(results.reduce((sum, r) => sum + r.expired, 0)).toBe(PRODUCTS * HOLDS_PER_PRODUCT);
    const sweptProducts = results.flatMap((r) => r.products);
    expect(new Set(sweptProducts).size).toBe(sweptProducts.length);
    expect(new Set(sweptProducts)).toEqual(new Set(initial.keys()));
    const [{ n: expired }] = await dataSource.query("SELECT COUNT(*) AS n FROM holds WHERE status = 'expired'");
    expect(Number(expired)).toBe(PRODUCTS * HOLDS_PER_PRODUCT);
    const [{ reserved }] = await dataSource.query('SELECT SUM(reserved) AS reserved FROM products');
    expect(Number(reserved)).toBe(0);
    await expectInvariants(dataSource, initial);

    // Nothing is left for a later sweep to expire a second time.
    const again = await Promise.all(instances.map((instance) => instance.sweeper.claimExpired()));
    expect(again.map((r) => r.expired)).toEqual([0, 0, 0]);
  });

  it('expires each of 200 overdue orders exactly once when three order sweeps run at the same moment', async () => {
    const { dataSource } = instances[0];
    const initial = new Map<number, number>();
    const orderIds: string[] = [];
    for (let p = 0; p < 20; p++) {
      const product = await newProduct(dataSource, { stock: 30 });
      initial.set(product.id, 30);
      for (let i = 0; i < 10; i++) orderIds.push((await newOrder(dataSource, product, { qty: 1 + (i % 2) })).id);
    }
    await execute(dataSource, 'UPDATE orders SET pay_by = ? WHERE id IN (?)', [new Date(Date.now() - 60_000), orderIds]);

    const results = await Promise.all(instances.map((instance) => instance.orderSweeper.expireOverdue()));

    const expired = results.flatMap((r) => r.expired);
    expect(expired).toHaveLength(orderIds.length);
    expect(new Set(expired)).toEqual(new Set(orderIds));
    const [{ n }] = await dataSource.query("SELECT COUNT(*) AS n FROM stock_movements WHERE reason = 'order_expired'");
    expect(Number(n)).toBe(orderIds.length);
    await expectInvariants(dataSource, initial);
    const again = await Promise.all(instances.map((instance) => instance.orderSweeper.expireOverdue()));
    expect(again.map((r) => r.expired)).toEqual([[], [], []]);
  });
});
