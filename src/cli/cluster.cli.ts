// `npm run start:cluster`: the app in CLUSTER_WORKERS worker processes, one per core when unset.
import 'reflect-metadata';
import { availableParallelism } from 'node:os';
import { runClusterPrimary } from '../cluster/cluster-primary';
import { runCli } from './bootstrap';

runCli((config) => runClusterPrimary(config, config.clusterWorkers || availableParallelism()), {
  failurePrefix: 'Failed to start:',
});
