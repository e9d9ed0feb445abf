import { DataSource } from 'typeorm';
import { execute, queryRows } from '../../src/database/sql';
import { newOrder, newProduct } from '../support/factories';
import { expectInvariants } from '../support/invariants';
import { until } from '../support/row-lock';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { connectTo } from '../support/shared-database';
import { dropDatabase, newDatabaseUrl } from '../support/test-database';

const PRODUCTS = 20;
const ORDERS_PER_PRODUCT = 10;

/** The `order_expired` log lines a server process printed. */
function expiredBy(server: ServerProcess): string[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.includes('"event":"order_expired"'))
    .flatMap((line) => (JSON.parse(line) as { order_ids: string[] }).order_ids);
}

// Two instances of the built service (their sweeps on their own timers, every second) on one
// MySQL database: 200 overdue orders, each expired by exactly one of them, its units back once.
describe('order sweep with two server processes on one database', () => {
  const databaseUrl = newDatabaseUrl();
  let servers: ServerProcess[] = [];
  let dataSource: DataSource;

  beforeAll(async () => {
    const env = { DATABASE_URL: databaseUrl, HOLD_SWEEP_INTERVAL_SECONDS: '1', DB_POOL_SIZE: '6' };
    servers = await Promise.all([0, 1].map(() => startServerProcess(env)));
    dataSource = await connectTo(databaseUrl);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    const codes = await Promise.all(servers.map((s) => s.stop()));
    expect(codes).toEqual([0, 0]);
    await dropDatabase(databaseUrl);
  });

  it('expires each of 200 overdue orders exactly once', async () => {
    const initial = new Map<number, number>();
    const orderIds: string[] = [];
    for (let p = 0; p < PRODUCTS; p++) {
      const product = await newProduct(dataSource, { stock: 50 });
      initial.set(product.id, 50);
      for (let i = 0; i < ORDERS_PER_PRODUCT; i++) {
        orderIds.push((await newOrder(dataSource, product, { qty: 1 + (i % 3) })).id);
      }
    }
    // All 200 fall due in one statement, so both instances' next sweeps find the whole lot.
    await execute(dataSource, 'UPDATE orders SET pay_by = ?', [new Date(Date.now() - 60_000)]);

    await until(async () => {
      const [{ n }] = await queryRows<{ n: number }>(dataSource, "SELECT COUNT(*) AS n FROM orders WHERE status = 'pending'");
      return Number(n) === 0;
    });
    // Both sweeps have logged what they did once the last order is expired: wait for the lines.
    await until(() => servers.flatMap(expiredBy).length >= orderIds.length);

    const logged = servers.flatMap(expiredBy);
    expect(logged).toHaveLength(orderIds.length);
    expect(new Set(logged)).toEqual(new Set(orderIds));
    const perOrder = await queryRows<{ order_id: string; n: number }>(
      dataSource,
      "SELECT order_id, COUNT(*) AS n FROM stock_movements WHERE reason = 'order_expired' GROUP BY order_id",
    );
    expect(perOrder).toHaveLength(orderIds.length);
    expect(perOrder.every((r) => Number(r.n) === 1)).toBe(true);
    const stocks = await queryRows<{ stock: number }>(dataSource, 'SELECT stock FROM products');
    expect(stocks.map((r) => Number(r.stock))).toEqual(Array(PRODUCTS).fill(50));
    await expectInvariants(dataSource, initial);
  });
});
