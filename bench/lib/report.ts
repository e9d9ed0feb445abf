// The end of a run: the table in the terminal, the targets of issue 3, and the JSON record.
import { ScenarioResult } from './scenario';

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  database: string;
  /** 1-minute load average before and after the run: other work on the box skews the figures. */
  loadBefore: number;
  loadAfter: number;
}

export interface Target {
  name: string;
  ok: boolean;
  detail: string;
}

export interface RunRecord {
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  options: { durationS: number; warmupS: number; serverEnv: Record<string, string>; nodeFlags: readonly string[] };
  scenarios: ScenarioResult[];
  targets: Target[];
  /** Each scenario's CPU per request against its budget (bench/budgets.json). */
  budgets: BudgetVerdict[];
  /** Every answer right (the targets are about speed and do not count here). */
  correct: boolean;
}

/** bench/budgets.json: server CPU µs per request, by scenario name. */
export type Budgets = Record<string, number>;

export interface BudgetVerdict {
  scenario: string;
  budgetUs: number;
  measuredUs: number | null;
  /** Within the budget plus BUDGET_TOLERANCE (a scenario that could not measure is over). */
  ok: boolean;
}

/**
 * How far over its budget a scenario may go before the run fails. CPU per request moves a little
 * with the machine's load (cache misses, context switches), far less than throughput; a change
 * that adds real work to a route moves it by more than this.
 */
export const BUDGET_TOLERANCE = 0.25;

export function evaluateBudgets(results: ScenarioResult[], budgets: Budgets): BudgetVerdict[] {
  return results
    .filter((r) => budgets[r.name] !== undefined)
    .map((r) => {
      const budgetUs = budgets[r.name];
      const measuredUs = r.serverCpuUsPerRequest;
      return {
        scenario: r.name,
        budgetUs,
        measuredUs,
        ok: measuredUs !== null && measuredUs <= budgetUs * (1 + BUDGET_TOLERANCE),
      };
    });
}

const MAX_RSS_MB = 200;
/**
 * Issue 11's 200 MB with 10,000 streams leaves well under 12 KB each, all in. Measured at 23 KB
 * while a stream kept its Fastify and Node request objects; 5-10 KB since it keeps its socket alone.
 */
const MAX_RSS_BYTES_PER_STREAM = 12 * 1024;

/** The targets of issues 3 and 11, from whichever scenarios ran. */
export function evaluateTargets(results: ScenarioResult[]): Target[] {
  const by = (name: string) => results.find((r) => r.name === name);
  const targets: Target[] = [];
  const hot = by('hot');
  const off = by('hot-unbatched');
  const sellout = by('sellout');
  const read = by('read');
  const ceiling = by('ceiling');
  if (hot) {
    const share = ceiling ? hot.throughput / Math.max(1, ceiling.throughput) : 0;
    targets.push({
      name: 'hot ≥ 5,000 holds/s or ≥ 30% of ceiling, p99 ≤ 100 ms',
      ok: (hot.throughput >= 5000 || share >= 0.3) && hot.latencyMs.p99 <= 100,
      detail: `${fmt(hot.throughput)} holds/s${ceiling ? ` (${Math.round(share * 100)}% of ceiling)` : ''}, p99 ${hot.latencyMs.p99} ms`,
    });
  }
  for (const [name, maxUs] of [
    ['read', 60],
    ['hot', 120],
    ['orders', 600],
    ['webhooks', 600],
  ] as const) {
    const r = by(name);
    if (r?.serverCpuUsPerRequest != null) {
      targets.push({
        name: `${name} ≤ ${maxUs} µs CPU per request`,
        ok: r.serverCpuUsPerRequest <= maxUs,
        detail: `${r.serverCpuUsPerRequest} µs`,
      });
    }
  }
  if (hot && off) {
    const ratio = hot.throughput / Math.max(1, off.throughput);
    targets.push({ name: 'hot ≥ 5× HOLD_BATCHING=off', ok: ratio >= 5, detail: `${ratio.toFixed(1)}×` });
  }
  if (sellout) {
    targets.push({
      name: 'sellout at least as fast as hot, exactly 2,000 holds',
      ok: (!hot || sellout.throughput >= hot.throughput) && sellout.checks.every((c) => c.ok),
      detail: `${fmt(sellout.throughput)} req/s, ${sellout.statuses['201'] ?? 0} holds`,
    });
  }
  const funnel = by('funnel');
  if (funnel) {
    targets.push({ name: 'funnel ≥ 3 × 364 req/s', ok: funnel.throughput >= 3 * 364, detail: `${fmt(funnel.throughput)} req/s` });
  }
  if (read && ceiling) {
    const share = read.throughput / Math.max(1, ceiling.throughput);
    targets.push({ name: 'read ≥ 50% of the bare Fastify route', ok: share >= 0.5, detail: `${Math.round(share * 100)}%` });
  }
  const stream = by('stream');
  if (stream?.extra) {
    // Per stream as well as by the peak RSS target below (10,000 streams count like any load).
    const perStream = stream.extra.rssBytesPerStream as number | null;
    targets.push({
      name: `stream: every subscriber on the final state, ≤ ${MAX_RSS_BYTES_PER_STREAM / 1024} KiB RSS per stream`,
      ok: stream.checks.every((c) => c.ok) && perStream !== null && perStream <= MAX_RSS_BYTES_PER_STREAM,
      detail: `${perStream === null ? '-' : fmt(perStream)} B per stream, delivery p99 ${stream.latencyMs.p99} ms`,
    });
  }
  const served = results.filter((r) => r.name !== 'ceiling' && r.peakRssMb !== null);
  if (served.length > 0) {
    const peak = Math.max(...served.map((r) => r.peakRssMb!));
    targets.push({ name: `server RSS ≤ ${MAX_RSS_MB} MB`, ok: peak <= MAX_RSS_MB, detail: `peak ${peak} MB` });
  }
  return targets;
}

export function renderTable(record: RunRecord): string {
  const header = [
    'scenario',
    'throughput',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'requests',
    'non-2xx',
    'peak RSS',
    'CPU/req',
    'budget',
    'checks',
  ];
  const budgetOf = (name: string) => record.budgets.find((b) => b.scenario === name);
  const rows = record.scenarios.map((r) => [
    r.name,
    `${fmt(r.throughput)} ${r.unit}`,
    String(r.latencyMs.p50),
    String(r.latencyMs.p90),
    String(r.latencyMs.p99),
    fmt(r.requests),
    fmt(nonSuccess(r)),
    r.peakRssMb === null ? '-' : `${r.peakRssMb} MB`,
    r.serverCpuUsPerRequest === null ? '-' : `${r.serverCpuUsPerRequest} µs`,
    budgetCell(budgetOf(r.name)),
    r.checks.every((c) => c.ok) ? 'ok' : 'FAILED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  for (const r of record.scenarios) {
    const steps = r.extra?.steps as Record<string, { perSecond: number; p50: number; p99: number }> | undefined;
    if (steps) {
      const parts = Object.entries(steps).map(([step, s]) => `${step} ${fmt(s.perSecond)}/s p50 ${s.p50} p99 ${s.p99} ms`);
      out.push(`${r.name} steps: ${parts.join('; ')}`);
    }
  }
  for (const r of record.scenarios.filter((r) => r.name === 'stream' && r.extra)) {
    const e = r.extra as {
      streams: number;
      heapBytesPerStream: number;
      rssBytesPerStream: number | null;
      fanOutMeanMs: number;
      openSeconds: number;
    };
    out.push(
      `stream: ${e.streams} streams opened in ${e.openSeconds} s; server heap ${fmt(e.heapBytesPerStream)} B and RSS ${e.rssBytesPerStream === null ? '-' : fmt(e.rssBytesPerStream)} B per stream; ` +
        `one change reaches all of them in ${e.fanOutMeanMs} ms on average (delivery p50 ${r.latencyMs.p50} / p99 ${r.latencyMs.p99} ms)`,
    );
  }
  for (const r of record.scenarios) {
    for (const c of r.checks.filter((c) => !c.ok)) out.push(`FAILED ${r.name}: ${c.name} (${c.detail})`);
  }
  for (const b of record.budgets.filter((b) => !b.ok)) {
    out.push(
      `OVER BUDGET ${b.scenario}: ${b.measuredUs ?? '?'} µs of CPU per request, budget ${b.budgetUs} µs (+${BUDGET_TOLERANCE * 100}% allowed)`,
    );
  }
  out.push('');
  for (const t of record.targets) out.push(`${t.ok ? 'met   ' : 'missed'}  ${t.name}: ${t.detail}`);
  const m = record.machine;
  out.push('', `${m.cpus} × ${m.cpuModel}, Node ${m.node}, ${m.database}; load ${m.loadBefore} before, ${m.loadAfter} after`);
  return out.join('\n');
}

/** The README's table: markdown, from the same record. */
export function renderMarkdownTable(record: RunRecord): string {
  const rows = record.scenarios.map(
    (r) =>
      `| \`${r.name}\` | ${fmt(r.throughput)} ${r.unit} | ${r.latencyMs.p50} | ${r.latencyMs.p99} | ${fmt(r.requests)} | ${r.peakRssMb ?? '-'} MB | ${r.serverCpuUsPerRequest ?? '-'} µs | ${r.checks.every((c) => c.ok) ? 'ok' : 'FAILED'} |`,
  );
  return [
    '| scenario | throughput | p50 ms | p99 ms | requests | server peak RSS | server CPU / request | checks |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function budgetCell(b: BudgetVerdict | undefined): string {
  if (!b) return '-';
  return `${b.budgetUs} µs${b.ok ? '' : ' OVER'}`;
}

function nonSuccess(r: ScenarioResult): number {
  return Object.entries(r.statuses)
    .filter(([code]) => !code.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
