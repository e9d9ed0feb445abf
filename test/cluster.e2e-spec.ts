import request from 'supertest';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../src/config/app-config';
import { expectInvariants } from './support/invariants';
import { newProduct } from './support/factories';
import { ServerProcess, startServerProcess } from './support/server-process';
import { connectTo } from './support/shared-database';
import { dropDatabase, newDatabaseUrl } from './support/test-database';
import { expectStormOutcome } from './support/storm';

function logLines(server: ServerProcess, message: string): Array<Record<string, unknown>> {
  return server
    .output()
    .split('\n')
    .filter((line) => line.includes(message))
    .map((line) => JSON.parse(line));
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('CLUSTER_WORKERS', () => {
  it('is validated at start', () => {
    // Cluster mode needs MySQL (on the embedded SQLite default it is refused: app-config.spec.ts).
    const mysql = { DATABASE_URL: 'mysql://root@127.0.0.1:3306/flash_sale' };
    expect(loadConfig({ ...mysql, CLUSTER_WORKERS: '4' }).clusterWorkers).toBe(4);
    expect(loadConfig({}).clusterWorkers).toBe(0);
    expect(() => loadConfig({ CLUSTER_WORKERS: 'many' })).toThrow(ConfigError);
    expect(() => loadConfig({ CLUSTER_WORKERS: '-1' })).toThrow(/CLUSTER_WORKERS/);
  });
});

describe('cluster mode (CLUSTER_WORKERS=2)', () => {
  const databaseUrl = newDatabaseUrl();
  let server: ServerProcess;
  let dataSource: DataSource;

  beforeAll(async () => {
    server = await startServerProcess({ DATABASE_URL: databaseUrl, CLUSTER_WORKERS: '2', DB_POOL_SIZE: '8' });
    await until(() => logLines(server, 'worker listening').length === 2);
    dataSource = await connectTo(databaseUrl);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    if (server) await server.stop('SIGKILL').catch(() => undefined);
    await dropDatabase(databaseUrl);
  });

  it('starts two workers on one port that sell exactly the stock together', async () => {
    const workers = new Set(logLines(server, 'worker listening').map((l) => l.pid));
    expect(workers.size).toBe(2);
    expect(workers.has(server.child.pid)).toBe(false);

    const product = await newProduct(dataSource, { stock: 20 });
    const responses = await Promise.all(
      Array.from({ length: 60 }, () => request(server.url).post('/api/holds').send({ product_id: product.id, qty: 1 })),
    );
    expectStormOutcome(responses, 20);
    await expectInvariants(dataSource, new Map([[product.id, 20]]));

    // Whichever worker answers the scrape, it reports the whole cluster.
    const text = (await request(server.url).get('/metrics').expect(200)).text;
    expect(text).toMatch(/^flash_sale_hold_created_total 20$/m);
  });

  it('replaces a worker that dies', async () => {
    const [victim] = logLines(server, 'worker listening').map((l) => l.pid as number);
    process.kill(victim, 'SIGKILL');
    await until(() => logLines(server, 'worker listening').length === 3);
    expect(logLines(server, 'worker died')[0]).toMatchObject({ pid: victim, signal: 'SIGKILL' });
    await request(server.url).get('/health').expect(200);
  });

  it('passes SIGTERM on and exits 0 once every worker has stopped', async () => {
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(logLines(server, 'all workers stopped')).toHaveLength(1);
  });
});
