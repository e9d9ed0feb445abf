import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import cluster from 'node:cluster';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { DOMAIN_EVENT_NAMES, DomainEventName, DomainEvents } from '../core/domain-events';

/** Every contract log event has a counter `flash_sale_<event>_total`. */
export const COUNTED_EVENTS: readonly DomainEventName[] = DOMAIN_EVENT_NAMES;

/** Events that report several of a thing at once, counted by their `count` field. */
const COUNTED_BY_COUNT: ReadonlySet<DomainEventName> = new Set(['holds_expired', 'order_expired']);

/** Hold batch sizes: 1 is a lone request; the top buckets are a crowd on one product. */
const HOLD_BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

let workerListenerInstalled = false;

/**
 * This process's Prometheus metrics. Each app has a registry of its own (several apps share one
 * process in the tests); in a cluster worker that registry is the one the primary collects.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly events = new Map<DomainEventName, Counter<string>>();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly holdBatchSize: Histogram;
  private readonly httpSeries = new Map<string, { observe(seconds: number): void }>();
  private readonly cacheHits: Counter.Internal;
  private readonly cacheMisses: Counter.Internal;
  private readonly cacheBypasses: Counter.Internal;

  constructor(domainEvents: DomainEvents, @InjectDataSource() dataSource: DataSource) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    for (const event of COUNTED_EVENTS) {
      const labelNames = event === 'stock_contention' ? ['reason'] : [];
      const help = COUNTED_BY_COUNT.has(event)
        ? `${event === 'holds_expired' ? 'Holds' : 'Orders'} expired (the ${event} log events, counted one by one)`
        : `${event} log events`;
      this.events.set(event, new Counter({ name: `flash_sale_${event}_total`, help, labelNames, registers }));
    }
    domainEvents.subscribe((event, fields) => {
      // Events are emitted after the commit: a counting bug must never turn a success into a 500.
      try {
        this.countEvent(event, fields);
      } catch {
        // the log line (written before the listeners run) still records the event
      }
    });

    this.httpDuration = new Histogram({
      name: 'flash_sale_http_request_duration_seconds',
      help: 'HTTP request latency by route pattern, method and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.holdBatchSize = new Histogram({
      name: 'flash_sale_hold_batch_size',
      help: 'Hold requests decided together in one transaction',
      buckets: HOLD_BATCH_BUCKETS,
      registers,
    });
    const cacheLookups = new Counter({
      name: 'flash_sale_product_cache_lookups_total',
      help: 'Product reads by cache result: hit, miss, or bypass (cache unavailable, read from the database)',
      labelNames: ['result'],
      registers,
    });
    this.cacheHits = cacheLookups.labels('hit');
    this.cacheMisses = cacheLookups.labels('miss');
    this.cacheBypasses = cacheLookups.labels('bypass');
    const pool = () => poolState(dataSource);
    new Gauge({
      name: 'flash_sale_db_pool_connections_in_use',
      help: 'Database connections checked out of the pool',
      registers,
      collect() {
        this.set(pool()?.inUse ?? 0);
      },
    });
    new Gauge({
      name: 'flash_sale_db_pool_waiting_requests',
      help: 'Queries waiting for a free database connection',
      registers,
      collect() {
        this.set(pool()?.waiting ?? 0);
      },
    });
    if (cluster.isWorker) shareWithPrimary(this.registry);
  }

  /** For the hold batcher: how many hold requests one grant decided. */
  observeHoldBatch(size: number): void {
    this.holdBatchSize.observe(size);
  }

  /**
   * The latency series of one route pattern, method and status, resolved once and then reused:
   * prom-client's label lookup (hashing a labels object) on every request costs more than the
   * observation itself. Route patterns, methods and statuses are few, so the Map stays small.
   */
  httpRequestSeries(method: string, route: string, status: number): { observe(seconds: number): void } {
    const key = `${method} ${status} ${route}`;
    let series = this.httpSeries.get(key);
    if (series === undefined) {
      series = this.httpDuration.labels(method, route, String(status));
      this.httpSeries.set(key, series);
    }
    return series;
  }

  cacheHit(): void {
    this.cacheHits.inc();
  }

  cacheMiss(): void {
    this.cacheMisses.inc();
  }

  cacheBypass(): void {
    this.cacheBypasses.inc();
  }

  /** 1 while the product cache is usable, 0 during a Redis outage. */
  trackCacheAvailability(available: () => boolean): void {
    if (this.registry.getSingleMetric('flash_sale_product_cache_available')) return;
    new Gauge({
      name: 'flash_sale_product_cache_available',
      help: '1 while the product cache answers, 0 while reads bypass it',
      // Across a cluster: 0 as soon as any worker has lost it.
      aggregator: 'min',
      registers: [this.registry],
      collect() {
        this.set(available() ? 1 : 0);
      },
    });
  }

  private countEvent(event: DomainEventName, fields: Record<string, unknown>): void {
    const counter = this.events.get(event);
    if (!counter) return;
    if (COUNTED_BY_COUNT.has(event)) {
      counter.inc(typeof fields.count === 'number' ? fields.count : 1);
    } else if (event === 'stock_contention') {
      counter.inc({ reason: typeof fields.reason === 'string' ? fields.reason : 'unknown' });
    } else {
      counter.inc();
    }
  }
}

/** mysql2's pool keeps its state in private queues; read them defensively (0 if they change). */
function poolState(dataSource: DataSource): { inUse: number; waiting: number } | null {
  const pool = (dataSource.driver as unknown as { pool?: Record<string, { length?: unknown } | undefined> }).pool;
  if (!pool) return null;
  const size = (name: string) => (typeof pool[name]?.length === 'number' ? pool[name].length : 0);
  return {
    inUse: Math.max(0, size('_allConnections') - size('_freeConnections')),
    waiting: size('_connectionQueue'),
  };
}

/** prom-client answers the primary's AggregatorRegistry from the registries set here. */
function shareWithPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  if (workerListenerInstalled) return;
  workerListenerInstalled = true;
  // Constructing one installs prom-client's worker-side message listener.
  new AggregatorRegistry();
}
