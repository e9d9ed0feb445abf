import { Socket } from 'node:net';

/**
 * The most bytes a stream may have waiting in its socket buffer. An event is about 250 bytes, so
 * this is a client some 250 events behind: it is dropped (it reconnects and gets the current
 * state) rather than buffered without limit at the expense of every other stream.
 */
export const MAX_BUFFERED_BYTES = 64 * 1024;

/** How long an EventSource waits before reconnecting after the stream ends. */
const RECONNECT_MS = 2_000;

/**
 * The response head and the `retry` field, the same bytes for every stream. The body ends when
 * the connection does (`connection: close`, no chunked framing): each event is then one write of
 * the bytes every subscriber shares, with no chunk header of its own.
 */
const RESPONSE_HEAD =
  'HTTP/1.1 200 OK\r\n' +
  'content-type: text/event-stream; charset=utf-8\r\n' +
  'cache-control: no-cache, no-transform\r\n' +
  // nginx and its kin would otherwise buffer the events.
  'x-accel-buffering: no\r\n' +
  'connection: close\r\n' +
  '\r\n';
const HEAD = Buffer.from(RESPONSE_HEAD + `retry: ${RECONNECT_MS}\n\n`);
/** The answer to a `HEAD` of the stream: the head a stream starts with, and no body. */
export const HEAD_ONLY = Buffer.from(RESPONSE_HEAD);
const KEEP_ALIVE = Buffer.from(': keep-alive\n\n');

/** Where a stream reports its end: the feed, shared by all of them (no closure per stream). */
export interface StreamRegistry {
  forget(stream: ProductStream, reason: 'slow' | 'closed'): void;
}

/**
 * The part of a socket a stream uses. A stream holds only its socket: no Fastify reply, no
 * ServerResponse (whose header string and chunked framing would cost every stream), and no
 * string of its own once an event is written (the bytes of a change are one Buffer for all).
 */
export type StreamSocket = Pick<Socket, 'writableLength' | 'write' | 'end' | 'destroy' | 'on'>;

/** One open `text/event-stream` response, written straight to its socket. */
export class ProductStream {
  /** The id of the last event sent: the next one is always above it. */
  lastId: number;
  /** The body last sent, as sent (shared with the other streams of the product): a fan-out skips streams that already have it. */
  lastData = '';
  private closed = false;
  private forgotten = false;

  constructor(
    readonly productId: number,
    private readonly socket: StreamSocket,
    lastEventId: number,
    private readonly registry: StreamRegistry,
  ) {
    this.lastId = lastEventId;
    socket.on('close', () => this.finish('closed'));
  }

  open(): void {
    this.write(HEAD);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Sends a `product` event unless this stream already has that body; true when written. */
  sendProduct(id: number, data: string, frame?: string | Buffer): boolean {
    if (this.closed || data === this.lastData) return false;
    const eventId = id > this.lastId ? id : this.lastId + 1;
    this.lastId = eventId;
    this.lastData = data;
    // The prebuilt frame serves every stream whose last id is below the fan-out's.
    return this.write(eventId === id && frame !== undefined ? frame : productFrame(eventId, data));
  }

  keepAlive(): void {
    if (!this.closed) this.write(KEEP_ALIVE);
  }

  /** Ends the response cleanly (shutdown): the client reconnects, to another instance if need be. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    // Once the last bytes are out the socket is closed, whether or not the client closes its side.
    this.socket.end(() => this.socket.destroy());
  }

  private write(chunk: string | Buffer): boolean {
    if (this.socket.writableLength > MAX_BUFFERED_BYTES) {
      this.finish('slow');
      this.socket.destroy();
      return false;
    }
    this.socket.write(chunk);
    return true;
  }

  private finish(reason: 'slow' | 'closed'): void {
    this.closed = true;
    // 'close' also follows end() and destroy(): the registry forgets the stream exactly once.
    if (this.forgotten) return;
    this.forgotten = true;
    this.registry.forget(this, reason);
  }
}

export function productFrame(id: number, data: string): string {
  return `id: ${id}\nevent: product\ndata: ${data}\n\n`;
}
