import { DataSource } from 'typeorm';
import { DatabaseConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

/** A data source of its own, outside Nest (the CLIs, the migrations, the tests' checks), connected. */
export function openDataSource(db: DatabaseConfig, poolSize = 2): Promise<DataSource> {
  return new DataSource(dataSourceOptions(db, poolSize)).initialize();
}

/** Runs `work` on a data source of its own, closed afterwards whatever happens. */
export async function withDataSource<T>(
  db: DatabaseConfig,
  work: (dataSource: DataSource) => Promise<T>,
  poolSize = 2,
): Promise<T> {
  const dataSource = await openDataSource(db, poolSize);
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
