import 'reflect-metadata';
import cluster from 'node:cluster';
import { createApp } from './app';
import { runCli } from './cli/bootstrap';
import { runClusterPrimary } from './cluster/cluster-primary';
import { AppConfig } from './config/app-config';
import { seedDemoProducts } from './products/demo-products';
import { TransactionRunner } from './database/transaction-runner';

async function bootstrap(config: AppConfig): Promise<void> {
  if (config.clusterWorkers > 0 && cluster.isPrimary) {
    await runClusterPrimary(config, config.clusterWorkers);
    return;
  }
  const app = await createApp(config);
  // In a cluster the primary has seeded already (workers racing to seed could insert twice).
  if (config.nodeEnv !== 'production' && config.nodeEnv !== 'test' && !cluster.isWorker) {
    await app.get(TransactionRunner).run((manager) => seedDemoProducts(manager, true));
  }
  await app.listen(config.port, '0.0.0.0');

  // SIGTERM/SIGINT: stop accepting and let the requests in flight finish first (the HTTP server
  // closes before Nest's shutdown hooks, one of which closes the database pool those requests
  // still need), then the hooks, then exit 0. A second signal does not wait.
  const shutdown = (signal: NodeJS.Signals) => {
    process.removeAllListeners(signal);
    process.once(signal, () => process.exit(1));
    const http = app.getHttpAdapter().getInstance();
    http
      .close()
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (error) => {
          console.error('Shutdown failed:', error);
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

runCli(bootstrap, { failurePrefix: 'Failed to start:' });
