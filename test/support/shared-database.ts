import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';

/** A small connection to a database that server processes created, for factories and invariants. */
export function connectTo(databaseUrl: string): Promise<DataSource> {
  return new DataSource(dataSourceOptions(parseDatabaseUrl(databaseUrl), 4)).initialize();
}
