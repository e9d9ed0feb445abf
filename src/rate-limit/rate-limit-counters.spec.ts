import { LocalCounters } from './rate-limit-counters';

describe('LocalCounters (fixed windows per key)', () => {
  it('counts within a window, says when it ends, and starts a new one after it', () => {
    const counters = new LocalCounters();
    expect(counters.increment('api:1.2.3.4', 60_000, 1_000)).toEqual({ count: 1, resetInMs: 60_000 });
    expect(counters.increment('api:1.2.3.4', 60_000, 31_000)).toEqual({ count: 2, resetInMs: 30_000 });
    // Another client, another group: counted apart.
    expect(counters.increment('api:5.6.7.8', 60_000, 31_000)).toEqual({ count: 1, resetInMs: 60_000 });
    expect(counters.increment('webhook:1.2.3.4', 60_000, 31_000)).toEqual({ count: 1, resetInMs: 60_000 });
    // The window ends exactly at its start + 60 s.
    expect(counters.increment('api:1.2.3.4', 60_000, 60_999)).toEqual({ count: 3, resetInMs: 1 });
    expect(counters.increment('api:1.2.3.4', 60_000, 61_000)).toEqual({ count: 1, resetInMs: 60_000 });
  });

  it('forgets the clients whose window is over (memory stays bounded by one window of clients)', () => {
    const counters = new LocalCounters();
    for (let i = 0; i < 1_000; i++) counters.increment(`api:10.0.${i >> 8}.${i & 255}`, 60_000, 0);
    counters.increment('api:late', 60_000, 120_000);
    expect((counters as unknown as { windows: Map<string, unknown> }).windows.size).toBe(1);
  });
});
