import request from 'supertest';
import { isDuplicateKey } from '../src/database/db-errors';
import { jsonValueSql } from '../src/database/dialect';
import { DatabaseReader } from '../src/database/database-reader';
import { execute, queryRows, toDate, toDecimalString } from '../src/database/sql';
import { newId } from '../src/core/ids';
import { HoldsRepository } from '../src/holds/holds.repository';
import { newHold, newProduct } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { TEST_ENGINE } from './support/test-database';

/**
 * The promises the schema itself keeps, on whichever engine the suite runs (MySQL's unsigned
 * columns are CHECK (x >= 0) on SQLite): a bug in the code must fail a statement, never corrupt
 * the stock.
 */
// The specific constraint each refusal comes from, as each engine words it: a test that accepted
// any error would pass on a typo in the statement.
const mysql = TEST_ENGINE === 'mysql';
/** An unsigned column (MySQL) or its CHECK (x >= 0) (SQLite, which has no UNSIGNED). */
const unsigned = (column: string) =>
  // MySQL words it "Out of range value for column 'stock'" or "... out of range in '...`stock` - 3'".
  mysql
    ? new RegExp(`out of range.*\\b${column}\\b`, 'i')
    : new RegExp(`CHECK constraint failed: chk_products_${column}_unsigned`);
const check = (name: string) =>
  mysql ? new RegExp(`CONSTRAINT \`${name}\` failed`) : new RegExp(`CHECK constraint failed: ${name}\\b`);
/** SQLite does not name the foreign key in its message. */
const foreignKey = (name: string) =>
  mysql ? new RegExp(`a foreign key constraint fails .*CONSTRAINT \`${name}\``) : /FOREIGN KEY constraint failed/;

describe('schema (e2e): the database refuses what would break an invariant', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function units(productId: number) {
    const [row] = await queryRows<{ stock: number; reserved: number }>(
      t.dataSource,
      'SELECT stock, reserved FROM products WHERE id = ?',
      [productId],
    );
    return { stock: Number(row.stock), reserved: Number(row.reserved) };
  }

  it('never lets stock or reserved go negative, nor reserved pass stock', async () => {
    const p = await newProduct(t.dataSource, { stock: 2 });
    await expect(execute(t.dataSource, 'UPDATE products SET stock = stock - 3 WHERE id = ?', [p.id])).rejects.toThrow(
      unsigned('stock'),
    );
    await expect(execute(t.dataSource, 'UPDATE products SET reserved = reserved - 1 WHERE id = ?', [p.id])).rejects.toThrow(
      unsigned('reserved'),
    );
    await expect(execute(t.dataSource, 'UPDATE products SET reserved = 3 WHERE id = ?', [p.id])).rejects.toThrow(
      check('chk_products_reserved'),
    );
    await expect(execute(t.dataSource, "INSERT INTO products (name, price, stock) VALUES ('Minus', '1.00', -1)")).rejects.toThrow(
      unsigned('stock'),
    );
    expect(await units(p.id)).toEqual({ stock: 2, reserved: 0 });
    await execute(t.dataSource, 'UPDATE products SET reserved = 2 WHERE id = ?', [p.id]);
    expect(await units(p.id)).toEqual({ stock: 2, reserved: 2 });
  });

  it('keeps one order per hold, reported as a duplicate key', async () => {
    const p = await newProduct(t.dataSource, { stock: 3 });
    const hold = await newHold(t.dataSource, p, { qty: 1 });
    const insertOrder = () =>
      execute(
        t.dataSource,
        `INSERT INTO orders (id, hold_id, product_id, qty, amount, status, pay_by, created_at, updated_at)
         VALUES (?, ?, ?, 1, '10.00', 'pending', ?, ?, ?)`,
        [newId(), hold.id, p.id, new Date(), new Date(), new Date()],
      );
    await insertOrder();
    const second = await insertOrder().catch((error: unknown) => error);
    expect(isDuplicateKey(second)).toBe(true);
    const [{ n }] = await queryRows<{ n: number }>(t.dataSource, 'SELECT COUNT(*) AS n FROM orders WHERE hold_id = ?', [hold.id]);
    expect(Number(n)).toBe(1);
  });

  it('records the stock a product was created with, even when an external tool inserts it', async () => {
    const p = await newProduct(t.dataSource, { stock: 7 });
    const { insertId } = await execute(
      t.dataSource,
      "INSERT INTO products (name, price, stock, initial_stock) VALUES ('Imported', '1.00', 4, 9)",
    );
    const rows = await queryRows<{ id: number; initial_stock: number }>(
      t.dataSource,
      'SELECT id, initial_stock FROM products WHERE id IN (?) ORDER BY id',
      [[p.id, insertId]],
    );
    expect(rows.map((r) => [Number(r.id), Number(r.initial_stock)])).toEqual([
      [p.id, 7],
      [insertId, 9],
    ]);
  });

  it('refuses a stock movement with no delta or an unknown reason, and an order in an unknown status', async () => {
    const p = await newProduct(t.dataSource, { stock: 3 });
    const movement = (delta: number, reason: string) =>
      execute(
        t.dataSource,
        'INSERT INTO stock_movements (product_id, delta, reason, order_id, note, created_at) VALUES (?, ?, ?, NULL, NULL, ?)',
        [p.id, delta, reason, new Date()],
      );
    await expect(movement(0, 'restock')).rejects.toThrow();
    await expect(movement(1, 'initial')).rejects.toThrow();
    await movement(-1, 'write_off');
    const hold = await newHold(t.dataSource, p, { qty: 1 });
    await expect(
      execute(
        t.dataSource,
        `INSERT INTO orders (id, hold_id, product_id, qty, amount, status, pay_by, created_at, updated_at)
         VALUES (?, ?, ?, 1, '10.00', 'lost', ?, ?, ?)`,
        [newId(), hold.id, p.id, new Date(), new Date(), new Date()],
      ),
    ).rejects.toThrow();
  });

  it('consumes an idempotency key once (duplicate key), while unconsumed deliveries may repeat', async () => {
    const log = (consumedKey: string | null) =>
      execute(
        t.dataSource,
        `INSERT INTO webhook_logs
           (idempotency_key, consumed_key, order_id, payment_status, result, order_status, payload, received_at)
         VALUES ('evt_schema', ?, 'o', 'success', 'processed', 'paid', '{}', ?)`,
        [consumedKey, new Date()],
      );
    await log('evt_schema');
    expect(isDuplicateKey(await log('evt_schema').catch((error: unknown) => error))).toBe(true);
    await log(null);
    await log(null);
  });

  it('refuses a hold for an unknown product and an unknown status (not as a duplicate key)', async () => {
    const missing = await execute(
      t.dataSource,
      "INSERT INTO holds (id, product_id, qty, status, expires_at) VALUES (?, 424242, 1, 'active', ?)",
      [newId(), new Date()],
    ).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(Error);
    expect((missing as Error).message).toMatch(foreignKey('fk_holds_product'));
    expect(isDuplicateKey(missing)).toBe(false);
    const p = await newProduct(t.dataSource);
    await expect(
      execute(t.dataSource, "INSERT INTO holds (id, product_id, qty, status, expires_at) VALUES (?, ?, 1, 'lost', ?)", [
        newId(),
        p.id,
        new Date(),
      ]),
    ).rejects.toThrow(check('chk_holds_status'));
    await expect(
      execute(t.dataSource, "INSERT INTO holds (id, product_id, qty, status, expires_at) VALUES (?, ?, 0, 'active', ?)", [
        newId(),
        p.id,
        new Date(),
      ]),
    ).rejects.toThrow(check('chk_holds_qty'));
  });

  it('stores times in UTC with milliseconds: written raw, read by the repository, compared in SQL, read back the same', async () => {
    const p = await newProduct(t.dataSource, { stock: 5 });
    const expiresAt = new Date('2031-03-04T05:06:07.089Z');
    const hold = await newHold(t.dataSource, p, { qty: 1, expiresAt });
    const entity = (await new HoldsRepository(new DatabaseReader(t.dataSource)).findById(hold.id))!;
    expect(entity.expiresAt.toISOString()).toBe('2031-03-04T05:06:07.089Z');
    expect(entity.createdAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    const [raw] = await queryRows<{ expires_at: unknown; created_at: unknown }>(
      t.dataSource,
      'SELECT expires_at, created_at FROM holds WHERE id = ?',
      [hold.id],
    );
    expect(toDate(raw.expires_at)?.toISOString()).toBe('2031-03-04T05:06:07.089Z');
    // The column default is the database's own clock, in UTC too.
    expect(Math.abs(toDate(raw.created_at)!.getTime() - Date.now())).toBeLessThan(60_000);
    const count = async (op: string, at: Date) => {
      const [{ n }] = await queryRows<{ n: number }>(
        t.dataSource,
        `SELECT COUNT(*) AS n FROM holds WHERE id = ? AND expires_at ${op} ?`,
        [hold.id, at],
      );
      return Number(n);
    };
    expect(await count('=', expiresAt)).toBe(1);
    expect(await count('<=', new Date(expiresAt.getTime() - 1))).toBe(0);
    expect(await count('<', new Date(expiresAt.getTime() + 1))).toBe(1);
    const api = await request(t.url).get(`/api/holds/${hold.id}`).expect(200);
    expect(api.body.expires_at).toBe('2031-03-04T05:06:07.089Z');
  });

  it('reads prices as decimal strings with two places', async () => {
    const cheap = await newProduct(t.dataSource, { price: '0.10', stock: 3 });
    const round = await newProduct(t.dataSource, { price: '59.90', stock: 3 });
    await request(t.url)
      .get(`/api/products/${cheap.id}`)
      .expect(200)
      .expect((res) => expect(res.body.price).toBe('0.10'));
    await request(t.url)
      .get(`/api/products/${round.id}`)
      .expect(200)
      .expect((res) => expect(res.body.price).toBe('59.90'));
    const hold = await request(t.url).post('/api/holds').send({ product_id: round.id, qty: 3 }).expect(201);
    const order = await request(t.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(201);
    expect(order.body.amount).toBe('179.70');
    await request(t.url)
      .get(`/api/orders/${order.body.id}`)
      .expect(200)
      .expect((res) => expect(res.body.amount).toBe('179.70'));
  });

  it('reads raw DECIMALs and JSON text the same way on either engine', async () => {
    const p = await newProduct(t.dataSource, { price: '59.90' });
    const [row] = await queryRows<{ price: unknown; id: unknown }>(
      t.dataSource,
      `SELECT price, ${jsonValueSql(t.dataSource, 'payload', '$.order.id')} AS id
         FROM products, (SELECT '{"order":{"id":"o-1"}}' AS payload) j WHERE products.id = ?`,
      [p.id],
    );
    expect(toDecimalString(row.price, 2)).toBe('59.90');
    expect(row.id).toBe('o-1');
  });
});
