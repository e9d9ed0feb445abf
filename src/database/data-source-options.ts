import type Database from 'better-sqlite3';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig, MysqlDatabaseConfig, SqliteDatabaseConfig } from '../config/app-config';
import { CreateSchema1764050000000 } from './migrations/1764050000000-create-schema';
import { CreateIdempotencyKeys1764060000000 } from './migrations/1764060000000-create-idempotency-keys';
import { OrderLifecycleAndStockLedger1764070000000 } from './migrations/1764070000000-order-lifecycle-and-stock-ledger';
import { CustomersLimitsWindows1764080000000 } from './migrations/1764080000000-customers-limits-windows';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import { setUpSqliteConnection, SQLITE_BUSY_TIMEOUT_MS } from './sqlite-connection';

/** MySQL migrations; each has a SQLite twin of the same name in migrations/sqlite/. */
export const MIGRATIONS = [
  CreateSchema1764050000000,
  CreateIdempotencyKeys1764060000000,
  OrderLifecycleAndStockLedger1764070000000,
  CustomersLimitsWindows1764080000000,
];

/** Connect and acquire time limits, so a database outage becomes an error, not a hang. */
const CONNECT_TIMEOUT_MS = 5_000;
const POOL_QUEUE_LIMIT = 2_000;
/** Prepared statements a MySQL connection keeps (mysql2's LRU; see mysqlOptions). */
const MAX_PREPARED_STATEMENTS = 64;

/**
 * The data source of either engine. On SQLite, `role` picks the connection: the `writer` runs
 * the transactions and the migrations, the `reader` serves reads outside transactions (and
 * refuses writes). MySQL has one pool for both.
 */
export function dataSourceOptions(db: DatabaseConfig, poolSize = 20, role: 'writer' | 'reader' = 'writer'): DataSourceOptions {
  return db.engine === 'sqlite' ? sqliteOptions(db, role) : mysqlOptions(db, poolSize);
}

function mysqlOptions(db: MysqlDatabaseConfig, poolSize: number): DataSourceOptions {
  return {
    type: 'mysql',
    connectorPackage: 'mysql2',
    host: db.host,
    port: db.port,
    username: db.user,
    password: db.password,
    database: db.database,
    // No entities: every query is raw SQL through sql.ts; TypeORM connects, migrates and runs
    // the transactions.
    entities: [],
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    // Never: the schema changes only through reviewed migrations.
    synchronize: false,
    migrationsRun: false,
    // Every DATETIME is UTC, whatever the server's or the process's zone.
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
    poolSize,
    connectTimeout: CONNECT_TIMEOUT_MS,
    extra: {
      maxIdle: poolSize,
      idleTimeout: 60_000,
      enableKeepAlive: true,
      // Requests waiting for a connection, at most: past it they are refused (503) at once
      // instead of queueing; each wait is bounded in time too (bounded-pool-wait.ts).
      queueLimit: POOL_QUEUE_LIMIT,
      // Nothing here prepares statements (every one goes through query(), the text protocol),
      // but mysql2 allocates the slots of each connection's statement cache up front: 16,000 by
      // default, 0.5 MB of heap per connection and 10 MB for a full pool, all of it empty.
      maxPreparedStatements: MAX_PREPARED_STATEMENTS,
    },
    logging: false,
  };
}

function sqliteOptions(db: SqliteDatabaseConfig, role: 'writer' | 'reader'): DataSourceOptions {
  return {
    type: 'better-sqlite3',
    database: db.file,
    entities: [],
    migrations: SQLITE_MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    timeout: SQLITE_BUSY_TIMEOUT_MS,
    prepareDatabase: (connection: Database.Database) => setUpSqliteConnection(connection, role),
    logging: false,
  };
}
