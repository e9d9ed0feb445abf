// `npm run start:cluster`: the app in CLUSTER_WORKERS worker processes, one per core when unset.
import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig } from '../config/app-config';
import { runClusterPrimary } from '../cluster/cluster-primary';

try {
  const config = loadConfig();
  runClusterPrimary(config, config.clusterWorkers || availableParallelism()).catch((error) => {
    console.error('Failed to start:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
