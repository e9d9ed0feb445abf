import request from 'supertest';
import { DomainEvents } from '../src/core/domain-events';
import { ProductsRepository } from '../src/products/products.repository';
import { StockLedger } from '../src/stock/stock-ledger.service';
import { newHold, newProduct } from './support/factories';
import { expectInvariants } from './support/invariants';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The StockLedger on the real database, without HTTP (the admin API of the next issue calls it):
 * restock and write-off with their ledger rows, the write-off floor, the movements query, and
 * the after-commit effects of its transactions.
 */
describe('StockLedger (service on the real database)', () => {
  let t: TestApp;
  let ledger: StockLedger;
  let products: ProductsRepository;
  const events: Array<[string, Record<string, unknown>]> = [];

  beforeAll(async () => {
    // A long cache TTL: only an invalidation can explain a fresh read.
    t = await startTestApp({ CACHE_TTL_SECONDS: '3600' });
    ledger = t.app.get(StockLedger);
    products = t.app.get(ProductsRepository);
    t.app.get(DomainEvents).subscribe((event, fields) => events.push([event, fields]));
  });
  afterAll(() => t.close());

  const adjust = (productId: number, delta: number, reason: 'restock' | 'write_off', note?: string) =>
    ledger.transaction(async (manager) => {
      await products.lockForUpdate(manager, productId);
      await ledger.adjust(manager, productId, delta, reason, note);
    });
  const read = async (id: number) => (await request(t.url).get(`/api/products/${id}`).expect(200)).body;

  it('restocks and writes off with a ledger row each; the cache and the events follow the commit', async () => {
    const p = await newProduct(t.dataSource, { stock: 10 });
    expect(await read(p.id)).toMatchObject({ stock: 10 });
    events.length = 0;
    await adjust(p.id, 5, 'restock', 'pallet 7');
    expect(await read(p.id)).toMatchObject({ stock: 15, available: 15 });
    await adjust(p.id, -3, 'write_off');
    expect(await read(p.id)).toMatchObject({ stock: 12 });
    expect(events).toEqual([
      ['stock_adjusted', { product_id: p.id, delta: 5, reason: 'restock', note: 'pallet 7' }],
      ['stock_adjusted', { product_id: p.id, delta: -3, reason: 'write_off', note: null }],
    ]);
    const movements = await ledger.listMovements(p.id, { limit: 10 });
    expect(movements.map((m) => [m.delta, m.reason, m.note, m.orderId])).toEqual([
      [-3, 'write_off', null, null],
      [5, 'restock', 'pallet 7', null],
    ]);
    expect(movements[0].createdAt).toBeInstanceOf(Date);
    await expectInvariants(t.dataSource, new Map([[p.id, 10]]));
  });

  it('refuses a write-off below the units held (stock-below-reserved), changing nothing', async () => {
    const p = await newProduct(t.dataSource, { stock: 5 });
    await newHold(t.dataSource, p, { qty: 3 });
    await expect(adjust(p.id, -3, 'write_off')).rejects.toMatchObject({
      code: 'stock-below-reserved',
      status: 409,
      extensions: { product_id: p.id, requested: 3, writable: 2 },
    });
    await adjust(p.id, -2, 'write_off');
    expect(await read(p.id)).toMatchObject({ stock: 3, available: 0 });
    await expect(adjust(p.id, -1, 'write_off')).rejects.toMatchObject({ code: 'stock-below-reserved' });
    expect(await ledger.listMovements(p.id, { limit: 10 })).toHaveLength(1);
    await expectInvariants(t.dataSource, new Map([[p.id, 5]]));
  });

  it('refuses a zero delta, a reason that does not match the sign, and an unknown product', async () => {
    const p = await newProduct(t.dataSource, { stock: 5 });
    await expect(adjust(p.id, 0, 'restock')).rejects.toMatchObject({ code: 'validation-failed', status: 400 });
    await expect(adjust(p.id, 2, 'write_off')).rejects.toMatchObject({ code: 'validation-failed' });
    await expect(adjust(p.id, -2, 'restock')).rejects.toMatchObject({ code: 'validation-failed' });
    await expect(adjust(p.id, 1.5, 'restock')).rejects.toMatchObject({ code: 'validation-failed' });
    await expect(adjust(987654, 1, 'restock')).rejects.toMatchObject({ code: 'product-not-found', status: 404 });
    await expect(adjust(987654, -1, 'write_off')).rejects.toMatchObject({ code: 'product-not-found' });
    expect(await ledger.listMovements(p.id, { limit: 10 })).toEqual([]);
    await expectInvariants(t.dataSource, new Map([[p.id, 5]]));
  });

  it('pages the movements newest first with beforeId', async () => {
    const p = await newProduct(t.dataSource, { stock: 1 });
    for (let i = 1; i <= 5; i++) await adjust(p.id, i, 'restock');
    const first = await ledger.listMovements(p.id, { limit: 2 });
    expect(first.map((m) => m.delta)).toEqual([5, 4]);
    const second = await ledger.listMovements(p.id, { limit: 2, beforeId: Number(first[1].id) });
    expect(second.map((m) => m.delta)).toEqual([3, 2]);
    const last = await ledger.listMovements(p.id, { limit: 2, beforeId: Number(second[1].id) });
    expect(last.map((m) => m.delta)).toEqual([1]);
  });

  it('publishes nothing for a transaction that rolls back, and refuses stock moved outside one', async () => {
    const p = await newProduct(t.dataSource, { stock: 4 });
    expect(await read(p.id)).toMatchObject({ stock: 4 });
    events.length = 0;
    await expect(
      ledger.transaction(async (manager) => {
        await ledger.adjust(manager, p.id, 6, 'restock');
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect(events).toEqual([]);
    expect(await read(p.id)).toMatchObject({ stock: 4 });
    await expect(t.dataSource.transaction((manager) => ledger.adjust(manager, p.id, 1, 'restock'))).rejects.toThrow(
      /inside StockLedger.transaction/,
    );
    await expectInvariants(t.dataSource, new Map([[p.id, 4]]));
  });
});
