import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../src/config/app-config';
import { openDataSource } from '../src/database/open-data-source';
import { newProduct } from './support/factories';
import { postHold } from './support/http';
import { expectInvariants } from './support/invariants';
import { ServerProcess, startServerProcess } from './support/server-process';
import { dropDatabase, newDatabaseUrl } from './support/test-database';
import { expectStormOutcome } from './support/storm';

describe('two instances batching holds on one database (the built server, two processes)', () => {
  const databaseUrl = newDatabaseUrl();
  const servers: ServerProcess[] = [];
  let db: DataSource;

  beforeAll(async () => {
    // The first one creates and migrates the database; the second finds it ready.
    servers.push(await startServerProcess({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }));
    servers.push(await startServerProcess({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }));
    db = await openDataSource(parseDatabaseUrl(databaseUrl));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGTERM')));
    await db?.destroy();
    await dropDatabase(databaseUrl);
  });

  it('sells exactly the stock of one product when both take 600 parallel requests, and each stops cleanly', async () => {
    const product = await newProduct(db, { stock: 250 });
    const responses = await Promise.all(Array.from({ length: 1200 }, (_, i) => postHold(servers[i % 2].url, product.id)));
    const byServer = [0, 1].map((s) => responses.filter((_, i) => i % 2 === s).filter((r) => r.status === 201).length);
    expectStormOutcome(responses, 250);
    // Both instances sold: the row lock, not one process, decided between them.
    expect(byServer.every((n) => n > 0)).toBe(true);
    const [{ n }] = await db.query("SELECT COUNT(*) AS n FROM holds WHERE product_id = ? AND status = 'active'", [product.id]);
    expect(Number(n)).toBe(250);
    await expectInvariants(db, new Map([[product.id, 250]]));

    expect(await Promise.all(servers.splice(0).map((s) => s.stop('SIGTERM')))).toEqual([0, 0]);
  });
});
