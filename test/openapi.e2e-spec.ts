import { readFileSync } from 'node:fs';
import request from 'supertest';
import { OPENAPI_FILE, serializeOpenApi } from '../src/cli/openapi.cli';
import { startTestApp, TestApp } from './support/test-app';

describe('OpenAPI', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves Swagger UI at /api/docs', async () => {
    const res = await request(t.url).get('/api/docs').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('swagger-ui-bundle.js');
    // The UI's assets are served too (through @fastify/static), not only the page.
    const bundle = await request(t.url).get('/api/docs/swagger-ui-bundle.js').expect(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
  });

  it('serves the same document as the checked-in openapi.json (run `npm run openapi` after API changes)', async () => {
    const res = await request(t.url).get('/api/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(serializeOpenApi(res.body)).toBe(readFileSync(OPENAPI_FILE, 'utf8'));
  });

  it('documents a response schema for every answer and problem+json for every error', async () => {
    const document = (await request(t.url).get('/api/docs-json').expect(200)).body;
    const operations = Object.entries(document.paths as Record<string, Record<string, { responses: object }>>).flatMap(
      ([path, methods]) => Object.values(methods).map((operation) => ({ path, operation })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(9);
    for (const { path, operation } of operations) {
      // The live-stock stream answers Server-Sent Events; everything else JSON.
      const success = path === '/api/products/{id}/stream' ? 'text/event-stream' : 'application/json';
      for (const [status, response] of Object.entries(operation.responses as Record<string, { content?: object }>)) {
        const contentTypes = Object.keys(response.content ?? {});
        expect({ path, status, contentTypes }).toEqual({
          path,
          status,
          contentTypes: [Number(status) >= 400 ? 'application/problem+json' : success],
        });
      }
    }
    expect(document.paths['/api/holds'].post.responses['409']).toBeDefined();
    expect(document.components.schemas.Problem.required).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']),
    );
    expect(document.paths['/metrics']).toBeUndefined();
  });
});
