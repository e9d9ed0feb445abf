import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../src/config/app-config';
import { openDataSource } from '../src/database/open-data-source';
import { jsonValueSql } from '../src/database/dialect';
import { execute, queryRows } from '../src/database/sql';
import { expectInvariants } from './support/invariants';
import { ServerProcess, startServerProcess } from './support/server-process';
import { dropDatabase, newDatabaseUrl } from './support/test-database';

interface Attempt {
  holdKey: string;
  productId: number;
  qty: number;
  hold?: { status: number; body: any };
  orderKey: string;
  order?: { status: number; body: any };
}

async function post(url: string, path: string, key: string, body: object): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe('SIGKILL in the middle of a selling storm (e2e, the built server as a child process)', () => {
  const databaseUrl = newDatabaseUrl();
  // Short holds and a 1 s sweep: what the crash leaves held is released soon after the restart.
  const env = { DATABASE_URL: databaseUrl, HOLD_TTL_SECONDS: '4', HOLD_SWEEP_INTERVAL_SECONDS: '1' };
  let server: ServerProcess | undefined;
  let db: DataSource;

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await db?.destroy();
    await dropDatabase(databaseUrl);
  });

  it('loses nothing committed, executes nothing twice, and keeps the invariants after a restart', async () => {
    server = await startServerProcess(env);
    db = await openDataSource(parseDatabaseUrl(databaseUrl));
    const stock = new Map<number, number>();
    for (let i = 0; i < 3; i++) {
      const { insertId } = await execute(db, "INSERT INTO products (name, price, stock) VALUES (?, '3.00', 40)", [`Storm ${i}`]);
      stock.set(insertId, 40);
    }
    const productIds = [...stock.keys()];
    const attempts: Attempt[] = Array.from({ length: 240 }, (_, i) => ({
      holdKey: `storm-hold-${i}`,
      orderKey: `storm-order-${i}`,
      productId: productIds[i % productIds.length],
      qty: 1 + (i % 2),
    }));

    // The storm: 24 clients buy (hold, then order) until the server dies under them.
    const first = server;
    let next = 0;
    let ordersCreated = 0;
    let killed = false;
    const client = async () => {
      while (!killed && next < attempts.length) {
        const a = attempts[next++];
        try {
          a.hold = await post(first.url, '/api/holds', a.holdKey, { product_id: a.productId, qty: a.qty });
          if (a.hold.status !== 201) continue;
          a.order = await post(first.url, '/api/orders', a.orderKey, { hold_id: a.hold.body.id });
          // The kill comes once orders exist, so every run checks their durability.
          if (a.order.status === 201 && ++ordersCreated === 25) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        } catch (error) {
          // Only the kill may cut a request off (fetch fails with a TypeError, from Node's realm,
          // not Jest's: compared by name); anything else, or a lost connection before the kill,
          // fails the test.
          if (!killed || (error as Error).name !== 'TypeError') throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: 24 }, client));
    expect(await first.stop('SIGKILL')).toBeNull();
    expect(killed).toBe(true);

    // Everything the clients were told was created is in the database.
    const seenHolds = attempts.filter((a) => a.hold?.status === 201).map((a) => a.hold!.body.id as string);
    const seenOrders = attempts.filter((a) => a.order?.status === 201).map((a) => a.order!.body.id as string);
    expect(seenOrders.length).toBeGreaterThanOrEqual(25);
    expect(seenHolds.length).toBeGreaterThanOrEqual(seenOrders.length);
    const [{ n: holdsFound }] = await queryRows(db, 'SELECT COUNT(*) AS n FROM holds WHERE id IN (?)', [seenHolds]);
    expect(Number(holdsFound)).toBe(seenHolds.length);
    const [{ n: ordersFound }] = await queryRows(db, 'SELECT COUNT(*) AS n FROM orders WHERE id IN (?)', [seenOrders]);
    expect(Number(ordersFound)).toBe(seenOrders.length);
    // A key record never exists without its hold or order, nor the other way round.
    for (const [scope, table] of [
      ['holds', 'holds'],
      ['orders', 'orders'],
    ]) {
      const [{ n: orphanRows }] = await queryRows(
        db,
        `SELECT COUNT(*) AS n FROM ${table} t WHERE NOT EXISTS (
           SELECT 1 FROM idempotency_keys k WHERE k.scope = ? AND k.response_status = 201
              AND ${jsonValueSql(db, 'k.response_body', '$.id')} = t.id)`,
        [scope],
      );
      const [{ n: orphanKeys }] = await queryRows(
        db,
        `SELECT COUNT(*) AS n FROM idempotency_keys k WHERE k.scope = ? AND k.response_status = 201
            AND NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.id = ${jsonValueSql(db, 'k.response_body', '$.id')})`,
        [scope],
      );
      expect({ scope, orphanRows: Number(orphanRows), orphanKeys: Number(orphanKeys) }).toEqual({
        scope,
        orphanRows: 0,
        orphanKeys: 0,
      });
    }

    // After the restart, a retry of an answered request gets the same answer, not a second hold.
    server = await startServerProcess(env);
    for (const a of attempts.filter((x) => x.hold?.status === 201)) {
      const retry = await post(server.url, '/api/holds', a.holdKey, { product_id: a.productId, qty: a.qty });
      expect(retry).toEqual(a.hold);
    }
    const [{ n: holdCount }] = await queryRows(db, 'SELECT COUNT(*) AS n FROM holds');
    const [{ n: keyCount }] = await queryRows(
      db,
      "SELECT COUNT(*) AS n FROM idempotency_keys WHERE scope = 'holds' AND response_status = 201",
    );
    expect(Number(holdCount)).toBe(Number(keyCount));

    // The sweep releases what the crash left held; then the books balance.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [{ n }] = await queryRows(db, "SELECT COUNT(*) AS n FROM holds WHERE status = 'active'");
      if (Number(n) === 0) break;
      if (Date.now() > deadline) throw new Error(`${Number(n)} hold(s) still active after the restart`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const [{ reserved }] = await queryRows(db, 'SELECT SUM(reserved) AS reserved FROM products');
    expect(Number(reserved)).toBe(0);
    await expectInvariants(db, stock);
    expect(await server.stop('SIGTERM')).toBe(0);
  });
});
