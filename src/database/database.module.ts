import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
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
        }),
      ],
      providers: [TransactionRunner],
      exports: [TransactionRunner],
    };
  }
}
