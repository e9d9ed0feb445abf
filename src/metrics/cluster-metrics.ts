import cluster, { Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry } from 'prom-client';

// A scrape of any cluster worker answers for the whole cluster: the worker asks the primary,
// whose AggregatorRegistry collects every worker's registry over IPC and sums them.

const REQUEST = 'flash-sale:cluster-metrics-request';
const RESPONSE = 'flash-sale:cluster-metrics-response';
const ASK_TIMEOUT_MS = 6_000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: string;
}
interface MetricsResponse {
  type: typeof RESPONSE;
  id: string;
  body?: string;
  error?: string;
}

/** Primary side: answers the workers' requests with the aggregated metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker: Worker, message: MetricsRequest) => {
    if (message?.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (body) => worker.send({ type: RESPONSE, id: message.id, body } satisfies MetricsResponse),
      (error: Error) => worker.send({ type: RESPONSE, id: message.id, error: error.message } satisfies MetricsResponse),
    );
  });
}

/** Worker side: the cluster's metrics, or null when this process is not a cluster worker. */
export function askPrimaryForMetrics(): Promise<string> | null {
  if (!cluster.isWorker || !process.send) return null;
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error('the cluster primary did not answer')), ASK_TIMEOUT_MS);
    const onMessage = (message: MetricsResponse) => {
      if (message?.type === RESPONSE && message.id === id) finish(message.error ? new Error(message.error) : null, message.body);
    };
    const finish = (error: Error | null, body?: string) => {
      clearTimeout(timer);
      process.off('message', onMessage);
      if (error) reject(error);
      else resolve(body ?? '');
    };
    process.on('message', onMessage);
    process.send!({ type: REQUEST, id } satisfies MetricsRequest);
  });
}
