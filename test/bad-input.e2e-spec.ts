import { connect } from 'node:net';
import request from 'supertest';
import { newProduct } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

type Case = [
  label: string,
  method: 'get' | 'post' | 'delete',
  path: string,
  body: string | undefined,
  status: number,
  code?: string,
];

/** 1,313 levels of arrays, as the outside run sent: deep enough to blow an unbounded recursion. */
const DEEP = '['.repeat(1313) + ']'.repeat(1313);
const DEEP_OBJECT = '{"a":'.repeat(1313) + '1' + '}'.repeat(1313);
/** Field names that are found on every plain object through Object.prototype. */
const PROTOTYPE_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];
const WEBHOOK = '"order_id":"x","status":"success","idempotency_key":"k"';

/** Counts of every table: a refused request must leave all of them as they were. */
async function snapshot(t: TestApp) {
  const [row] = await t.dataSource.query(
    `SELECT (SELECT COUNT(*) FROM holds) AS holds, (SELECT COUNT(*) FROM orders) AS orders,
            (SELECT COUNT(*) FROM webhook_logs) AS logs, (SELECT SUM(stock) FROM products) AS stock,
            (SELECT SUM(reserved) FROM products) AS reserved`,
  );
  return row;
}

describe('bad input (e2e): a clean problem+json and no change in the database', () => {
  let t: TestApp;
  let productId: number;
  let holdId: string;

  beforeAll(async () => {
    t = await startTestApp();
    productId = (await newProduct(t.dataSource, { stock: 5 })).id;
    holdId = (await request(t.url).post('/api/holds').send({ product_id: productId, qty: 1 }).expect(201)).body.id;
  });
  afterAll(() => t.close());

  const cases = (): Case[] => [
    ['product id abc', 'get', '/api/products/abc', undefined, 400],
    ['product id 0', 'get', '/api/products/0', undefined, 400],
    ['product id -1', 'get', '/api/products/-1', undefined, 400],
    ['product id 1.5', 'get', '/api/products/1.5', undefined, 400],
    ['product id 1e3', 'get', '/api/products/1e3', undefined, 400],
    ['product id past INT UNSIGNED', 'get', '/api/products/99999999999', undefined, 404],
    ['unknown product', 'get', '/api/products/424242', undefined, 404],
    ['list limit 0', 'get', '/api/products?limit=0', undefined, 400],
    ['list limit 101', 'get', '/api/products?limit=101', undefined, 400],
    ['list limit abc', 'get', '/api/products?limit=abc', undefined, 400],
    ['list after_id -1', 'get', '/api/products?after_id=-1', undefined, 400],
    ['malformed JSON', 'post', '/api/holds', '{"product_id": 1,', 400, 'malformed-json'],
    ['empty body', 'post', '/api/holds', '', 400, 'malformed-json'],
    ['JSON array', 'post', '/api/holds', '[1,2]', 400],
    ['JSON string', 'post', '/api/holds', '"hold"', 400],
    ['JSON null', 'post', '/api/holds', 'null', 400],
    ['missing qty', 'post', '/api/holds', `{"product_id":PID}`, 400],
    ['qty as a string', 'post', '/api/holds', `{"product_id":PID,"qty":"2"}`, 400],
    ['product_id as a string', 'post', '/api/holds', `{"product_id":"PID","qty":1}`, 400],
    ['qty 0', 'post', '/api/holds', `{"product_id":PID,"qty":0}`, 400],
    ['qty -1', 'post', '/api/holds', `{"product_id":PID,"qty":-1}`, 400],
    ['qty 1.5', 'post', '/api/holds', `{"product_id":PID,"qty":1.5}`, 400],
    ['qty over MAX_QTY_PER_HOLD', 'post', '/api/holds', `{"product_id":PID,"qty":11}`, 400],
    ['qty true', 'post', '/api/holds', `{"product_id":PID,"qty":true}`, 400],
    ['product_id 0', 'post', '/api/holds', '{"product_id":0,"qty":1}', 400],
    ['unknown field', 'post', '/api/holds', `{"product_id":PID,"qty":1,"price":"0.01"}`, 400],
    ['nested object', 'post', '/api/holds', `{"product_id":{"$gt":0},"qty":1}`, 400],
    ['hold for an unknown product', 'post', '/api/holds', '{"product_id":424242,"qty":1}', 404],
    ['qty over the stock', 'post', '/api/holds', `{"product_id":PID,"qty":10}`, 409],
    ['order without hold_id', 'post', '/api/orders', '{}', 400],
    ['order hold_id as a number', 'post', '/api/orders', '{"hold_id":42}', 400],
    ['order hold_id too long', 'post', '/api/orders', `{"hold_id":"${'a'.repeat(65)}"}`, 400],
    ['order with an unknown field', 'post', '/api/orders', `{"hold_id":"HID","qty":5}`, 400],
    ['order for an unknown hold', 'post', '/api/orders', '{"hold_id":"01a21187-0000-7000-8000-000000000000"}', 404],
    ['order for a non-UUID hold id', 'post', '/api/orders', '{"hold_id":"é; DROP TABLE holds"}', 404],
    ['hold id with odd characters', 'get', '/api/holds/%C3%A9%27%22', undefined, 404],
    ['release of an unknown hold', 'delete', '/api/holds/nope', undefined, 404],
    ['webhook without a key', 'post', '/api/payments/webhook', '{"order_id":"x","status":"success"}', 400],
    ['webhook empty key', 'post', '/api/payments/webhook', '{"order_id":"x","status":"success","idempotency_key":""}', 400],
    [
      'webhook key of 256',
      'post',
      '/api/payments/webhook',
      `{"order_id":"x","status":"success","idempotency_key":"${'k'.repeat(256)}"}`,
      400,
    ],
    ['webhook bad status', 'post', '/api/payments/webhook', '{"order_id":"x","status":"refunded","idempotency_key":"k"}', 400],
    [
      'webhook unknown field',
      'post',
      '/api/payments/webhook',
      '{"order_id":"x","status":"success","idempotency_key":"k","amount":1}',
      400,
    ],
    ['unknown route', 'get', '/api/nothing-here', undefined, 404],
    ['wrong method', 'delete', '/api/products/1', undefined, 404],
    ['hold body nested 1,313 deep', 'post', '/api/holds', DEEP, 400, 'json-too-deep'],
    ['hold body of objects nested 1,313 deep', 'post', '/api/holds', DEEP_OBJECT, 400, 'json-too-deep'],
    ['order body nested 1,313 deep', 'post', '/api/orders', DEEP, 400, 'json-too-deep'],
    ['webhook body nested 1,313 deep', 'post', '/api/payments/webhook', DEEP, 400, 'json-too-deep'],
    ['unknown field nested 1,313 deep', 'post', '/api/holds', `{"product_id":PID,"qty":1,"x":${DEEP}}`, 400, 'json-too-deep'],
    [
      'nesting inside a string is text',
      'post',
      '/api/holds',
      `{"product_id":PID,"qty":1,"x":"${DEEP}"}`,
      400,
      'validation-failed',
    ],
    ...PROTOTYPE_NAMES.flatMap((name): Case[] => [
      [
        `hold with a field named ${name}`,
        'post',
        '/api/holds',
        `{"product_id":PID,"qty":1,"${name}":1}`,
        400,
        'validation-failed',
      ],
      [`order with a field named ${name}`, 'post', '/api/orders', `{"hold_id":"HID","${name}":1}`, 400, 'validation-failed'],
      [
        `webhook with a field named ${name}`,
        'post',
        '/api/payments/webhook',
        `{${WEBHOOK},"${name}":1}`,
        400,
        'validation-failed',
      ],
    ]),
    [
      'a constructor.prototype further down',
      'post',
      '/api/holds',
      `{"product_id":PID,"qty":1,"x":{"constructor":{"prototype":{}}}}`,
      400,
      'validation-failed',
    ],
    ['list query named constructor', 'get', '/api/products?constructor=1', undefined, 400, 'validation-failed'],
    ['product id %ZZ', 'get', '/api/products/%ZZ', undefined, 400, 'malformed-url'],
    ['product id %', 'get', '/api/products/%', undefined, 400, 'malformed-url'],
    ['product id %FF%FE', 'get', '/api/products/%FF%FE', undefined, 400, 'malformed-url'],
    ['hold id %ZZ', 'delete', '/api/holds/%ZZ', undefined, 400, 'malformed-url'],
    ['product id of 2,000 characters', 'get', `/api/products/${'1'.repeat(2000)}`, undefined, 414, 'uri-too-long'],
  ];

  it.each(cases().map((c) => [c[0], c] as const))('%s', async (_label, [, method, path, rawBody, status, code]) => {
    const before = await snapshot(t);
    const body = rawBody?.replace(/PID/g, String(productId)).replace(/HID/g, holdId);
    let call = request(t.url)[method](path);
    if (body !== undefined) call = call.set('content-type', 'application/json').send(body);
    const res = await call;
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
    if (code) expect(res.body.code).toBe(code);
    if (status === 400 && method !== 'get' && rawBody?.startsWith('{') && !['malformed-json', 'json-too-deep'].includes(code!)) {
      expect(Object.keys(res.body.errors ?? {}).length).toBeGreaterThan(0);
    }
    expect(res.text).not.toMatch(/\bat \w+ \(|node_modules|SELECT |INSERT |ER_[A-Z_]+|QueryFailedError/);
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses a body over 16 KiB with 413', async () => {
    const before = await snapshot(t);
    const res = await request(t.url)
      .post('/api/holds')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ product_id: productId, qty: 1, pad: 'x'.repeat(17 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses a form body with 415', async () => {
    const before = await snapshot(t);
    const res = await request(t.url).post('/api/holds').type('form').send({ product_id: productId, qty: 1 });
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await snapshot(t)).toEqual(before);
  });
});

/** Sends raw bytes on a fresh connection and reads everything until the server closes it. */
function sendRaw(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.end(bytes, 'latin1');
  });
}

describe('malformed HTTP (e2e): answered as problem+json where the connection allows it', () => {
  let t: TestApp;
  let productId: number;

  beforeAll(async () => {
    t = await startTestApp();
    productId = (await newProduct(t.dataSource, { stock: 5 })).id;
  });
  afterAll(() => t.close());

  const hold = () => `{"product_id":${productId},"qty":1}`;
  const cases = (): Array<[label: string, bytes: () => string, status: number, code: string]> => [
    ['an unknown method', () => 'FOO /api/products/1 HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'malformed-request'],
    [
      'a header line without a colon',
      () => 'GET /api/products/1 HTTP/1.1\r\nHost: x\r\nno-colon-here\r\n\r\n',
      400,
      'malformed-request',
    ],
    [
      'Content-Length with Transfer-Encoding',
      () =>
        `POST /api/holds HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${hold().length}\r\n` +
        `Transfer-Encoding: chunked\r\n\r\n${hold().length.toString(16)}\r\n${hold()}\r\n0\r\n\r\n`,
      400,
      'malformed-request',
    ],
    [
      'a control character in a header',
      () => 'GET /api/products/1 HTTP/1.1\r\nHost: x\r\nX-Note: a\x01b\r\n\r\n',
      400,
      'malformed-request',
    ],
    [
      'a 17 KiB header',
      () => `GET /api/products/1 HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(17 * 1024)}\r\n\r\n`,
      431,
      'headers-too-large',
    ],
  ];

  it.each(cases().map((c) => [c[0], c] as const))('%s', async (_label, [, bytes, status, code]) => {
    const before = await snapshot(t);
    const answer = await sendRaw(t.url, bytes());
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(head).toMatch(/\r\ncontent-type: application\/problem\+json\r\n/i);
    expect(head).toMatch(/\r\ncontent-length: \d+\r\n/i);
    expect(JSON.parse(body)).toEqual({
      type: `urn:flash-sale:problem:${code}`,
      title: expect.any(String),
      status,
      detail: expect.any(String),
      code,
    });
    expect(await snapshot(t)).toEqual(before);
  });
});
