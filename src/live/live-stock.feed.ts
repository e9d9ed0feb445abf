import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Counter, Gauge } from 'prom-client';
import { Clock } from '../core/clock';
import { Metrics } from '../metrics/metrics.service';
import { ProductCache } from '../products/product-cache';
import { ProductResponse } from '../products/product.response';
import { ProductsService } from '../products/products.service';
import { EventIds } from './event-ids';
import { LiveStockBus } from './live-stock-bus';
import { ProductStream, StreamRegistry, productFrame } from './product-stream';

/** The contract: at most one event per 250 ms per product. */
export const COALESCE_MS = 250;
/** The contract: a comment line every 15 s keeps proxies from closing an idle stream. */
export const KEEP_ALIVE_MS = 15_000;
/** Longest timer Node accepts; a sale boundary further away is re-armed when it elapses. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * Streams written per turn of the event loop in a fan-out. Node flushes a response's writes on
 * the next tick, so everything written in one turn is alive until then: 10,000 streams in one
 * turn kept ~15 MB of write requests alive across a scavenge, which promoted them into the old
 * generation as garbage for a later full GC (+90 MB of peak heap over ten changes). 500 per
 * turn die young; a fan-out to 10,000 streams takes 20 turns.
 */
const FAN_OUT_SLICE = 500;
/** A flip is read a little after the boundary, so the read is surely on the far side of it. */
const BOUNDARY_MARGIN_MS = 5;

/** The subscribers of one product and the coalescing of its changes. */
interface Channel {
  readonly productId: number;
  readonly streams: Set<ProductStream>;
  /** The body last read for this product: a stream whose first event has the same shares this string. */
  body: string;
  lastSentAt: number;
  /** A change arrived that no read has covered yet. */
  dirty: boolean;
  /** A fan-out is reading or writing: the next one waits for it, so events never cross. */
  reading: boolean;
  timer: NodeJS.Timeout | null;
  saleTimer: NodeJS.Timeout | null;
}

/**
 * Fans committed product changes out to the open streams. A change (from this instance's
 * after-commit point, or from another instance through the bus) marks the product's channel
 * dirty; one fresh database read per product, at most every 250 ms, then goes to all of its
 * streams. A change that lands while that read runs marks it dirty again, so a product's
 * streams always end on its latest committed state. No change, no read: the cost is per change
 * and per product, not per subscriber.
 */
@Injectable()
export class LiveStockFeed implements OnModuleInit, OnApplicationShutdown, StreamRegistry {
  private readonly channels = new Map<number, Channel>();
  private readonly ids = new EventIds();
  private keepAlive: NodeJS.Timeout | null = null;
  private openStreams = 0;
  private readonly dropped: Counter<'reason'>;
  private readonly events: Counter;

  constructor(
    private readonly products: ProductsService,
    private readonly cache: ProductCache,
    private readonly bus: LiveStockBus,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
    metrics: Metrics,
  ) {
    logger.setContext(LiveStockFeed.name);
    const registers = [metrics.registry];
    const open = () => this.openStreams;
    new Gauge({
      name: 'flash_sale_stream_clients',
      help: 'Open live-stock streams (GET /api/products/:id/stream)',
      registers,
      collect() {
        this.set(open());
      },
    });
    new Gauge({
      name: 'flash_sale_stream_bus_connected',
      help: '1 while this instance hears the changes of the others through Redis; 0 without REDIS_URL or during an outage',
      registers,
      collect() {
        this.set(bus.connected ? 1 : 0);
      },
    });
    this.events = new Counter({
      name: 'flash_sale_stream_events_total',
      help: 'product events written to live-stock streams',
      registers,
    });
    this.dropped = new Counter({
      name: 'flash_sale_stream_disconnects_total',
      help: 'Live-stock streams ended, by reason: closed (client or shutdown) or slow (dropped for not reading)',
      labelNames: ['reason'],
      registers,
    });
  }

  get streamCount(): number {
    return this.openStreams;
  }

  onModuleInit(): void {
    this.cache.onCommittedChange((ids) => {
      this.changed(ids);
      this.bus.publish(ids);
    });
    this.bus.start({ changed: (ids) => this.changed(ids), resync: () => this.changed([...this.channels.keys()]) });
    this.keepAlive = setInterval(() => {
      for (const channel of this.channels.values()) for (const stream of channel.streams) stream.keepAlive();
    }, KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  /** Registers a stream whose first event (`first`) has been read; the next change reaches it. */
  subscribe(stream: ProductStream, first: ProductResponse): void {
    let channel = this.channels.get(stream.productId);
    if (!channel) {
      channel = {
        productId: stream.productId,
        streams: new Set(),
        body: '',
        lastSentAt: 0,
        dirty: false,
        reading: false,
        timer: null,
        saleTimer: null,
      };
      this.channels.set(stream.productId, channel);
      this.armSaleTimer(channel, first);
    }
    channel.streams.add(stream);
    this.openStreams++;
    let body = JSON.stringify(first);
    // One string per product state, not one per stream (each stream keeps its last body).
    if (body === channel.body) body = channel.body;
    else channel.body = body;
    if (stream.sendProduct(this.ids.nextAbove(stream.lastId), body)) this.events.inc();
    // The first read may have raced a change whose fan-out read came earlier: look once more.
    this.markDirty(channel);
  }

  /** Called by the stream when it ends, whatever the reason. */
  forget(stream: ProductStream, reason: 'slow' | 'closed'): void {
    const channel = this.channels.get(stream.productId);
    if (!channel?.streams.delete(stream)) return;
    this.openStreams--;
    this.dropped.inc({ reason });
    if (channel.streams.size === 0) {
      if (channel.timer) clearTimeout(channel.timer);
      if (channel.saleTimer) clearTimeout(channel.saleTimer);
      this.channels.delete(channel.productId);
    }
  }

  changed(ids: number[]): void {
    for (const id of ids) {
      const channel = this.channels.get(id);
      if (channel) this.markDirty(channel);
    }
  }

  /** SIGTERM: every stream ends now, so none keeps the graceful shutdown waiting. */
  closeAll(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    for (const channel of [...this.channels.values()]) for (const stream of [...channel.streams]) stream.end();
  }

  onApplicationShutdown(): void {
    this.closeAll();
  }

  private markDirty(channel: Channel): void {
    channel.dirty = true;
    if (channel.timer || channel.reading) return; // the pending read, or the next, covers it
    const wait = Math.max(0, channel.lastSentAt + COALESCE_MS - Date.now());
    channel.timer = setTimeout(() => void this.fanOut(channel), wait);
  }

  private async fanOut(channel: Channel): Promise<void> {
    channel.timer = null;
    channel.dirty = false;
    channel.reading = true;
    let product: ProductResponse | null = null;
    try {
      product = await this.products.readFresh(channel.productId);
    } catch (error) {
      // The database is out: try again after the coalescing delay, the streams keep their state.
      this.logger.warn({ err: (error as Error).message, product_id: channel.productId }, 'Live stock read failed; retrying');
      channel.dirty = true;
    } finally {
      channel.lastSentAt = Date.now();
    }
    if (this.channels.get(channel.productId) !== channel) {
      channel.reading = false;
      return; // every subscriber left meanwhile
    }
    if (product) {
      const data = JSON.stringify(product);
      channel.body = data;
      const id = this.ids.next();
      // One Buffer per change, written to every socket as is (a string would be encoded once per socket).
      const frame = Buffer.from(productFrame(id, data));
      // A copy: a slow stream dropped while writing leaves the set, a new one gets its own first event.
      const streams = [...channel.streams];
      for (let from = 0; from < streams.length; from += FAN_OUT_SLICE) {
        if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        for (const stream of streams.slice(from, from + FAN_OUT_SLICE)) {
          if (stream.sendProduct(id, data, frame)) this.events.inc();
        }
      }
      // Unless every subscriber left during the slices (forget() has cleared the channel's timers).
      if (this.channels.get(channel.productId) === channel) this.armSaleTimer(channel, product);
    }
    channel.reading = false;
    if (channel.dirty && this.channels.get(channel.productId) === channel) this.markDirty(channel);
  }

  /**
   * `on_sale` flips at `sale_starts_at` / `sale_ends_at` without any write: a timer makes that
   * flip a change like the others. Generic over the body: products without a window get none.
   */
  private armSaleTimer(channel: Channel, product: ProductResponse): void {
    if (channel.saleTimer) clearTimeout(channel.saleTimer);
    channel.saleTimer = null;
    const now = this.clock.now().getTime();
    const body = product as unknown as Record<string, unknown>;
    const boundaries = [body.sale_starts_at, body.sale_ends_at]
      .filter((value): value is string => typeof value === 'string')
      .map((value) => Date.parse(value))
      .filter((at) => Number.isFinite(at) && at > now);
    if (boundaries.length === 0) return;
    const wait = Math.min(Math.min(...boundaries) - now + BOUNDARY_MARGIN_MS, MAX_TIMER_MS);
    channel.saleTimer = setTimeout(() => {
      channel.saleTimer = null;
      this.markDirty(channel);
    }, wait);
    channel.saleTimer.unref();
  }
}
