import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../../src/config/app-config';
import { openDataSource } from '../../src/database/open-data-source';

/** A small connection to a database that server processes created, for factories and invariants. */
export function connectTo(databaseUrl: string): Promise<DataSource> {
  return openDataSource(parseDatabaseUrl(databaseUrl), 4);
}
