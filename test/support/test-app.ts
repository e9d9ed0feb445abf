import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoLogger } from 'nestjs-pino';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app';
import { loggerOptions } from '../../src/http/logging';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { HoldSweeper } from '../../src/sweeps/hold-sweeper';
import { OrderSweeper } from '../../src/sweeps/order-sweeper';
import { FakeClock } from './fake-clock';
import { LogCapture } from './log-capture';
import { connectTestDatabase, dropDatabase, newDatabaseUrl, TEST_ENGINE } from './test-database';

export interface TestApp {
  app: NestFastifyApplication;
  /** Base URL of the listening server, for real HTTP requests (supertest or fetch). */
  url: string;
  /**
   * Raw access to the app's database, for arranging and checking data. MySQL: the app's own pool.
   * SQLite: a connection of the test's own (the app's read connection refuses writes).
   */
  dataSource: DataSource;
  config: AppConfig;
  clock: FakeClock;
  /** The app's log lines (info and up unless LOG_LEVEL says otherwise), parsed. */
  logs: LogCapture;
  sweeper: HoldSweeper;
  orderSweeper: OrderSweeper;
  close(): Promise<void>;
}

/**
 * Starts the real application on a random port with a database of its own, created and migrated
 * as in production. `env` takes the same variables as the service (HOLD_TTL_SECONDS, ...).
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  // A test may bring its own URL (the same database for two instances, or one behind a proxy).
  const databaseUrl = env.DATABASE_URL ?? newDatabaseUrl();
  const config = loadConfig({
    NODE_ENV: 'test',
    // info: the level of the contract's log events, which the tests read back from `logs`.
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
    DATABASE_URL: databaseUrl,
    // Tests drive the sweep themselves (sweeper.claimExpired()), so the timer stays out of the way.
    HOLD_SWEEP_INTERVAL_SECONDS: '3600',
    // Test files fire hundreds of requests from one IP; the rate-limit tests set their own limits.
    RATE_LIMIT_PER_MINUTE: '0',
    WEBHOOK_RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  });
  const clock = new FakeClock();
  const logs = new LogCapture(process.env.TEST_LOG_LEVEL !== undefined);
  // nestjs-pino writes lines logged outside a request (timers, sweeps) through one process-wide
  // logger built by the first app: rebuilt at once (a live app may log meanwhile) for this app, so its own capture receives them. With
  // two apps alive at once, such lines of the older one land in the newer one's capture.
  __resetOutOfContextForTests();
  new PinoLogger(loggerOptions({ level: config.logLevel, pretty: false }, logs));
  const app = await createApp(config, { clock, logDestination: logs });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const dataSource = TEST_ENGINE === 'sqlite' ? await connectTestDatabase(databaseUrl) : app.get(DataSource);
  let closed = false;
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    dataSource,
    config,
    clock,
    logs,
    sweeper: app.get(HoldSweeper),
    orderSweeper: app.get(OrderSweeper),
    async close() {
      if (closed) return;
      closed = true;
      if (dataSource !== app.get(DataSource)) await dataSource.destroy();
      await app.close();
      await dropDatabase(databaseUrl);
    },
  };
}
