import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { PinoLogger } from 'nestjs-pino';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { loggerOptions } from '../../src/http/logging';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { FakeClock } from './fake-clock';
import { LogCapture } from './log-capture';
import { connectTestDatabase, dropDatabase, newDatabaseUrl, TEST_ENGINE } from './test-database';

/**
 * The middle tier (immich's test/medium): the real services on the real, migrated database of
 * their own, wired by Nest as in production, and no HTTP. A test calls a service and reads the
 * database: a rule pinned closer to where it lives than through the whole app.
 */
export interface MediumContext {
  module: INestApplicationContext;
  dataSource: DataSource;
  config: AppConfig;
  clock: FakeClock;
  logs: LogCapture;
  close(): Promise<void>;
}

export async function startMedium(env: Record<string, string> = {}): Promise<MediumContext> {
  const databaseUrl = newDatabaseUrl();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    HOLD_SWEEP_INTERVAL_SECONDS: '3600',
    ...env,
  });
  const clock = new FakeClock();
  const logs = new LogCapture();
  // As in test-app.ts: lines logged outside a request reach this context's capture.
  __resetOutOfContextForTests();
  new PinoLogger(loggerOptions({ level: config.logLevel, pretty: false }, logs));
  const ref = await Test.createTestingModule({ imports: [AppModule.forRoot(config, { clock, logDestination: logs })] }).compile();
  const module = await ref.init();
  const dataSource = TEST_ENGINE === 'sqlite' ? await connectTestDatabase(databaseUrl) : module.get(DataSource);
  return {
    module,
    dataSource,
    config,
    clock,
    logs,
    async close() {
      if (dataSource !== module.get(DataSource)) await dataSource.destroy();
      await module.close();
      await dropDatabase(databaseUrl);
    },
  };
}
