import { createConnection } from 'mysql2/promise';
import { DatabaseConfig, MysqlDatabaseConfig, SqliteDatabaseConfig } from '../config/app-config';
import { withDataSource } from './open-data-source';

/** Creates the database if it is missing and brings its schema up to date, on either engine. */
export async function prepareDatabase(db: DatabaseConfig): Promise<void> {
  if (db.engine === 'sqlite') await prepareSqlite(db);
  else await prepareMysql(db);
}

/**
 * Several instances may start at once, so the migrations run under a named server lock: one
 * migrates, the others wait and then find nothing left to do.
 */
async function prepareMysql(db: MysqlDatabaseConfig): Promise<void> {
  const admin = await createConnection({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    connectTimeout: 5_000,
  });
  const lockName = `${db.database}.migrations`;
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${db.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const [rows] = await admin.query('SELECT GET_LOCK(?, 60) AS locked', [lockName]);
    if ((rows as Array<{ locked: number }>)[0]?.locked !== 1) {
      throw new Error('timed out waiting for another instance to finish the migrations');
    }
    await runMigrations(db);
  } finally {
    await admin.query('SELECT RELEASE_LOCK(?)', [lockName]).catch(() => undefined);
    await admin.end();
  }
}

/**
 * The file (and its folder) is created on first open. No named lock: only one instance serves a
 * SQLite file (SqliteInstanceLock). `npm run seed` started in the very second the service creates
 * a fresh file may find a table already made and fail; run again, it finds nothing to do.
 */
async function prepareSqlite(db: SqliteDatabaseConfig): Promise<void> {
  await runMigrations(db);
}

async function runMigrations(db: DatabaseConfig): Promise<void> {
  await withDataSource(db, (dataSource) => dataSource.runMigrations({ transaction: 'each' }));
}
