import request from 'supertest';
import { TransactionRunner } from '../src/database/transaction-runner';
import { ProductsRepository } from '../src/products/products.repository';
import { StockLedger } from '../src/stock/stock-ledger.service';
import { expectInvariants } from './support/invariants';
import { newProduct } from './support/factories';
import { watchLockWaits } from './support/lock-waits';
import { startTestApp, TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves once the service's statement waits for the open transaction. MySQL: seen in the
 * database (a row-lock wait in PROCESSLIST). SQLite: the wait is the process's one-writer mutex,
 * which the database cannot show; there the outcome (committed-only values) is what is checked.
 */
async function waitedOn(t: TestApp): Promise<void> {
  if (t.config.database.engine !== 'mysql') return;
  const waits = await watchLockWaits(t.config.database);
  try {
    await waits.atLeast(1);
  } finally {
    await waits.close();
  }
}

/**
 * TransactionRunner on either engine: MySQL serializes on the product row lock, SQLite runs the
 * process's write transactions one at a time. Either way no transaction sees, or undoes, another's
 * unfinished work, and a read outside any transaction sees only what is committed.
 */
describe('transactions (e2e)', () => {
  let t: TestApp;
  let tx: TransactionRunner;
  let products: ProductsRepository;
  let ledger: StockLedger;

  beforeAll(async () => {
    t = await startTestApp();
    tx = t.app.get(TransactionRunner);
    products = t.app.get(ProductsRepository);
    ledger = t.app.get(StockLedger);
  });
  afterAll(() => t.close());

  it('runs read-modify-write transactions started together one after another; a rollback undoes only its own', async () => {
    const p = await newProduct(t.dataSource, { stock: 100 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        ledger.transaction(async (manager) => {
          await products.lockForUpdate(manager, p.id);
          await sleep(2);
          await ledger.adjust(manager, p.id, 1, 'restock');
          if (i % 5 === 0) throw new Error('rolled back on purpose');
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(4);
    await request(t.url)
      .get(`/api/products/${p.id}`)
      .expect(200)
      .expect((res) => expect(res.body.stock).toBe(116));
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM stock_movements WHERE product_id = ?', [p.id]);
    expect(Number(n)).toBe(16);
    await expectInvariants(t.dataSource, new Map([[p.id, 100]]));
  });

  it('shows reads outside a transaction only committed data, and holds wait for the open transaction', async () => {
    const p = await newProduct(t.dataSource, { stock: 10 });
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const doomed = ledger.transaction(async (manager) => {
      await ledger.hold(manager, p.id, 4);
      wrote();
      await gate;
      throw new Error('rolled back on purpose');
    });
    await written;

    const during = await request(t.url).get(`/api/products/${p.id}`).expect(200);
    expect(during.body).toMatchObject({ stock: 10, available: 10 });
    const list = await request(t.url)
      .get(`/api/products?after_id=${p.id - 1}&limit=1`)
      .expect(200);
    expect(list.body.data[0]).toMatchObject({ id: p.id, available: 10 });
    let answered = false;
    const hold = request(t.url)
      .post('/api/holds')
      .send({ product_id: p.id, qty: 7 })
      .then((res) => ((answered = true), res));
    await waitedOn(t);
    expect(answered).toBe(false);
    finish();
    await expect(doomed).rejects.toThrow('rolled back on purpose');

    expect((await hold).status).toBe(201);
    await request(t.url)
      .get(`/api/products/${p.id}`)
      .expect(200)
      .expect((res) => expect(res.body.available).toBe(3));
    await expectInvariants(t.dataSource, new Map([[p.id, 10]]));
  });

  it('keeps a write outside any transaction out of the open one: it waits, and a rollback does not undo it', async () => {
    const p = await newProduct(t.dataSource, { stock: 10 });
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const doomed = ledger.transaction(async (manager) => {
      await ledger.hold(manager, p.id, 4);
      wrote();
      await gate;
      throw new Error('rolled back on purpose');
    });
    await written;
    // A column the ledger does not own: stock moves only with its ledger row, inside a transaction.
    let restocked = false;
    const restock = tx
      .autocommit((manager) => manager.query("UPDATE products SET name = 'renamed' WHERE id = ?", [p.id]))
      .then(() => (restocked = true));
    await waitedOn(t);
    expect(restocked).toBe(false);
    finish();
    await expect(doomed).rejects.toThrow('rolled back on purpose');
    await restock;
    await request(t.url)
      .get(`/api/products/${p.id}`)
      .expect(200)
      .expect((res) => expect(res.body).toMatchObject({ name: 'renamed', stock: 10, available: 10 }));
    await expectInvariants(t.dataSource, new Map([[p.id, 10]]));
  });
});
