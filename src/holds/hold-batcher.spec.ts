import { HoldQueueFullError } from '../core/errors';
import { HoldBatcher } from './hold-batcher';

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

describe('HoldBatcher (the batching rules, with a hand-driven grant)', () => {
  it('decides a lone request at once, and the requests arriving meanwhile as the next batches, in order, maxBatch at a time', async () => {
    const { grant, batches } = manualGrant();
    const batcher = new HoldBatcher(grant, { maxBatch: 2, maxQueue: 100 });
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
    const batcher = new HoldBatcher(grant, { maxBatch: 10, maxQueue: 100 });
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
    const batcher = new HoldBatcher(grant, { maxBatch: 10, maxQueue: 2 });
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
    const batcher = new HoldBatcher(grant, { maxBatch: 10, maxQueue: 100 });
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
    const batcher = new HoldBatcher(grant, { maxBatch: 10, maxQueue: 100 });
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
    const batcher = new HoldBatcher(grant, { maxBatch: 10, maxQueue: 100 });
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
});
