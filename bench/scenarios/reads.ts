// `read` (the service's cached product read) and `ceiling` (a bare Fastify route, same answer).
import { join } from 'node:path';
import { insertProduct } from '../lib/database';
import { fire, LoadResult } from '../lib/load';
import { BenchOptions, check, Check, measureCpu, measured, Scenario, ScenarioResult, withApp } from '../lib/scenario';
import { ROOT, startServer } from '../lib/server';

type Measurement = { result: LoadResult; cpuSeconds: number | null };

const READ_CONNECTIONS = 128;

async function readLoad(label: string, pid: number, url: string, options: BenchOptions): Promise<Measurement> {
  const expectBody = await (await fetch(url)).text();
  if (options.warmup > 0) {
    await fire(`${label} warm-up`, { url, connections: READ_CONNECTIONS, duration: options.warmup });
  }
  return measureCpu(pid, () => fire(label, { url, connections: READ_CONNECTIONS, duration: options.duration, expectBody }));
}

function readChecks(result: LoadResult): Check[] {
  const m = measured(result);
  return [
    check(
      'every read answered 200',
      (m.statuses['200'] ?? 0) === m.requests && m.errors === 0,
      JSON.stringify({ ...m.statuses, errors: m.errors }),
    ),
    check('every body is the product', result.mismatches === 0, `${result.mismatches} mismatches`),
  ];
}

function toResult(
  scenario: Scenario,
  { result, cpuSeconds }: Measurement,
  peakRssMb: number | null,
  checks: Check[],
): ScenarioResult {
  const m = measured(result, cpuSeconds);
  return {
    name: scenario.name,
    title: scenario.title,
    unit: 'req/s',
    throughput: m.requests / m.durationS,
    ...m,
    peakRssMb,
    checks,
  };
}

export const read: Scenario = {
  name: 'read',
  title: `cached GET /api/products/:id, ${READ_CONNECTIONS} connections`,
  async run(options) {
    const { value, peakRssMb, shutdown } = await withApp('read', {}, options, async (app) => {
      const product = await insertProduct(app.db, 'Flash Sneaker', 100, '99.00');
      const run = await readLoad('read', app.pid, `${app.url}/api/products/${product}`, options);
      return { run, checks: readChecks(run.result) };
    });
    return toResult(this, value.run, peakRssMb, [...value.checks, shutdown]);
  },
};

export const ceiling: Scenario = {
  name: 'ceiling',
  title: `a bare Fastify route with the same answer (separate process), ${READ_CONNECTIONS} connections`,
  async run(options) {
    const server = await startServer(
      // The service's node flags here too: the two are compared on the same runtime settings.
      [...options.nodeFlags, '-r', 'ts-node/register/transpile-only', join(ROOT, 'bench', 'ceiling-server.ts')],
      { NODE_ENV: 'production' },
      join(options.resultsDir, 'ceiling.server.log'),
    );
    let run: Measurement;
    try {
      run = await readLoad('ceiling', server.pid, `${server.url}/api/products/1`, options);
    } catch (error) {
      await server.stop();
      throw error;
    }
    const stopped = await server.stop();
    return toResult(this, run, stopped.peakRssMb, readChecks(run.result));
  },
};
