import { createConnection, Connection } from 'mysql2/promise';
import request from 'supertest';
import { ServerProcess, startServerProcess } from './support/server-process';
import { dropDatabase, newDatabaseUrl } from './support/test-database';

describe('SIGTERM with a request stuck in its transaction (e2e, the built server)', () => {
  const databaseUrl = newDatabaseUrl();
  let db: Connection;
  let server: ServerProcess | undefined;

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await db?.end();
    await dropDatabase(databaseUrl);
  });

  it('refuses new connections at once, finishes the request in flight, commits it, and exits 0', async () => {
    server = await startServerProcess({ DATABASE_URL: databaseUrl });
    db = await createConnection(databaseUrl);
    const [inserted] = await db.query("INSERT INTO products (name, price, stock) VALUES ('Drain', '5.00', 3)");
    const productId = (inserted as { insertId: number }).insertId;

    // Hold the product's row lock, so the next hold request waits inside its transaction.
    await db.beginTransaction();
    await db.query('SELECT id FROM products WHERE id = ? FOR UPDATE', [productId]);
    const inFlight = request(server.url)
      .post('/api/holds')
      .send({ product_id: productId, qty: 2 })
      .then((r) => r);
    for (;;) {
      // The service's own statement, waiting for our lock.
      const [rows] = await db.query(
        `SELECT COUNT(*) AS n FROM information_schema.processlist
          WHERE db = DATABASE() AND id <> CONNECTION_ID() AND info LIKE '%FOR UPDATE%'`,
      );
      if (Number((rows as Array<{ n: number }>)[0].n) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const exited = server.stop('SIGTERM');
    // New connections are refused soon after the signal, while the request above still waits.
    const deadline = Date.now() + 10_000;
    while (
      await fetch(`${server.url}/health`).then(
        () => true,
        () => false,
      )
    ) {
      if (Date.now() > deadline) throw new Error('still accepting connections 10 s after SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await db.commit();

    const answered = await inFlight;
    expect(answered.status).toBe(201);
    expect(await exited).toBe(0);
    const [rows] = await db.query('SELECT qty, status FROM holds WHERE id = ?', [answered.body.id]);
    expect(rows).toEqual([{ qty: 2, status: 'active' }]);
  });
});
