import cluster, { Worker } from 'node:cluster';

/** The IPC message a cluster worker sends (and receives) when products changed. */
export const LIVE_STOCK_MESSAGE = 'flash-sale:live-stock';

export interface LiveStockMessage {
  type: typeof LIVE_STOCK_MESSAGE;
  ids: number[];
}

export function isLiveStockMessage(message: unknown): message is LiveStockMessage {
  return (message as LiveStockMessage | null)?.type === LIVE_STOCK_MESSAGE && Array.isArray((message as LiveStockMessage).ids);
}

/**
 * In the cluster primary, without Redis: passes a worker's "products changed" on to every other
 * worker, so a stream on one worker hears a hold taken on another. (With REDIS_URL the workers
 * use Redis pub/sub like any other instances, and send nothing here.)
 */
export function relayLiveStockBetweenWorkers(): void {
  cluster.on('message', (from: Worker, message: unknown) => {
    if (!isLiveStockMessage(message)) return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && worker !== from && worker.isConnected()) worker.send(message);
    }
  });
}
