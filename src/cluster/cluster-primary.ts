import cluster, { Worker } from 'node:cluster';
import { join } from 'node:path';
import pino from 'pino';
import { AppConfig, ConfigError, ONE_PROCESS_ONLY } from '../config/app-config';
import { withServerNodeFlags } from '../config/node-flags';
import { withDataSource } from '../database/open-data-source';
import { prepareDatabase } from '../database/prepare-database';
import { relayLiveStockBetweenWorkers } from '../live/live-stock-cluster-relay';
import { seedDemoProducts } from '../products/demo-products';
import { serveClusterMetrics } from '../metrics/cluster-metrics';

/** A worker that dies is replaced after this pause, so a crash loop cannot spin the CPU. */
const RESTART_DELAY_MS = 1_000;

/**
 * The cluster primary: migrates (and seeds) once, forks `workers` copies of the app that share the
 * port (Node's cluster module hands out the connections), replaces any worker that dies, and on
 * SIGTERM/SIGINT passes the signal on and exits 0 once every worker has finished its requests.
 * It serves no HTTP itself; it also answers the workers' /metrics with the whole cluster's.
 */
export async function runClusterPrimary(config: AppConfig, workers: number): Promise<void> {
  // `npm run start:cluster` without CLUSTER_WORKERS forks one worker per core: not on SQLite.
  if (config.database.engine === 'sqlite') throw new ConfigError('DATABASE_URL', `names ${ONE_PROCESS_ONLY}`);
  const logger = pino({ level: config.logLevel }).child({ context: 'ClusterPrimary' });
  await prepareDatabase(config.database);
  if (config.nodeEnv !== 'production' && config.nodeEnv !== 'test') await seedOnce(config);

  // The workers run with the server's V8 flags even when the primary was started without them.
  cluster.setupPrimary({ exec: join(__dirname, '..', 'main.js'), execArgv: withServerNodeFlags(process.execArgv) });
  serveClusterMetrics();
  if (config.redisUrl === null) relayLiveStockBetweenWorkers();
  let stopping = false;
  const fork = () => cluster.fork({ CLUSTER_WORKERS: String(workers) });

  // Node removes a worker from cluster.workers before the later of its 'exit' and 'disconnect',
  // in either order: the last worker's stop is noticed on whichever comes last.
  const exitOnceAllStopped = () => {
    if (Object.keys(cluster.workers ?? {}).length > 0) return;
    logger.info('all workers stopped');
    process.exit(0);
  };
  cluster.on('disconnect', () => {
    if (stopping) exitOnceAllStopped();
  });
  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    if (stopping) return exitOnceAllStopped();
    logger.warn({ pid: worker.process.pid, code, signal }, 'worker died; starting a new one');
    setTimeout(() => {
      if (!stopping) fork();
    }, RESTART_DELAY_MS).unref();
  });
  // A message to a worker that is exiting (the live-stock relay or a metrics answer, while it
  // drains on SIGTERM) can fail on its closed channel: Node emits that as the worker's 'error',
  // which, unheard, would end the primary with exit code 1. The worker's own exit is handled above.
  cluster.on('fork', (worker: Worker) => {
    worker.on('error', (error: Error) => logger.warn({ pid: worker.process.pid, err: error }, 'message to a worker failed'));
  });
  cluster.on('listening', (worker: Worker, address) => {
    logger.info({ pid: worker.process.pid, port: address.port }, 'worker listening');
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping workers');
    const running = Object.values(cluster.workers ?? {});
    if (running.length === 0) process.exit(0);
    for (const worker of running) worker?.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  logger.info({ workers, port: config.port }, 'starting workers');
  for (let i = 0; i < workers; i++) fork();
}

async function seedOnce(config: AppConfig): Promise<void> {
  await withDataSource(config.database, (dataSource) => dataSource.transaction((manager) => seedDemoProducts(manager, true)));
}
