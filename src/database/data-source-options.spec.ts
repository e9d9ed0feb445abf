import { createPool } from 'mysql2';
import { parseDatabaseUrl } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

describe('dataSourceOptions (MySQL)', () => {
  it("bounds each pooled connection's prepared-statement cache, whose slots mysql2 allocates up front", async () => {
    const options = dataSourceOptions(parseDatabaseUrl('mysql://app@127.0.0.1:3306/shop'), 20) as { extra: object };
    // What TypeORM hands to mysql2's createPool; creating a pool connects nowhere yet.
    const pool = createPool({ host: '127.0.0.1', ...options.extra });
    try {
      const config = (pool as unknown as { config: { connectionConfig: { maxPreparedStatements: number } } }).config;
      // mysql2's default is 16,000 slots (0.5 MB of heap per connection); none is ever used.
      expect(config.connectionConfig.maxPreparedStatements).toBeLessThanOrEqual(64);
    } finally {
      await new Promise((resolve) => pool.end(resolve));
    }
  });
});
