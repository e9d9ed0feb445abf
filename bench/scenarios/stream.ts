// `stream`: live stock to many subscribers of one instance. Opens BENCH_STREAMS (default 10,000)
// streams on one product, measures the server's memory per stream, then makes a series of
// changes (one hold each) and times the fan-out: from sending the hold to each subscriber
// receiving the new `available`. Checks: every stream opens, the one past STREAM_MAX_CLIENTS is
// refused with 503 + Retry-After, every subscriber receives every change and ends on the state
// the database has, none is dropped, and SIGTERM ends every stream and exits 0.
import { Socket, connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { customerAuthorization } from '../lib/auth';
import { count, insertProduct } from '../lib/database';
import { check, Scenario, withApp } from '../lib/scenario';
import { readRssMb } from '../lib/server';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 10_000);
/** Changes timed one after the other, each once every subscriber has the previous one. */
const CHANGES = 10;
/** Opened at most this many at a time (the listen backlog is 511). */
const OPEN_CONCURRENCY = 256;
/** A change within 250 ms of the previous fan-out waits for the coalescing window: space them. */
const SPACING_MS = 300;

interface Subscriber {
  socket: Socket;
  status: number;
  headers: string;
  lastAvailable: number;
  closed: boolean;
  /** The change (index) this subscriber was last timed for. */
  timedRound: number;
}

/** A bare HTTP/1.1 client per stream: 10,000 of node's http clients would cost more than the server. */
function subscribe(port: number, path: string, onAvailable: (s: Subscriber, available: number) => void): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const sub: Subscriber = { socket, status: 0, headers: '', lastAvailable: -1, closed: false, timedRound: -1 };
    let settled = false;
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n`));
    socket.on('data', (chunk: string) => {
      if (sub.status === 0) {
        sub.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk)?.[1] ?? -1);
        sub.headers = chunk.slice(0, chunk.indexOf('\r\n\r\n'));
        if (sub.status !== 200 && !settled) {
          settled = true;
          resolve(sub);
        }
      }
      const matches = [...chunk.matchAll(/"available":(\d+)/g)];
      if (matches.length === 0) return;
      sub.lastAvailable = Number(matches[matches.length - 1][1]);
      onAvailable(sub, sub.lastAvailable);
      if (!settled) {
        settled = true;
        resolve(sub);
      }
    });
    socket.on('close', () => (sub.closed = true));
    socket.on('error', (error) => {
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
  });
}

async function heapUsedBytes(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? NaN);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] * 10) / 10;
}

export const stream: Scenario = {
  name: 'stream',
  title: `live stock: ${STREAMS} SSE streams on one product, fan-out of ${CHANGES} changes`,
  async run(options) {
    const subscribers: Subscriber[] = [];
    const stock = 1_000;
    const { value, peakRssMb, shutdown } = await withApp(
      'stream',
      { STREAM_MAX_CLIENTS: String(STREAMS) },
      options,
      async (app) => {
        const port = Number(new URL(app.url).port);
        const product = await insertProduct(app.db, 'Flash Sneaker', stock, '99.00');
        const path = `/api/products/${product}/stream`;

        // Timing of the current change: each subscriber is timed once, when it first sees `expected`.
        let round = -1;
        let expected = -1;
        let sentAt = 0;
        let received = 0;
        const latencies: number[] = [];
        let allReceived: (() => void) | null = null;
        const onAvailable = (sub: Subscriber, available: number) => {
          if (available !== expected || sub.timedRound === round) return;
          sub.timedRound = round;
          latencies.push(performance.now() - sentAt);
          if (++received === subscribers.length) allReceived?.();
        };

        const heapBefore = await heapUsedBytes(app.url);
        const rssBefore = readRssMb(app.pid);
        const openStart = performance.now();
        let next = 0;
        await Promise.all(
          Array.from({ length: OPEN_CONCURRENCY }, async () => {
            while (next < STREAMS) {
              next++;
              subscribers.push(await subscribe(port, path, onAvailable));
            }
          }),
        );
        const openSeconds = (performance.now() - openStart) / 1000;
        const refused = await subscribe(port, path, () => undefined);
        refused.socket.destroy();
        const heapAfter = await heapUsedBytes(app.url);
        const rssAfter = readRssMb(app.pid);

        const holdLatencies: number[] = [];
        const fanOutMs: number[] = [];
        const auth = await customerAuthorization();
        for (let i = 0; i < CHANGES; i++) {
          round = i;
          expected = stock - (i + 1);
          received = 0;
          const done = new Promise<void>((resolve, reject) => {
            allReceived = resolve;
            setTimeout(
              () => reject(new Error(`change ${i}: ${received}/${subscribers.length} subscribers got it within 60 s`)),
              60_000,
            ).unref();
          });
          sentAt = performance.now();
          const answer = await fetch(`${app.url}/api/holds`, {
            method: 'POST',
            // The bench server runs with customer auth on: the change is a signed-in customer's hold.
            headers: { 'content-type': 'application/json', ...auth },
            body: JSON.stringify({ product_id: product, qty: 1 }),
          });
          holdLatencies.push(performance.now() - sentAt);
          if (answer.status !== 201) throw new Error(`hold ${i} answered ${answer.status}`);
          await done;
          fanOutMs.push(performance.now() - sentAt);
          await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
        }

        const reserved = await count(app.db, 'SELECT reserved FROM products WHERE id = ?', [product]);
        const finalAvailable = stock - reserved;
        const sorted = [...latencies].sort((a, b) => a - b);
        const metrics = await (await fetch(`${app.url}/metrics`)).text();
        const slowDrops = Number(/^flash_sale_stream_disconnects_total\{reason="slow"\} (\S+)$/m.exec(metrics)?.[1] ?? 0);
        return {
          openSeconds,
          heapPerStream: Math.round((heapAfter - heapBefore) / STREAMS),
          rssPerStream:
            rssBefore !== null && rssAfter !== null ? Math.round(((rssAfter - rssBefore) * 1024 * 1024) / STREAMS) : null,
          latencies: sorted,
          fanOutMeanMs: fanOutMs.reduce((a, b) => a + b, 0) / fanOutMs.length,
          holdP50: percentile(
            [...holdLatencies].sort((a, b) => a - b),
            50,
          ),
          refused,
          finalAvailable,
          slowDrops,
          checks: [
            check(
              `all ${STREAMS} streams open (200)`,
              subscribers.every((s) => s.status === 200),
              `${subscribers.filter((s) => s.status !== 200).length} refused`,
            ),
            check(
              'the stream past STREAM_MAX_CLIENTS: 503 + Retry-After',
              refused.status === 503 && /\r\nretry-after: \d+/i.test(refused.headers),
              `status ${refused.status}`,
            ),
            check(
              'every subscriber got every change',
              latencies.length === STREAMS * CHANGES,
              `${latencies.length} of ${STREAMS * CHANGES}`,
            ),
            check(
              'every subscriber ends on the final state',
              finalAvailable === stock - CHANGES && subscribers.every((s) => s.lastAvailable === finalAvailable),
              `database available ${finalAvailable}; ${subscribers.filter((s) => s.lastAvailable !== finalAvailable).length} subscribers elsewhere`,
            ),
            check(
              'no subscriber dropped',
              slowDrops === 0 && subscribers.every((s) => !s.closed),
              `${slowDrops} dropped as slow`,
            ),
          ],
        };
      },
    );

    // SIGTERM has been sent by now: every stream must have been ended by the server.
    const closeDeadline = Date.now() + 10_000;
    while (subscribers.some((s) => !s.closed) && Date.now() < closeDeadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const open = subscribers.filter((s) => !s.closed).length;
    for (const s of subscribers) s.socket.destroy();

    const p = (n: number) => percentile(value.latencies, n);
    return {
      name: this.name,
      title: this.title,
      unit: 'deliveries/s',
      // Deliveries per second while a change fans out (from sending the hold to its last subscriber).
      throughput: STREAMS / (value.fanOutMeanMs / 1000),
      requests: value.latencies.length,
      durationS: value.openSeconds,
      latencyMs: { p50: p(50), p90: p(90), p99: p(99), max: p(100) },
      statuses: { '200': STREAMS, [String(value.refused.status)]: 1 },
      errors: 0,
      timeouts: 0,
      peakRssMb,
      serverCpuUsPerRequest: null,
      checks: [
        ...value.checks,
        check('SIGTERM ended every stream', open === 0, `${open} still open 10 s after the stop`),
        shutdown,
      ],
      extra: {
        streams: STREAMS,
        changes: CHANGES,
        openSeconds: Math.round(value.openSeconds * 10) / 10,
        heapBytesPerStream: value.heapPerStream,
        rssBytesPerStream: value.rssPerStream,
        holdRequestP50Ms: value.holdP50,
        fanOutMeanMs: Math.round(value.fanOutMeanMs),
        deliveryLatencyMs: { p50: p(50), p90: p(90), p99: p(99), max: p(100) },
      },
    };
  },
};
