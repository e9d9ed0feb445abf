import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { boundPoolWait } from './bounded-pool-wait';
import { dataSourceOptions } from './data-source-options';
import { prepareDatabase } from './prepare-database';
import { TransactionRunner } from './transaction-runner';

/** The one data source every module shares, migrated before the first request is served. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            await prepareDatabase(config.database);
            return { ...dataSourceOptions(config.database, config.dbPoolSize), retryAttempts: 3, retryDelay: 1000 };
          },
          dataSourceFactory: async (options?: DataSourceOptions) => {
            const dataSource = await new DataSource(options!).initialize();
            boundPoolWait(dataSource);
            return dataSource;
          },
        }),
      ],
      providers: [TransactionRunner],
      exports: [TransactionRunner],
    };
  }
}
