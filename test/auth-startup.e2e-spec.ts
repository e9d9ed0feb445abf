import { startServerProcess } from './support/server-process';
import { dropDatabase, newDatabaseUrl } from './support/test-database';
import { TEST_JWT_SECRET } from './support/auth';

const WEBHOOK_SECRET = 'whsec_dGVzdC1vbmx5LXdlYmhvb2sta2V5LTI0Ynl0ZXM=';

/** What the built server says and does at start about customer identity. */
describe('identity at start (the built server)', () => {
  const databaseUrl = newDatabaseUrl();
  afterAll(() => dropDatabase(databaseUrl));

  it('warns once that customer routes are anonymous when auth is not configured', async () => {
    const server = await startServerProcess({ DATABASE_URL: databaseUrl });
    try {
      const warnings = server
        .output()
        .split('\n')
        .filter((line) => line.includes('customer routes are anonymous'));
      expect(warnings).toHaveLength(1);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const withAuth = await startServerProcess({ DATABASE_URL: databaseUrl, AUTH_JWT_SECRET: TEST_JWT_SECRET });
    try {
      expect(withAuth.output()).not.toContain('customer routes are anonymous');
    } finally {
      expect(await withAuth.stop()).toBe(0);
    }
  });

  it('refuses to start in production without auth, naming the variable, unless AUTH_DISABLED=true', async () => {
    const env = { DATABASE_URL: databaseUrl, NODE_ENV: 'production', WEBHOOK_SECRET };
    await expect(startServerProcess(env)).rejects.toThrow(
      /server exited with 1:[\s\S]*AUTH_JWT_SECRET \(or AUTH_JWKS_URL\) must be set/,
    );
    const server = await startServerProcess({ ...env, AUTH_DISABLED: 'true' });
    expect(await server.stop()).toBe(0);
  });
});
