import { EventEmitter } from 'node:events';
import { MAX_BUFFERED_BYTES, ProductStream, StreamSocket } from './product-stream';
import { EventIds, parseLastEventId } from './event-ids';

/** A socket stand-in whose buffer the test fills, as a client that stopped reading would. */
class FakeResponse extends EventEmitter {
  writableLength = 0;
  destroyed = false;
  ended = false;
  written: string[] = [];
  write(chunk: string | Buffer) {
    this.written.push(chunk.toString());
    return true;
  }
  end(done?: () => void) {
    this.ended = true;
    this.emit('close');
    done?.();
  }
  destroy() {
    this.destroyed = true;
    this.emit('close');
  }
}

describe('ProductStream', () => {
  const make = (lastEventId = 0) => {
    const res = new FakeResponse();
    const drops: string[] = [];
    const stream = new ProductStream(1, res as unknown as StreamSocket, lastEventId, {
      forget: (_s, reason) => drops.push(reason),
    });
    stream.open();
    return { res, drops, stream };
  };

  it('drops a client whose buffer passed the bound instead of buffering more, and reports it once', () => {
    const { res, drops, stream } = make();
    expect(stream.sendProduct(10, '{"available":1}')).toBe(true);
    res.writableLength = MAX_BUFFERED_BYTES + 1;
    expect(stream.sendProduct(11, '{"available":0}')).toBe(false);
    expect(res.destroyed).toBe(true);
    expect(drops).toEqual(['slow']);
    expect(stream.isOpen).toBe(false);
    expect(res.written.join('')).not.toContain('"available":0');
  });

  it('keeps a client at the bound (a full buffer is not yet too full)', () => {
    const { res, drops, stream } = make();
    res.writableLength = MAX_BUFFERED_BYTES;
    expect(stream.sendProduct(10, '{"available":1}')).toBe(true);
    expect(drops).toEqual([]);
  });

  it('skips a body the stream already has, and keeps its ids above the Last-Event-ID it came with', () => {
    const { res, stream } = make(500);
    expect(stream.sendProduct(100, '{"a":1}', 'prebuilt')).toBe(true);
    expect(res.written.at(-1)).toBe('id: 501\nevent: product\ndata: {"a":1}\n\n');
    expect(stream.sendProduct(600, '{"a":1}')).toBe(false);
    expect(stream.sendProduct(600, '{"a":2}', 'prebuilt')).toBe(true);
    expect(res.written.at(-1)).toBe('prebuilt');
  });

  it('ends cleanly on shutdown and reports the end once', () => {
    const { res, drops, stream } = make();
    stream.end();
    stream.end();
    expect(res.ended).toBe(true);
    expect(drops).toEqual(['closed']);
  });
});

describe('event ids', () => {
  it('grow, from the wall clock, and above a given floor', () => {
    const ids = new EventIds();
    const first = ids.next();
    expect(first).toBeGreaterThanOrEqual(Date.now() * 1000 - 1_000_000);
    expect(ids.next()).toBeGreaterThan(first);
    const floor = first + 10_000_000_000;
    expect(ids.nextAbove(floor)).toBe(floor + 1);
    expect(ids.next()).toBe(floor + 2);
  });

  it('reads only ids of ours from Last-Event-ID', () => {
    expect(parseLastEventId(undefined)).toBe(0);
    expect(parseLastEventId('1764600000000000')).toBe(1764600000000000);
    expect(parseLastEventId('abc')).toBe(0);
    expect(parseLastEventId('99999999999999999999')).toBe(0);
  });
});
