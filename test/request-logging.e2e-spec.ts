import request from 'supertest';
import { eventually } from './support/eventually';
import { ServerProcess, startServerProcess } from './support/server-process';
import { dropDatabase, newDatabaseUrl } from './support/test-database';

// Request lines come from a Fastify hook on the built service, written only when LOG_LEVEL shows
// them: at debug one JSON line per answered request; above it none (a 5xx would still be one).
describe.each([
  ['debug', true],
  ['info', false],
])('request lines at LOG_LEVEL=%s (e2e)', (level, shown) => {
  const databaseUrl = newDatabaseUrl();
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess({ DATABASE_URL: databaseUrl, LOG_LEVEL: level });
  });
  afterAll(async () => {
    await server?.stop();
    await dropDatabase(databaseUrl);
  });

  type RequestLine = { level: number; req: { method: string; url: string }; res: { statusCode: number } };
  const requestLines = (): RequestLine[] =>
    server
      .output()
      .split('\n')
      .filter((line) => line.includes('"request completed"'))
      .map((line) => JSON.parse(line) as RequestLine);

  it(shown ? 'writes one line per request, with no credentials in it' : 'writes none', async () => {
    await request(server.url).get('/api/products/987654').set('authorization', 'Bearer secret-token-xyz').expect(404);
    await request(server.url).get('/api/products/abc').expect(400);
    await request(server.url).get('/health').expect(200);
    if (!shown) {
      expect(requestLines()).toEqual([]);
      return;
    }
    // Written by the server after each answer, they may reach this process a moment later. The
    // start-up's readiness probe is a /health request too: ours is the second /health line.
    const health = () => requestLines().filter((l) => l.req.url === '/health');
    const apiLines = () => requestLines().filter((l) => l.req.url.startsWith('/api/'));
    await eventually(
      'the request lines of both /api requests and of our /health',
      () => health().length >= 2 && apiLines().length >= 2,
      () => `${health().length} /health and ${apiLines().length} /api line(s)`,
    );
    expect(health().at(-1)).toMatchObject({ level: 20, req: { method: 'GET' }, res: { statusCode: 200 } });
    expect(apiLines().map((l) => [l.level, l.req.method, l.req.url, l.res.statusCode])).toEqual([
      [20, 'GET', '/api/products/987654', 404],
      [20, 'GET', '/api/products/abc', 400],
    ]);
    expect(server.output()).not.toContain('secret-token-xyz');
  });
});
