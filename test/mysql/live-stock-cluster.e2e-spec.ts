import { DataSource } from 'typeorm';
import { newProduct } from '../support/factories';
import { postHold } from '../support/http';
import { expectInvariants } from '../support/invariants';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { connectTo } from '../support/shared-database';
import { openStream, SseClient } from '../support/sse';
import { dropDatabase, newDatabaseUrl } from '../support/test-database';

/**
 * Cluster workers without Redis: a change made on one worker reaches the streams of the other
 * through the primary. The connections are handed out round-robin, so six streams and each hold
 * land on both workers.
 */
describe('live stock in cluster mode without Redis (CLUSTER_WORKERS=2)', () => {
  const databaseUrl = newDatabaseUrl();
  let server: ServerProcess;
  let dataSource: DataSource;
  const streams: SseClient[] = [];

  beforeAll(async () => {
    server = await startServerProcess({ DATABASE_URL: databaseUrl, CLUSTER_WORKERS: '2', DB_POOL_SIZE: '4' });
    while (
      server
        .output()
        .split('\n')
        .filter((line) => line.includes('worker listening')).length < 2
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    dataSource = await connectTo(databaseUrl);
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await dataSource?.destroy();
    if (server) expect(await server.stop('SIGTERM')).toBe(0);
    await dropDatabase(databaseUrl);
  });

  it('delivers every hold to every stream, whichever worker took it', async () => {
    const product = await newProduct(dataSource, { stock: 10 });
    for (let i = 0; i < 6; i++) streams.push(await openStream(server.url, `/api/products/${product.id}/stream`));
    await Promise.all(streams.map((s) => s.waitFor((e) => e.data.available === 10)));

    for (let held = 1; held <= 4; held++) {
      expect((await postHold(server.url, product.id, 1)).status).toBe(201);
      await Promise.all(streams.map((s) => s.waitFor((e) => e.data.available === 10 - held)));
    }
    await expectInvariants(dataSource, new Map([[product.id, 10]]));
  });
});
