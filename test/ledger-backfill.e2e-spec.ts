import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { auditStock } from '../src/audit/stock-audit';
import { newId } from '../src/core/ids';
import { parseDatabaseUrl } from '../src/config/app-config';
import { dataSourceOptions, MIGRATIONS } from '../src/database/data-source-options';
import { SQLITE_MIGRATIONS } from '../src/database/migrations/sqlite';
import { prepareDatabase } from '../src/database/prepare-database';
import { execute, queryRows, toDate } from '../src/database/sql';
import { adminUrl, dropDatabase, newDatabaseUrl, TEST_ENGINE } from './support/test-database';

/**
 * Migration 1764070000000 on a database that already has sales in it: the backfill must leave
 * the stock ledger and invariant 1 true from its first row on.
 */
describe('the stock ledger migration on an existing database', () => {
  const databaseUrl = newDatabaseUrl();
  const db = parseDatabaseUrl(databaseUrl);
  let old: DataSource | undefined;
  let dataSource: DataSource | undefined;

  afterAll(async () => {
    if (old?.isInitialized) await old.destroy();
    if (dataSource?.isInitialized) await dataSource.destroy();
    await dropDatabase(databaseUrl);
  });

  it('backfills initial stock and one movement per past change, so the audit is clean at once', async () => {
    if (db.engine === 'mysql') {
      const admin = await createConnection(adminUrl());
      await admin.query(`CREATE DATABASE \`${db.database}\``);
      await admin.end();
    }
    const before = TEST_ENGINE === 'sqlite' ? SQLITE_MIGRATIONS.slice(0, 2) : MIGRATIONS.slice(0, 2);
    old = await new DataSource({ ...dataSourceOptions(db, 2), entities: [], migrations: before }).initialize();
    await old.runMigrations({ transaction: 'each' });
    const createdAt = new Date('2026-11-20T10:00:00.000Z');
    const sold = await execute(old, "INSERT INTO products (name, price, stock) VALUES ('Sold', '10.00', 4)");
    const untouched = await execute(old, "INSERT INTO products (name, price, stock) VALUES ('Untouched', '10.00', 5)");
    // "Sold" started with 10: pending 2, paid 1, failed 3 (its units came back), pending 3: 4 left.
    const orders: Array<[string, number]> = [
      ['pending', 2],
      ['paid', 1],
      ['failed', 3],
      ['pending', 3],
    ];
    for (const [status, qty] of orders) {
      const holdId = newId();
      await execute(old, "INSERT INTO holds (id, product_id, qty, status, expires_at) VALUES (?, ?, ?, 'converted', ?)", [
        holdId,
        sold.insertId,
        qty,
        createdAt,
      ]);
      await execute(
        old,
        `INSERT INTO orders (id, hold_id, product_id, qty, amount, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, '10.00', ?, ?, ?)`,
        [newId(), holdId, sold.insertId, qty, status, createdAt, createdAt],
      );
    }
    await old.destroy();

    await prepareDatabase(db);
    const ds = await new DataSource(dataSourceOptions(db, 2)).initialize();
    dataSource = ds;

    const initial = await queryRows<{ id: number; initial_stock: number }>(
      ds,
      'SELECT id, initial_stock FROM products ORDER BY id',
    );
    expect(initial.map((r) => [Number(r.id), Number(r.initial_stock)])).toEqual([
      [sold.insertId, 10],
      [untouched.insertId, 5],
    ]);
    const movements = await queryRows<{ reason: string; delta: number }>(
      ds,
      'SELECT reason, delta FROM stock_movements WHERE product_id = ? ORDER BY id',
      [sold.insertId],
    );
    expect(movements.map((m) => [m.reason, Number(m.delta)]).sort()).toEqual(
      [
        ['order_created', -2],
        ['order_created', -1],
        ['order_created', -3],
        ['order_created', -3],
        ['payment_failed', 3],
      ].sort(),
    );
    const [order] = await queryRows<{ pay_by: unknown }>(ds, 'SELECT pay_by FROM orders LIMIT 1');
    expect(toDate(order.pay_by)!.toISOString()).toBe('2026-11-20T10:15:00.000Z');
    expect(await auditStock(ds)).toEqual([]);

    // And from now on a product inserted with just name, price and stock records its initial stock.
    const later = await execute(ds, "INSERT INTO products (name, price, stock) VALUES ('Later', '1.00', 8)");
    const [row] = await queryRows<{ initial_stock: number }>(ds, 'SELECT initial_stock FROM products WHERE id = ?', [
      later.insertId,
    ]);
    expect(Number(row.initial_stock)).toBe(8);
  });
});
