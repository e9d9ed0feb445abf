import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createConnection, Connection } from 'mysql2/promise';
import request from 'supertest';
import { startServerProcess } from '../support/server-process';
import { dropDatabase, newDatabaseUrl } from '../support/test-database';

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const run = promisify(execFile);

/** Connections waiting in the accept queue of the server's listening socket (Recv-Q of ss -l). */
async function acceptQueue(port: number): Promise<number> {
  const { stdout } = await run('ss', ['-Hltn', `( sport = :${port} )`]);
  return stdout.trim() === '' ? 0 : Number(stdout.trim().split(/\s+/)[1]);
}

/** Established connections to the server's port (the server's side of each). */
async function established(port: number): Promise<number> {
  const { stdout } = await run('ss', ['-Htn', 'state', 'established', `( sport = :${port} )`]);
  return stdout.split('\n').filter((line) => line.trim() !== '').length;
}

/**
 * SIGTERM with requests truly in flight inside the server, staged by holding the product row
 * lock from outside: MySQL only (SQLite has no row locks to hold). ../lifecycle.e2e-spec.ts runs
 * the restart, configuration and readiness checks on both engines.
 */
describe('process lifecycle with requests in flight at SIGTERM (e2e, MySQL, the built server)', () => {
  const databaseUrl = newDatabaseUrl();
  let db: Connection;

  afterAll(async () => {
    await db?.end();
    await dropDatabase(databaseUrl);
  });

  it('creates and migrates its database, finishes in-flight work on SIGTERM, exits 0, and keeps state across restarts', async () => {
    const first = await startServerProcess({ DATABASE_URL: databaseUrl });
    db = await createConnection(databaseUrl);
    const [inserted] = await db.query("INSERT INTO products (name, price, stock) VALUES ('Restart', '5.00', 7)");
    const productId = (inserted as { insertId: number }).insertId;

    const hold = await request(first.url).post('/api/holds').send({ product_id: productId, qty: 2 }).expect(201);
    const order = await request(first.url).post('/api/orders').send({ hold_id: hold.body.id }).expect(201);
    // Requests in flight when SIGTERM arrives are answered, not dropped. To have them truly in
    // flight, the test holds the product row lock so that they queue inside the server.
    const blocker = await createConnection(databaseUrl);
    let statuses: Array<number | string>;
    try {
      await blocker.query('START TRANSACTION');
      await blocker.query('SELECT id FROM products WHERE id = ? FOR UPDATE', [productId]);
      // .then() sends each request now (supertest is lazy).
      const inFlight = Array.from({ length: 30 }, () =>
        request(first.url)
          .post('/api/holds')
          .send({ product_id: productId, qty: 1 })
          .then(
            (res) => res.status as number | string,
            (error: { code?: string }) => error.code ?? 'failed',
          ),
      );
      // They are inside the server: one transaction waits on the product row lock and the
      // others queue behind it for the next batch.
      await waitFor(async () => {
        const [rows] = await db.query(
          "SELECT COUNT(*) AS n FROM information_schema.processlist WHERE db = DATABASE() AND info LIKE '%FOR UPDATE%'",
        );
        return Number((rows as Array<{ n: number }>)[0].n) >= 1;
      });
      // And every connection is the server's: none left in the kernel's accept queue of the
      // listening socket (ss's Recv-Q), where closing the port would reset it unanswered.
      await waitFor(async () => (await acceptQueue(first.port)) === 0 && (await established(first.port)) >= 30);
      const exitCode = first.stop('SIGTERM');
      // The shutdown has begun when the port refuses new connections: only then the lock goes,
      // so the requests in flight are answered during the shutdown, not before it.
      await waitFor(async () => {
        try {
          await fetch(`${first.url}/health`);
          return false;
        } catch (error) {
          return (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
        }
      });
      await blocker.query('COMMIT');
      statuses = await Promise.all(inFlight);
      expect(await exitCode).toBe(0);
    } finally {
      await blocker.end();
    }
    // Every request the server had accepted got its real answer: none was dropped (a reset) or
    // failed (5xx) by the shutdown. One that had not connected yet is refused, safe to retry.
    expect(statuses.filter((s) => s !== 201 && s !== 409 && s !== 'ECONNREFUSED')).toEqual([]);
    const accepted = statuses.filter((s) => s !== 'ECONNREFUSED').length;
    expect(statuses.filter((s) => s === 201)).toHaveLength(Math.min(5, accepted));

    const second = await startServerProcess({ DATABASE_URL: databaseUrl });
    try {
      await request(second.url).get(`/api/orders/${order.body.id}`).expect(200, order.body);
      const [[row]] = (await db.query('SELECT stock, reserved FROM products WHERE id = ?', [productId])) as unknown as [
        Array<{ stock: number; reserved: number }>,
      ];
      const [[held]] = (await db.query(
        "SELECT COALESCE(SUM(qty), 0) AS n FROM holds WHERE product_id = ? AND status = 'active'",
        [productId],
      )) as unknown as [Array<{ n: string }>];
      expect(row.stock).toBe(5);
      expect(row.reserved).toBe(Number(held.n));
      const product = await request(second.url).get(`/api/products/${productId}`).expect(200);
      expect(product.body).toMatchObject({ stock: 5, available: 5 - row.reserved });
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
  });
});
