// What a scenario is and what it reports, and the app-under-test harness they share.
import { BENCH_JWT_SECRET } from './auth';
import { Connection } from 'mysql2/promise';
import { join } from 'node:path';
import { connect, dropDatabase, newDatabaseUrl } from './database';
import { LoadResult, statusCounts } from './load';
import { readCpuSeconds, ROOT, startServer } from './server';

export interface BenchOptions {
  /** Seconds of measured load per duration-based scenario. */
  duration: number;
  /** Seconds of unmeasured load first, on a product of its own, so the JIT is warm. */
  warmup: number;
  resultsDir: string;
  /** Extra environment for every app server (BENCH_SERVER_ENV="DB_POOL_SIZE=10 ..."). */
  serverEnv: Record<string, string>;
  /**
   * The node flags of every app server: the service's own (SERVER_NODE_FLAGS, as `npm start`,
   * the Dockerfile and the cluster run it), unless BENCH_NODE_FLAGS says otherwise (an A/B of a flag).
   */
  nodeFlags: readonly string[];
  /** Writes a V8 CPU profile of each app server (node --cpu-prof) into resultsDir. */
  profile: boolean;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ScenarioResult {
  name: string;
  title: string;
  /** What `throughput` counts per second: holds, requests... */
  unit: string;
  throughput: number;
  requests: number;
  durationS: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  peakRssMb: number | null;
  /** Server CPU time per answered request during the measured load, µs (null off Linux). */
  serverCpuUsPerRequest: number | null;
  checks: Check[];
  /** Scenario-specific figures (per-step latencies of the funnel, say). */
  extra?: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  title: string;
  run(options: BenchOptions): Promise<ScenarioResult>;
}

export type Measured = Pick<
  ScenarioResult,
  'requests' | 'durationS' | 'latencyMs' | 'statuses' | 'errors' | 'timeouts' | 'serverCpuUsPerRequest'
>;

/** The load's figures; `cpuSeconds` is the server's CPU time spent during it. */
export function measured(result: LoadResult, cpuSeconds: number | null = null): Measured {
  return {
    serverCpuUsPerRequest:
      cpuSeconds === null || result.requests.total === 0 ? null : Math.round((cpuSeconds * 1e6) / result.requests.total),
    requests: result.requests.total,
    durationS: result.duration,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    statuses: statusCounts(result),
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

export function check(name: string, ok: boolean, detail: string): Check {
  return { name, ok, detail };
}

/** A scenario's result: its measured load, `counted` per second as its throughput, its checks and withApp's. */
export function resultOf(
  scenario: Pick<Scenario, 'name' | 'title'>,
  unit: string,
  counted: number,
  { value, peakRssMb, shutdown }: { value: { m: Measured; checks: Check[] }; peakRssMb: number | null; shutdown: Check },
): ScenarioResult {
  return {
    name: scenario.name,
    title: scenario.title,
    unit,
    throughput: counted / value.m.durationS,
    ...value.m,
    peakRssMb,
    checks: [...value.checks, shutdown],
  };
}

export interface AppUnderTest {
  url: string;
  pid: number;
  db: Connection;
  /** Runs a load and returns its result with the server's CPU time during it. */
  measure<T>(load: () => Promise<T>): Promise<{ result: T; cpuSeconds: number | null }>;
}

export async function measureCpu<T>(pid: number, load: () => Promise<T>): Promise<{ result: T; cpuSeconds: number | null }> {
  const before = readCpuSeconds(pid);
  const result = await load();
  const after = readCpuSeconds(pid);
  return { result, cpuSeconds: before === null || after === null ? null : after - before };
}

/**
 * Runs `work` against the built service on a fresh database: starts `node dist/main` (its logs
 * at warn), hands over its URL and a connection for the checks, then stops it with SIGTERM,
 * drops the database, and reports the server's peak RSS and whether it exited cleanly.
 */
export async function withApp<T>(
  name: string,
  env: Record<string, string>,
  options: BenchOptions,
  work: (app: AppUnderTest) => Promise<T>,
): Promise<{ value: T; peakRssMb: number | null; shutdown: Check }> {
  const databaseUrl = newDatabaseUrl();
  const nodeArgs = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${options.resultsDir}`] : [];
  let db: Connection | undefined;
  try {
    const server = await startServer(
      [...nodeArgs, ...options.nodeFlags, join(ROOT, 'dist', 'main.js')],
      {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: databaseUrl,
        // A sale's crowd comes from few addresses here: the bench measures the service, not the limiter.
        RATE_LIMIT_PER_MINUTE: '0',
        WEBHOOK_RATE_LIMIT_PER_MINUTE: '0',
        AUTH_JWT_SECRET: BENCH_JWT_SECRET,
        ...options.serverEnv,
        ...env,
      },
      join(options.resultsDir, `${name}.server.log`),
    );
    let value: T;
    try {
      db = await connect(databaseUrl);
      value = await work({ url: server.url, pid: server.pid, db, measure: (load) => measureCpu(server.pid, load) });
    } catch (error) {
      await server.stop();
      throw error;
    }
    const stopped = await server.stop();
    const shutdown = check('SIGTERM: exits 0', stopped.exitCode === 0, `exit code ${stopped.exitCode}`);
    return { value, peakRssMb: stopped.peakRssMb, shutdown };
  } finally {
    await db?.end().catch(() => undefined);
    await dropDatabase(databaseUrl);
  }
}
