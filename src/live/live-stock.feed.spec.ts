import { EventEmitter } from 'node:events';
import { PinoLogger } from 'nestjs-pino';
import { Registry } from 'prom-client';
import { Clock } from '../core/clock';
import { Metrics } from '../metrics/metrics.service';
import { ProductCache } from '../products/product-cache';
import { ProductResponse } from '../products/product.response';
import { ProductsService } from '../products/products.service';
import { LiveStockBus } from './live-stock-bus';
import { COALESCE_MS, KEEP_ALIVE_MS, LiveStockFeed } from './live-stock.feed';
import { ProductStream, StreamSocket } from './product-stream';

// The feed's timing rules (coalescing window, keep-alive, sale boundaries) on jest's fake clock.
// The data behind them is tested end to end on both databases (test/live-stock.e2e-spec.ts).

class FakeResponse extends EventEmitter {
  writableLength = 0;
  destroyed = false;
  written: string[] = [];
  write(chunk: string | Buffer) {
    this.written.push(chunk.toString());
    return true;
  }
  end(done?: () => void) {
    this.emit('close');
    done?.();
  }
  destroy() {
    this.emit('close');
  }
  events(): Array<Record<string, unknown>> {
    return this.written.filter((c) => c.includes('event: product')).map((c) => JSON.parse(c.split('data: ')[1]));
  }
}

describe('LiveStockFeed timing', () => {
  let current: Record<string, unknown>;
  let reads: number;
  let feed: LiveStockFeed;
  let listener: ((ids: number[]) => void) | undefined;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-01T10:00:00.000Z') });
    current = { id: 1, stock: 10, available: 10 };
    reads = 0;
    const products = { readFresh: async () => (reads++, { ...current }) } as unknown as ProductsService;
    const cache = { onCommittedChange: (l: (ids: number[]) => void) => (listener = l) } as unknown as ProductCache;
    const bus = { start: () => undefined, publish: () => undefined, connected: false } as unknown as LiveStockBus;
    const logger = { setContext: () => undefined, warn: () => undefined } as unknown as PinoLogger;
    const metrics = { registry: new Registry() } as unknown as Metrics;
    feed = new LiveStockFeed(products, cache, bus, new Clock(), logger, metrics);
    feed.onModuleInit();
  });
  afterEach(() => {
    feed.closeAll();
    jest.useRealTimers();
  });

  const open = (first: Record<string, unknown> = current) => {
    const res = new FakeResponse();
    const stream = new ProductStream(1, res as unknown as StreamSocket, 0, feed);
    stream.open();
    feed.subscribe(stream, first as unknown as ProductResponse);
    return res;
  };
  const settle = async (ms: number) => {
    await jest.advanceTimersByTimeAsync(ms);
  };

  it('coalesces a burst of changes into one read and one event per 250 ms, ending on the latest state', async () => {
    const res = open();
    await settle(COALESCE_MS); // the look-again read after subscribing
    const readsBefore = reads;
    for (let i = 1; i <= 100; i++) {
      current = { ...current, available: 10 - (i % 10) };
      listener!([1]);
      await settle(5);
    }
    current = { ...current, available: 3 };
    listener!([1]);
    await settle(2 * COALESCE_MS);
    // 500 ms of changes, one read per 250 ms window at most (plus the one that opens a window).
    expect(reads - readsBefore).toBeLessThanOrEqual(Math.ceil(505 / 250) + 1); // the contract's 250 ms
    expect(res.events().at(-1)).toEqual({ id: 1, stock: 10, available: 3 });
  });

  it('ignores changes of products nobody follows', async () => {
    listener!([2, 3]);
    await settle(COALESCE_MS * 2);
    expect(reads).toBe(0);
  });

  it('writes a keep-alive comment every 15 s', async () => {
    const res = open();
    await settle(KEEP_ALIVE_MS - 1);
    expect(res.written.filter((c) => c.startsWith(':'))).toHaveLength(0);
    await settle(1);
    expect(res.written.filter((c) => c.startsWith(':'))).toEqual([': keep-alive\n\n']);
  });

  it('reads the product again just past sale_starts_at, so the on_sale flip is pushed without any write', async () => {
    current = { id: 1, stock: 10, available: 10, sale_starts_at: '2026-12-01T10:00:30.000Z', on_sale: false };
    const res = open();
    await settle(COALESCE_MS);
    current = { ...current, on_sale: true };
    await settle(29_000);
    expect(res.events().at(-1)).toMatchObject({ on_sale: false });
    await settle(1_000);
    expect(res.events().at(-1)).toMatchObject({ on_sale: true });
  });

  it('forgets a product when its last stream ends (no timers left behind)', async () => {
    const res = open();
    res.end();
    expect(feed.streamCount).toBe(0);
    listener!([1]);
    await settle(COALESCE_MS * 2);
    expect(reads).toBe(0);
  });
});
