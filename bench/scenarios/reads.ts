// `read` (the service's cached product read) and `ceiling` (a bare Fastify route, same answer).
import { join } from 'node:path';
import { insertProduct } from '../lib/database';
import { fire, LoadResult } from '../lib/load';
import { BenchOptions, check, Check, measured, Scenario, ScenarioResult, withApp } from '../lib/scenario';
import { ROOT, startServer } from '../lib/server';

const READ_CONNECTIONS = 128;

async function readLoad(label: string, url: string, expectBody: string, options: BenchOptions): Promise<LoadResult> {
  if (options.warmup > 0) {
    await fire(`${label} warm-up`, { url, connections: READ_CONNECTIONS, duration: options.warmup });
  }
  return fire(label, { url, connections: READ_CONNECTIONS, duration: options.duration, expectBody });
}

function readChecks(result: LoadResult): Check[] {
  const m = measured(result);
  return [
    check('every read answered 200', (m.statuses['200'] ?? 0) === m.requests && m.errors === 0, JSON.stringify({ ...m.statuses, errors: m.errors })),
    check('every body is the product', result.mismatches === 0, `${result.mismatches} mismatches`),
  ];
}

function toResult(scenario: Scenario, result: LoadResult, peakRssMb: number | null, checks: Check[]): ScenarioResult {
  const m = measured(result);
  return { name: scenario.name, title: scenario.title, unit: 'req/s', throughput: m.requests / m.durationS, ...m, peakRssMb, checks };
}

export const read: Scenario = {
  name: 'read',
  title: `cached GET /api/products/:id, ${READ_CONNECTIONS} connections`,
  async run(options) {
    const { value, peakRssMb, shutdown } = await withApp('read', {}, options, async (app) => {
      const product = await insertProduct(app.db, 'Flash Sneaker', 100, '99.00');
      const url = `${app.url}/api/products/${product}`;
      const expected = await (await fetch(url)).text();
      const result = await readLoad('read', url, expected, options);
      const checks = readChecks(result);
      return { result, checks };
    });
    return toResult(this, value.result, peakRssMb, [...value.checks, shutdown]);
  },
};

export const ceiling: Scenario = {
  name: 'ceiling',
  title: `a bare Fastify route with the same answer (separate process), ${READ_CONNECTIONS} connections`,
  async run(options) {
    const server = await startServer(
      ['-r', 'ts-node/register/transpile-only', join(ROOT, 'bench', 'ceiling-server.ts')],
      { NODE_ENV: 'production' },
      join(options.resultsDir, 'ceiling.server.log'),
    );
    let result: LoadResult;
    try {
      const url = `${server.url}/api/products/1`;
      const expected = await (await fetch(url)).text();
      result = await readLoad('ceiling', url, expected, options);
    } catch (error) {
      await server.stop();
      throw error;
    }
    const stopped = await server.stop();
    return toResult(this, result, stopped.peakRssMb, readChecks(result));
  },
};
