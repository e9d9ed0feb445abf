import { ServerResponse } from 'node:http';

/**
 * The most bytes a stream may have waiting in its socket buffer. An event is about 250 bytes, so
 * this is a client some 250 events behind: it is dropped (it reconnects and gets the current
 * state) rather than buffered without limit at the expense of every other stream.
 */
export const MAX_BUFFERED_BYTES = 64 * 1024;

/** How long an EventSource waits before reconnecting after the stream ends. */
const RECONNECT_MS = 2_000;

/** One open `text/event-stream` response, written straight to the socket (no Fastify reply). */
export class ProductStream {
  /** The id of the last event sent: the next one is always above it. */
  lastId: number;
  /** The body last sent, as sent: a fan-out skips streams that already have it. */
  lastData = '';
  private closed = false;
  private forgotten = false;

  constructor(
    readonly productId: number,
    private readonly res: ServerResponse,
    lastEventId: number,
    private readonly onDrop: (stream: ProductStream, reason: 'slow' | 'closed') => void,
  ) {
    this.lastId = lastEventId;
    res.on('close', () => this.finish('closed'));
  }

  open(): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // nginx and its kin would otherwise buffer the events.
      'x-accel-buffering': 'no',
    });
    this.write(`retry: ${RECONNECT_MS}\n\n`);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Sends a `product` event unless this stream already has that body; true when written. */
  sendProduct(id: number, data: string, frame?: string): boolean {
    if (this.closed || data === this.lastData) return false;
    const eventId = id > this.lastId ? id : this.lastId + 1;
    this.lastId = eventId;
    this.lastData = data;
    // The prebuilt frame serves every stream whose last id is below the fan-out's.
    return this.write(eventId === id && frame !== undefined ? frame : productFrame(eventId, data));
  }

  keepAlive(): void {
    if (!this.closed) this.write(': keep-alive\n\n');
  }

  /** Ends the response cleanly (shutdown): the client reconnects, to another instance if need be. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.res.end();
  }

  private write(chunk: string): boolean {
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.finish('slow');
      this.res.destroy();
      return false;
    }
    this.res.write(chunk);
    return true;
  }

  private finish(reason: 'slow' | 'closed'): void {
    this.closed = true;
    // 'close' also follows end() and destroy(): the registry forgets the stream exactly once.
    if (this.forgotten) return;
    this.forgotten = true;
    this.onDrop(this, reason);
  }
}

export function productFrame(id: number, data: string): string {
  return `id: ${id}\nevent: product\ndata: ${data}\n\n`;
}
