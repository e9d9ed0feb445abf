import { createConnection } from 'mysql2/promise';
import { rmSync } from 'node:fs';
import { adminUrl, sqliteRunDir, TEST_DB_PREFIX, TEST_ENGINE } from './test-database';

/** Drops whatever databases this run left behind (a file that crashed before its own cleanup). */
export default async function globalTeardown(): Promise<void> {
  const runId = process.env.TEST_RUN_ID;
  if (!runId) return;
  if (TEST_ENGINE === 'sqlite') {
    rmSync(sqliteRunDir(), { recursive: true, force: true });
    return;
  }
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
