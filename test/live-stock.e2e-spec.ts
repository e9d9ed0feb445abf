import { connect } from 'node:net';
import request from 'supertest';
import { queryRows, toSqlDateTime } from '../src/database/sql';
import { newProduct } from './support/factories';
import { postHold } from './support/http';
import { expectInvariants } from './support/invariants';
import { startServerProcess } from './support/server-process';
import { openStream, SseClient, stockState } from './support/sse';
import { startTestApp, TestApp } from './support/test-app';
import { connectTestDatabase, dropDatabase, newDatabaseUrl } from './support/test-database';

/** The product as the database has it now, in the stream's terms. */
async function databaseState(t: TestApp, productId: number): Promise<{ stock: number; available: number }> {
  const [row] = await queryRows<{ stock: number; reserved: number }>(
    t.dataSource,
    'SELECT stock, reserved FROM products WHERE id = ?',
    [productId],
  );
  return { stock: Number(row.stock), available: Number(row.stock) - Number(row.reserved) };
}

async function streamsOpen(url: string): Promise<number> {
  const text = (await request(url).get('/metrics').expect(200)).text;
  const line = text.split('\n').find((l) => l.startsWith('flash_sale_stream_clients '));
  return Number(line?.split(' ').pop());
}

/**
 * Sends raw request bytes and returns everything the server sends until it closes the
 * connection (or 5 s pass, which leaves a stream that never ends visible in the answer).
 */
function rawExchange(url: string, requestBytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = connect(Number(port), hostname, () => socket.write(requestBytes));
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

describe('GET /api/products/:id/stream (live stock)', () => {
  let t: TestApp;
  const streams: SseClient[] = [];
  const open = async (path: string, headers?: Record<string, string>) => {
    const stream = await openStream(t.url, path, headers);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends the product body at once, as GET /api/products/:id has it, with an id', async () => {
    const product = await newProduct(t.dataSource, { stock: 7 });
    const stream = await open(`/api/products/${product.id}/stream`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['cache-control']).toContain('no-cache');
    const first = await stream.waitFor(() => true);
    const body = (await request(t.url).get(`/api/products/${product.id}`).expect(200)).body;
    expect(first).toEqual({ id: expect.stringMatching(/^\d+$/), event: 'product', data: body });
  });

  it('sends the new state after a hold, a release and an order (each within a bounded wait)', async () => {
    const product = await newProduct(t.dataSource, { stock: 10 });
    const stream = await open(`/api/products/${product.id}/stream`);
    await stream.waitFor((e) => e.data.available === 10);

    const hold = await postHold(t.url, product.id, 3);
    expect(hold.status).toBe(201);
    await stream.waitFor((e) => e.data.available === 7 && e.data.stock === 10, 1_000);

    await request(t.url).delete(`/api/holds/${hold.body.id}`).expect(200);
    // Released then held again: the stream may coalesce the two into one event (available 8).
    const again = await postHold(t.url, product.id, 2);
    await stream.waitFor((e) => e.data.available === 8 && e.data.stock === 10, 1_000);
    await request(t.url).post('/api/orders').send({ hold_id: again.body.id }).expect(201);
    await stream.waitFor((e) => e.data.available === 8 && e.data.stock === 8, 1_000);

    const ids = stream.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('coalesces a burst of 500 hold attempts and ends on the final state', async () => {
    const product = await newProduct(t.dataSource, { stock: 450 });
    const stream = await open(`/api/products/${product.id}/stream`);
    await stream.waitFor((e) => e.data.available === 450);
    const startedAt = Date.now();

    const answers = await Promise.all(Array.from({ length: 500 }, () => postHold(t.url, product.id, 1)));
    const granted = answers.filter((a) => a.status === 201).length;
    expect(granted + answers.filter((a) => a.status === 409 || a.status === 503).length).toBe(500);
    const final = await databaseState(t, product.id);
    expect(final).toEqual({ stock: 450, available: 450 - granted });

    await stream.waitFor((e) => e.data.available === final.available, 5_000);
    const elapsedMs = Date.now() - startedAt;
    const changes = stream.events.slice(1);
    // At most one event per 250 ms (plus the one a window may open with), never one per hold.
    expect(changes.length).toBeLessThanOrEqual(Math.floor(elapsedMs / 250) + 1);
    expect(changes.length).toBeLessThan(granted);
    expect(stockState(stream.events[stream.events.length - 1])).toEqual(final);
    const ids = stream.events.map((e) => Number(e.id));
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1]);
    await expectInvariants(t.dataSource, new Map([[product.id, 450]]));
  });

  it('pushes the on_sale flip at sale_starts_at and sale_ends_at, with no write at all', async () => {
    const product = await newProduct(t.dataSource, { stock: 4 });
    const at = (ms: number) => toSqlDateTime(new Date(t.clock.now().getTime() + ms));
    // A window a second and a half wide, starting in a second: the flips happen in real time.
    await t.dataSource.query('UPDATE products SET sale_starts_at = ?, sale_ends_at = ? WHERE id = ?', [
      at(1_000),
      at(2_500),
      product.id,
    ]);
    const stream = await open(`/api/products/${product.id}/stream`);
    expect((await stream.waitFor(() => true)).data).toMatchObject({ on_sale: false, available: 4 });
    const opened = await stream.waitFor((e) => e.data.on_sale === true, 5_000);
    await stream.waitFor((e) => e.data.on_sale === false, 5_000, stream.events.indexOf(opened));
    expect(stream.events.map((e) => e.data.on_sale)).toEqual([false, true, false]);
  });

  it('answers Last-Event-ID with the current state at once, under an id above it', async () => {
    const product = await newProduct(t.dataSource, { stock: 5 });
    await postHold(t.url, product.id, 2);
    const first = await open(`/api/products/${product.id}/stream`);
    const seen = await first.waitFor(() => true);
    first.close();

    // An id far ahead (as if from an instance whose clock runs ahead): the next still grows.
    const lastId = String(Number(seen.id) + 10_000_000);
    const resumed = await open(`/api/products/${product.id}/stream`, { 'last-event-id': lastId });
    const current = await resumed.waitFor(() => true);
    expect(stockState(current)).toEqual({ stock: 5, available: 3 });
    expect(BigInt(current.id!)).toBeGreaterThan(BigInt(lastId));
  });

  it('answers an unknown product with 404 and a bad id with 400, as problem+json, before any stream', async () => {
    const unknown = await open('/api/products/999999/stream');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unknown.body).toMatchObject({ status: 404, code: 'product-not-found' });
    const bad = await open('/api/products/abc/stream');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await streamsOpen(t.url)).toBe(0);
  });

  it('answers HEAD with the stream head and no body, and opens no stream', async () => {
    const product = await newProduct(t.dataSource, { stock: 3 });
    // Raw bytes: an HTTP client would hide a body sent after a HEAD answer.
    const answer = await rawExchange(t.url, `HEAD /api/products/${product.id}/stream HTTP/1.1\r\nHost: test\r\n\r\n`);
    const [head, ...rest] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toMatch(/\r\ncontent-type: text\/event-stream/);
    expect(rest.join('\r\n\r\n')).toBe('');
    expect(await streamsOpen(t.url)).toBe(0);
    const unknown = await rawExchange(
      t.url,
      'HEAD /api/products/999999/stream HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n',
    );
    expect(unknown).toMatch(/^HTTP\/1\.1 404 /);
    expect(unknown.split('\r\n\r\n')[1]).toBe('');
  });

  it('forgets a stream when its client goes away', async () => {
    const product = await newProduct(t.dataSource, { stock: 1 });
    const stream = await open(`/api/products/${product.id}/stream`);
    await stream.waitFor(() => true);
    expect(await streamsOpen(t.url)).toBe(1);
    stream.close();
    while ((await streamsOpen(t.url)) !== 0) await new Promise((resolve) => setTimeout(resolve, 20));
  });
});

describe('STREAM_MAX_CLIENTS', () => {
  let t: TestApp;

  afterAll(async () => {
    await t?.close();
  });

  it('refuses streams past the cap with 503, Retry-After and problem+json; a freed slot is usable again', async () => {
    t = await startTestApp({ STREAM_MAX_CLIENTS: '2' });
    const product = await newProduct(t.dataSource, { stock: 3 });
    const path = `/api/products/${product.id}/stream`;
    const [a, b] = [await openStream(t.url, path), await openStream(t.url, path)];
    await a.waitFor(() => true);
    await b.waitFor(() => true);

    const refused = await openStream(t.url, path);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 503, code: 'stream-capacity-reached' });

    a.close();
    while ((await streamsOpen(t.url)) !== 1) await new Promise((resolve) => setTimeout(resolve, 20));
    const c = await openStream(t.url, path);
    expect(c.status).toBe(200);
    await c.waitFor((e) => e.data.available === 3);
    b.close();
    c.close();
  });
});

describe('SIGTERM with open streams (the built server)', () => {
  const databaseUrl = newDatabaseUrl();

  afterAll(async () => {
    await dropDatabase(databaseUrl);
  });

  it('ends every stream and exits 0 without waiting on them', async () => {
    const server = await startServerProcess({ DATABASE_URL: databaseUrl });
    try {
      // NODE_ENV=test seeds nothing: the product goes in through the database the server made.
      const db = await connectTestDatabase(databaseUrl);
      const product = await newProduct(db, { stock: 2 });
      await db.destroy();
      const streams = await Promise.all([0, 1, 2].map(() => openStream(server.url, `/api/products/${product.id}/stream`)));
      await Promise.all(streams.map((s) => s.waitFor(() => true)));

      const exited = server.stop('SIGTERM');
      await Promise.all(streams.map((s) => s.ended));
      expect(await exited).toBe(0);
    } finally {
      await server.stop('SIGKILL');
    }
  });
});
