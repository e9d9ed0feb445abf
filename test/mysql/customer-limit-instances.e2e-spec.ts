import { DataSource } from 'typeorm';
import { signDevelopmentToken } from '../../src/auth/development-token';
import { AuthConfig } from '../../src/config/app-config';
import { TEST_JWT_SECRET } from '../support/auth';
import { newProduct } from '../support/factories';
import { expectInvariants } from '../support/invariants';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { connectTo } from '../support/shared-database';
import { dropDatabase, newDatabaseUrl } from '../support/test-database';

const auth: AuthConfig = { keys: { kind: 'secret', secret: TEST_JWT_SECRET }, issuer: null, audience: null };
const token = (subject: string) => signDevelopmentToken(auth, { subject });

async function postHold(baseUrl: string, bearer: string, productId: number, qty = 1) {
  const res = await fetch(`${baseUrl}/api/holds`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ product_id: productId, qty }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** The limit is decided under the product row lock, so it is exact across instances too. */
describe('max_per_customer across two instances (the built server, two processes)', () => {
  const databaseUrl = newDatabaseUrl();
  const servers: ServerProcess[] = [];
  let db: DataSource;

  beforeAll(async () => {
    const env = { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', AUTH_JWT_SECRET: TEST_JWT_SECRET };
    servers.push(await startServerProcess(env));
    servers.push(await startServerProcess(env));
    db = await connectTo(databaseUrl);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGTERM')));
    await db?.destroy();
    await dropDatabase(databaseUrl);
  });

  it('grants one customer exactly 2 of 300 parallel holds spread over both, leaves the others theirs, and frees a released unit', async () => {
    const product = await newProduct(db, { stock: 100 });
    await db.query('UPDATE products SET max_per_customer = 2 WHERE id = ?', [product.id]);
    const greedy = await token('cus_greedy');
    const others = await Promise.all(Array.from({ length: 10 }, (_, i) => token(`cus_${i}`)));

    const [greedyAnswers, otherAnswers] = await Promise.all([
      Promise.all(Array.from({ length: 300 }, (_, i) => postHold(servers[i % 2].url, greedy, product.id))),
      Promise.all(others.flatMap((bearer, i) => [0, 1, 2].map((j) => postHold(servers[(i + j) % 2].url, bearer, product.id)))),
    ]);
    // Load shedding (503 + Retry-After) is a correct answer on a loaded box; it grants nothing.
    const granted = greedyAnswers.filter((r) => r.status === 201);
    expect(granted).toHaveLength(2);
    for (const r of greedyAnswers.filter((r) => r.status !== 201 && r.status !== 503)) {
      expect(r).toMatchObject({ status: 409, body: { code: 'customer-limit-reached', remaining: 0 } });
    }
    expect(greedyAnswers.filter((r) => r.status === 409).length).toBeGreaterThan(0);
    // Each of the other customers gets their own 2 of their 3 (fewer only if shed), refused only for the limit.
    for (const [i] of others.entries()) {
      const mine = otherAnswers.slice(i * 3, i * 3 + 3);
      const shed = mine.filter((r) => r.status === 503).length;
      expect(mine.filter((r) => r.status === 201).length).toBe(Math.min(2, 3 - shed));
      for (const r of mine.filter((r) => r.status === 409)) expect(r.body.code).toBe('customer-limit-reached');
    }
    const rows = await db.query(
      "SELECT customer_id, SUM(qty) AS units FROM holds WHERE product_id = ? AND status = 'active' GROUP BY customer_id",
      [product.id],
    );
    const units = new Map(rows.map((r: { customer_id: string; units: string }) => [r.customer_id, Number(r.units)]));
    expect(units.get('cus_greedy')).toBe(2);
    await expectInvariants(db, new Map([[product.id, 100]]));

    // Released on one instance, the unit is the customer's again on the other.
    const release = await fetch(`${servers[0].url}/api/holds/${granted[0].body.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${greedy}` },
    });
    expect(release.status).toBe(200);
    expect((await postHold(servers[1].url, greedy, product.id)).status).toBe(201);
    expect((await postHold(servers[0].url, greedy, product.id)).status).toBe(409);
    await expectInvariants(db, new Map([[product.id, 100]]));
  });
});
