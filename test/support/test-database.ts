import { createConnection } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';

export const TEST_DB_PREFIX = 'fst_';

/** The server the tests use: TEST_DATABASE_URL's host, or the local MariaDB. The path is ignored. */
export function adminUrl(): string {
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/');
  url.pathname = '/';
  return url.toString();
}

/** A fresh database name for one test file (or one server process), under this run's prefix. */
export function newDatabaseUrl(): string {
  const runId = process.env.TEST_RUN_ID ?? 'adhoc';
  const url = new URL(adminUrl());
  url.pathname = `/${TEST_DB_PREFIX}${runId}_${randomBytes(4).toString('hex')}`;
  return url.toString();
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = await createConnection(adminUrl());
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await admin.end();
  }
}
