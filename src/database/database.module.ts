import { DynamicModule, Global, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig, SqliteDatabaseConfig } from '../config/app-config';
import { boundPoolWait } from './bounded-pool-wait';
import { dataSourceOptions } from './data-source-options';
import { prepareDatabase } from './prepare-database';
import { SqliteInstanceLock } from './sqlite-connection';
import { DatabaseReader, READ_DATA_SOURCE } from './database-reader';
import { TransactionRunner } from './transaction-runner';

/** The SQLite connection that serves reads outside transactions (the default one writes). */
const SQLITE_READER = 'sqlite-reader';
/** A local file that cannot be opened (or is another instance's) will not open a second later. */
const NO_RETRY = { retryAttempts: 0 };

/**
 * The data source every module shares, migrated before the first request is served. On MySQL
 * one pool does everything. On SQLite there are two connections to the file: the default one
 * (what `@InjectDataSource()` gives) is the writer that runs every transaction, one at a time
 * (TransactionRunner), and a read-only one serves the reads outside transactions and sees only
 * committed data (DatabaseReader, READ_DATA_SOURCE).
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    const db = config.database;
    if (db.engine === 'sqlite') return DatabaseModule.forSqlite(db);
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            await prepareDatabase(db);
            return { ...dataSourceOptions(db, config.dbPoolSize), retryAttempts: 3, retryDelay: 1000 };
          },
          dataSourceFactory: async (options?: DataSourceOptions) => {
            const dataSource = await new DataSource(options!).initialize();
            boundPoolWait(dataSource);
            return dataSource;
          },
        }),
      ],
      providers: [{ provide: READ_DATA_SOURCE, useExisting: getDataSourceToken() }, DatabaseReader, TransactionRunner],
      exports: [DatabaseReader, TransactionRunner],
    };
  }

  private static forSqlite(db: SqliteDatabaseConfig): DynamicModule {
    // Taken before anything touches the file, and released at shutdown: one instance per file.
    // A second instance stops here, before opening anything, with a message that says why.
    const lock = SqliteInstanceLock.acquire(db.file);
    let prepared: Promise<void> | undefined;
    const prepare = () => (prepared ??= prepareDatabase(db));
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            await prepare();
            return { ...dataSourceOptions(db, 1, 'writer'), ...NO_RETRY };
          },
        }),
        TypeOrmModule.forRootAsync({
          name: SQLITE_READER,
          useFactory: async () => {
            await prepare();
            return { ...dataSourceOptions(db, 1, 'reader'), name: SQLITE_READER, ...NO_RETRY };
          },
        }),
      ],
      providers: [
        { provide: SqliteInstanceLock, useValue: lock },
        { provide: READ_DATA_SOURCE, useExisting: getDataSourceToken(SQLITE_READER) },
        DatabaseReader,
        TransactionRunner,
      ],
      exports: [DatabaseReader, TransactionRunner],
    };
  }
}
