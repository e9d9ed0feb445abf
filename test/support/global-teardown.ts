import { createConnection } from 'mysql2/promise';
import { existsSync, rmSync } from 'node:fs';
import { adminUrl, mysqlUsedMarker, sqliteRunDir, TEST_DB_PREFIX, TEST_ENGINE } from './test-database';

/** Drops whatever databases this run left behind (a file that crashed before its own cleanup). */
export default async function globalTeardown(): Promise<void> {
  const runId = process.env.TEST_RUN_ID;
  if (!runId) return;
  if (TEST_ENGINE === 'sqlite') {
    rmSync(sqliteRunDir(), { recursive: true, force: true });
    return;
  }
  // No test named a MySQL database (pure specs only): nothing to drop, no server to reach.
  if (!existsSync(mysqlUsedMarker())) return;
  rmSync(mysqlUsedMarker(), { force: true });
  const admin = await createConnection(adminUrl());
  try {
    const [rows] = await admin.query('SHOW DATABASES LIKE ?', [`${TEST_DB_PREFIX}${runId}\\_%`]);
    for (const row of rows as Array<Record<string, string>>) {
      await admin.query(`DROP DATABASE IF EXISTS \`${Object.values(row)[0]}\``);
    }
  } finally {
    await admin.end();
  }
}
