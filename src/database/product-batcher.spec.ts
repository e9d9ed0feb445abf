import { HoldQueueFullError, HoldQueueTimeoutError } from '../core/errors';
import { ProductBatcher } from './product-batcher';

/** A grant whose transactions the test finishes by hand, recording each batch it was given. */
function manualGrant() {
  const batches: Array<{ productId: number; requests: string[]; finish(fail?: unknown): void }> = [];
  const grant = (productId: number, requests: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({
        productId,
        requests,
        finish: (fail?: unknown) => (fail ? reject(fail) : resolve(requests.map((r) => `${r}:ok`))),
      });
    });
  return { grant, batches };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ProductBatcher (the batching rules, with a hand-driven grant)', () => {
  it('decides a lone request at once, and the requests arriving meanwhile as the next batches, in order, maxBatch at a time', async () => {
    const { grant, batches } = manualGrant();
    const batcher = new ProductBatcher(grant, { maxBatch: 2, maxQueue: 100 });
    const answers = ['a', 'b', 'c', 'd'].map((r) => batcher.submit(7, r));
    expect(batches.map((b) => b.requests)).toEqual([['a']]);
    expect(batcher.queued(7)).toBe(3);

    batches[0].finish();
    await settle();
    expect(batches.map((b) => b.requests)).toEqual([['a'], ['b', 'c']]);
    batches[1].finish();
    await settle();
    batches[2].finish();
    expect(await Promise.all(answers)).toEqual(['a:ok', 'b:ok', 'c:ok', 'd:ok']);
    expect(batches.map((b) => b.requests)).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('runs one batch per product at a time, products independently', async () => {
    const { grant, batches } = manualGrant();
    const batcher = new ProductBatcher(grant, { maxBatch: 10, maxQueue: 100 });
    const answers = [batcher.submit(1, 'x'), batcher.submit(2, 'y'), batcher.submit(1, 'z')];
    expect(batches.map((b) => [b.productId, b.requests])).toEqual([
      [1, ['x']],
      [2, ['y']],
    ]);
    batches.forEach((b) => b.finish());
    await settle();
    batches[2].finish();
    expect(await Promise.all(answers)).toEqual(['x:ok', 'y:ok', 'z:ok']);
  });

  it('refuses a request with a 503 + Retry-After error when its product queue is full', async () => {
    const { grant, batches } = manualGrant();
    const batcher = new ProductBatcher(grant, { maxBatch: 10, maxQueue: 2 });
    const accepted = ['a', 'b', 'c'].map((r) => batcher.submit(1, r));
    const refused = batcher.submit(1, 'd');
    await expect(refused).rejects.toBeInstanceOf(HoldQueueFullError);
    await expect(refused).rejects.toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
    expect(batcher.queued(1)).toBe(2);
    batches[0].finish();
    await settle();
    batches[1].finish();
    expect(await Promise.all(accepted)).toEqual(['a:ok', 'b:ok', 'c:ok']);
  });

  it('decides the requests of a failed batch again one by one, so only the culprit fails', async () => {
    const grant = jest.fn(async (_productId: number, requests: string[]) => {
      if (requests.includes('bad')) throw new Error('bad request hook');
      return requests.map((r) => `${r}:ok`);
    });
    const batcher = new ProductBatcher(grant, { maxBatch: 10, maxQueue: 100 });
    const first = batcher.submit(1, 'first');
    const rest = Promise.allSettled(['a', 'bad', 'c'].map((r) => batcher.submit(1, r)));
    await first;
    expect((await rest).map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'a:ok',
      'bad request hook',
      'c:ok',
    ]);
    expect(grant.mock.calls.map(([, requests]) => requests)).toEqual([['first'], ['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('fails a whole batch without retrying it when the connection was lost (it may have committed)', async () => {
    const lost = Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST' });
    const { grant, batches } = manualGrant();
    const batcher = new ProductBatcher(grant, { maxBatch: 10, maxQueue: 100 });
    const first = batcher.submit(1, 'first');
    const lostOnes = Promise.allSettled(['a', 'b'].map((r) => batcher.submit(1, r)));
    batches[0].finish();
    await first;
    await settle();
    const later = batcher.submit(1, 'later');
    batches[1].finish(lost);
    expect((await lostOnes).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await settle();
    batches[2].finish();
    expect(await later).toBe('later:ok');
    expect(batches.map((b) => b.requests)).toEqual([['first'], ['a', 'b'], ['later']]);
  });

  it('drains: resolves once every queued request has its answer', async () => {
    const { grant, batches } = manualGrant();
    const batcher = new ProductBatcher(grant, { maxBatch: 10, maxQueue: 100 });
    await batcher.drain();
    const answers = ['a', 'b'].map((r) => batcher.submit(1, r));
    let drained = false;
    const draining = batcher.drain().then(() => (drained = true));
    batches[0].finish();
    await settle();
    expect(drained).toBe(false);
    batches[1].finish();
    await draining;
    expect(await Promise.all(answers)).toEqual(['a:ok', 'b:ok']);
  });

  describe('the queue wait limit (maxWaitMs), on fake timers', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
    afterEach(() => jest.useRealTimers());

    it('refuses a request still queued at maxWaitMs with a 503 that says retry, and keeps the others in order', async () => {
      const { grant, batches } = manualGrant();
      const batcher = new ProductBatcher(grant, { maxBatch: 10, maxQueue: 100, maxWaitMs: 500 });
      const first = batcher.submit(3, 'a');
      const late = batcher.submit(3, 'b');
      late.catch(() => undefined);
      jest.advanceTimersByTime(499);
      expect(batcher.queued(3)).toBe(1);
      jest.advanceTimersByTime(1);
      await expect(late).rejects.toBeInstanceOf(HoldQueueTimeoutError);
      await expect(late).rejects.toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
      expect(batcher.queued(3)).toBe(0);
      const next = batcher.submit(3, 'c');
      batches[0].finish();
      await settle();
      expect(batches.map((b) => b.requests)).toEqual([['a'], ['c']]);
      batches[1].finish();
      expect(await Promise.all([first, next])).toEqual(['a:ok', 'c:ok']);
    });

    it('never refuses a request once its batch has started, however long the batch takes', async () => {
      const { grant, batches } = manualGrant();
      const batcher = new ProductBatcher(grant, { maxBatch: 10, maxQueue: 100, maxWaitMs: 500 });
      const first = batcher.submit(4, 'a');
      const second = batcher.submit(4, 'b');
      batches[0].finish();
      await settle();
      expect(batches.map((b) => b.requests)).toEqual([['a'], ['b']]);
      jest.advanceTimersByTime(10_000);
      batches[1].finish();
      expect(await Promise.all([first, second])).toEqual(['a:ok', 'b:ok']);
    });

    it('refuses each queued request at its own deadline: one that came later waits its full time', async () => {
      const { grant, batches } = manualGrant();
      const batcher = new ProductBatcher(grant, { maxBatch: 10, maxQueue: 100, maxWaitMs: 500 });
      const first = batcher.submit(6, 'first');
      const early = batcher.submit(6, 'early'); // due at 500
      early.catch(() => undefined);
      jest.advanceTimersByTime(200);
      const later = batcher.submit(6, 'later'); // due at 700
      later.catch(() => undefined);
      jest.advanceTimersByTime(300);
      await expect(early).rejects.toBeInstanceOf(HoldQueueTimeoutError);
      expect(batcher.queued(6)).toBe(1);
      jest.advanceTimersByTime(199);
      expect(batcher.queued(6)).toBe(1);
      jest.advanceTimersByTime(1);
      await expect(later).rejects.toBeInstanceOf(HoldQueueTimeoutError);
      expect(batcher.queued(6)).toBe(0);
      batches[0].finish();
      expect(await first).toBe('first:ok');
    });

    it('keeps one timer per product queue, and none once the queue is done', async () => {
      const { grant, batches } = manualGrant();
      const batcher = new ProductBatcher(grant, { maxBatch: 1, maxQueue: 100, maxWaitMs: 500 });
      const answers = ['a', 'b', 'c'].map((r) => batcher.submit(8, r));
      // 'a' is in flight (no timer), 'b' and 'c' wait behind it: one timer, for 'b'.
      expect(jest.getTimerCount()).toBe(1);
      batches[0].finish();
      await settle();
      batches[1].finish();
      await settle();
      batches[2].finish();
      expect(await Promise.all(answers)).toEqual(['a:ok', 'b:ok', 'c:ok']);
      await batcher.drain();
      // A timer left armed would fire on a retired queue (and keep a process alive until then).
      expect(jest.getTimerCount()).toBe(0);
    });

    it('waits two seconds by default before refusing a queued request', async () => {
      const { grant } = manualGrant();
      const batcher = new ProductBatcher(grant, { maxBatch: 10, maxQueue: 100 });
      void batcher.submit(5, 'a');
      const queued = batcher.submit(5, 'b');
      queued.catch(() => undefined);
      jest.advanceTimersByTime(1_999);
      expect(batcher.queued(5)).toBe(1);
      jest.advanceTimersByTime(1);
      await expect(queued).rejects.toBeInstanceOf(HoldQueueTimeoutError);
    });
  });

  it('counts nothing queued for a product it has never seen, and drains only once every product is done', async () => {
    const { grant, batches } = manualGrant();
    const batcher = new ProductBatcher(grant, { maxBatch: 10, maxQueue: 100 });
    expect(batcher.queued(99)).toBe(0);
    await batcher.drain();
    const answers = [batcher.submit(1, 'x'), batcher.submit(2, 'y')];
    let drained = false;
    const drain = batcher.drain().then(() => (drained = true));
    batches[0].finish();
    await settle();
    expect(drained).toBe(false);
    batches[1].finish();
    await drain;
    expect(await Promise.all(answers)).toEqual(['x:ok', 'y:ok']);
  });
});
