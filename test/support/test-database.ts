import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../../src/config/app-config';
import { openDataSource } from '../../src/database/open-data-source';
import { databaseUrlOn, dropMysqlDatabase, serverUrl } from './mysql-server';

export const TEST_DB_PREFIX = 'fst_';

/**
 * The engine the suite runs on: MariaDB/MySQL by default (`npm test`), the embedded SQLite with
 * TEST_DB_ENGINE=sqlite (`npm run test:sqlite`).
 */
export const TEST_ENGINE: 'mysql' | 'sqlite' = (() => {
  const engine = process.env.TEST_DB_ENGINE ?? 'mysql';
  if (engine !== 'mysql' && engine !== 'sqlite') throw new Error(`TEST_DB_ENGINE must be mysql or sqlite, got ${engine}`);
  return engine;
})();

function runId(): string {
  return process.env.TEST_RUN_ID ?? 'adhoc';
}

/** The server the tests use: TEST_DATABASE_URL's host, or the local MariaDB. The path is ignored. */
export function adminUrl(): string {
  return serverUrl(process.env.TEST_DATABASE_URL);
}

/** The folder of this run's SQLite files (removed whole by the global teardown). */
export function sqliteRunDir(): string {
  return join(tmpdir(), `${TEST_DB_PREFIX}${runId()}`);
}

/**
 * Written when a test of this run names a MySQL database: the global teardown connects to the
 * server only then, so `npm run test:unit` (and any run of pure specs) needs no database at all.
 */
export function mysqlUsedMarker(): string {
  return join(tmpdir(), `${TEST_DB_PREFIX}${runId()}.mysql-used`);
}

/** A fresh database for one test file (or one server process): a MySQL database or a SQLite file. */
export function newDatabaseUrl(): string {
  const name = `${TEST_DB_PREFIX}${runId()}_${randomBytes(4).toString('hex')}`;
  if (TEST_ENGINE === 'sqlite') {
    mkdirSync(sqliteRunDir(), { recursive: true });
    return `sqlite://${join(sqliteRunDir(), `${name}.sqlite`)}`;
  }
  writeFileSync(mysqlUsedMarker(), '');
  return databaseUrlOn(adminUrl(), name);
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const db = parseDatabaseUrl(databaseUrl);
  if (db.engine === 'sqlite') {
    for (const suffix of ['', '-wal', '-shm', '-journal', '.instance-lock']) rmSync(`${db.file}${suffix}`, { force: true });
    return;
  }
  await dropMysqlDatabase(databaseUrl);
}

/**
 * A connection of the test's own to a database the service created, as an external tool would
 * have: for arranging data and checking it at quiet moments. On SQLite, a write through it while
 * the service has a transaction open waits for the file's write lock (and fails after the busy
 * timeout), so tests write only while no request is in flight.
 */
export function connectTestDatabase(databaseUrl: string): Promise<DataSource> {
  return openDataSource(parseDatabaseUrl(databaseUrl));
}
