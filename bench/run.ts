// `npm run bench`: builds the service, then runs each scenario against the built server on a
// fresh database, checks every answer against the database, and writes the results (a table
// here, JSON and an SVG chart under bench/results/). Exits non-zero if any answer was wrong, or
// if a scenario's server CPU per request is more than 25% over its budget in bench/budgets.json.
//
//   npm run bench -- --duration 10 --warmup 2 --only hot,sellout --profile
//   (or BENCH_DURATION, BENCH_WARMUP, BENCH_SCENARIOS, BENCH_PROFILE=1; BENCH_SERVER_ENV="DB_POOL_SIZE=10";
//    BENCH_NODE_FLAGS="--max-semi-space-size=16" instead of the server's own node flags, "" for none;
//    BENCH_DATABASE_URL=mysql://user:pass@host:3306/ for another server)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { SERVER_NODE_FLAGS } from '../src/config/node-flags';
import { renderChart } from './lib/chart';
import { adminUrl } from './lib/database';
import { Budgets, evaluateBudgets, evaluateTargets, Machine, renderMarkdownTable, renderTable, RunRecord } from './lib/report';
import { BenchOptions, Scenario, ScenarioResult } from './lib/scenario';
import { ROOT } from './lib/server';
import { funnel } from './scenarios/funnel';
import { clustered, hot, sellout } from './scenarios/holds';
import { orders, webhooks } from './scenarios/orders';
import { ceiling, read } from './scenarios/reads';
import { stream } from './scenarios/stream';

const SCENARIOS: Scenario[] = [ceiling, read, hot(true), hot(false), sellout, orders, webhooks, funnel, stream, clustered];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: process.env.BENCH_DURATION ?? '10' },
      warmup: { type: 'string', default: process.env.BENCH_WARMUP ?? '2' },
      only: { type: 'string', default: process.env.BENCH_SCENARIOS ?? '' },
      profile: { type: 'boolean', default: process.env.BENCH_PROFILE === '1' },
      markdown: { type: 'boolean', default: false },
    },
  });
  const options: BenchOptions = {
    duration: positive('duration', values.duration),
    warmup: positive('warmup', values.warmup, true),
    resultsDir: join(ROOT, 'bench', 'results'),
    serverEnv: parseServerEnv(process.env.BENCH_SERVER_ENV ?? ''),
    nodeFlags:
      process.env.BENCH_NODE_FLAGS === undefined ? SERVER_NODE_FLAGS : process.env.BENCH_NODE_FLAGS.split(/\s+/).filter(Boolean),
    profile: values.profile,
  };
  const wanted = values.only ? values.only.split(',').map((s) => s.trim()) : SCENARIOS.map((s) => s.name);
  const unknown = wanted.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0)
    throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  mkdirSync(options.resultsDir, { recursive: true });
  const budgets = readBudgets();

  const startedAt = new Date();
  const machine = await describeMachine();
  process.stderr.write(
    `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ${machine.database}, load ${machine.loadBefore}; server node flags: ${options.nodeFlags.join(' ') || 'none'}\n`,
  );
  const results: ScenarioResult[] = [];
  for (const scenario of SCENARIOS.filter((s) => wanted.includes(s.name))) {
    process.stderr.write(`\n== ${scenario.name}: ${scenario.title}\n`);
    results.push(await runScenario(scenario, options));
  }
  machine.loadAfter = round(loadavg()[0]);

  const record: RunRecord = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine,
    options: { durationS: options.duration, warmupS: options.warmup, serverEnv: options.serverEnv, nodeFlags: options.nodeFlags },
    scenarios: results,
    targets: evaluateTargets(results),
    budgets: evaluateBudgets(results, budgets),
    correct: results.every((r) => r.checks.every((c) => c.ok)),
  };
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const json = JSON.stringify(record, null, 2) + '\n';
  const svg = renderChart(record);
  for (const name of [`run-${stamp}`, 'latest']) {
    writeFileSync(join(options.resultsDir, `${name}.json`), json);
    writeFileSync(join(options.resultsDir, `${name}.svg`), svg);
  }
  process.stdout.write(`\n${renderTable(record)}\n`);
  if (values.markdown) process.stdout.write(`\n${renderMarkdownTable(record)}\n`);
  process.stdout.write(`\nwrote bench/results/latest.json and bench/results/latest.svg (and run-${stamp}.*)\n`);
  if (!record.correct) process.stderr.write('\nA scenario got a wrong answer: the benchmark FAILED.\n');
  const overBudget = record.budgets.filter((b) => !b.ok);
  if (overBudget.length > 0) {
    process.stderr.write(
      `\nOver its CPU budget by more than 25%: ${overBudget.map((b) => b.scenario).join(', ')}: the benchmark FAILED.\n`,
    );
  }
  return record.correct && overBudget.length === 0 ? 0 : 1;
}

/**
 * Every scenario must have a budget: a new scenario without one is a mistake, not a free pass.
 * `null` says the scenario measures no CPU per request (`stream` counts streams, not requests).
 */
function readBudgets(): Budgets {
  const budgets = JSON.parse(readFileSync(join(ROOT, 'bench', 'budgets.json'), 'utf8')) as Record<string, unknown>;
  const cpu = (budgets.cpuUsPerRequest ?? {}) as Record<string, unknown>;
  const out: Budgets = {};
  for (const scenario of SCENARIOS) {
    const value = cpu[scenario.name];
    if (value === null) continue;
    if (typeof value !== 'number' || !(value > 0))
      throw new Error(`bench/budgets.json: cpuUsPerRequest.${scenario.name} must be a positive number of µs`);
    out[scenario.name] = value;
  }
  return out;
}

/** A scenario that cannot even run (server did not start, say) is a failed scenario, not a crash. */
async function runScenario(scenario: Scenario, options: BenchOptions): Promise<ScenarioResult> {
  try {
    return await scenario.run(options);
  } catch (error) {
    process.stderr.write(`${scenario.name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    return {
      name: scenario.name,
      title: scenario.title,
      unit: 'req/s',
      throughput: 0,
      requests: 0,
      durationS: 0,
      latencyMs: { p50: 0, p90: 0, p99: 0, max: 0 },
      statuses: {},
      errors: 0,
      timeouts: 0,
      peakRssMb: null,
      serverCpuUsPerRequest: null,
      checks: [{ name: 'ran to the end', ok: false, detail: error instanceof Error ? error.message : String(error) }],
    };
  }
}

async function describeMachine(): Promise<Machine> {
  const admin = await createConnection(adminUrl());
  try {
    const [rows] = await admin.query('SELECT VERSION() AS v');
    const version = String((rows as Array<{ v: string }>)[0].v);
    return {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      node: process.version,
      database: /mariadb/i.test(version) ? `MariaDB ${version.split('-')[0]}` : `MySQL ${version}`,
      loadBefore: round(loadavg()[0]),
      loadAfter: 0,
    };
  } finally {
    await admin.end();
  }
}

function positive(name: string, raw: string, zeroOk = false): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!zeroOk && value === 0))
    throw new Error(`--${name} must be a positive number of seconds, got "${raw}"`);
  return value;
}

function parseServerEnv(raw: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of raw.split(/\s+/).filter(Boolean)) {
    const [key, ...rest] = pair.split('=');
    if (!/^[A-Z][A-Z0-9_]*$/.test(key) || rest.length === 0)
      throw new Error(`BENCH_SERVER_ENV: expected KEY=VALUE, got "${pair}"`);
    env[key] = rest.join('=');
  }
  return env;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
