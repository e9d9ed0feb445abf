// A self-contained SVG of a run: throughput (linear) and p50/p99 latency (log scale) per
// scenario, readable on GitHub without any script.
import { fmt, RunRecord } from './report';

const WIDTH = 980;
const LABEL_W = 150;
const ROW_H = 46;
const TOP = 78;
const THROUGHPUT_X = LABEL_W + 10;
const THROUGHPUT_W = 390;
const LATENCY_X = THROUGHPUT_X + THROUGHPUT_W + 70;
const LATENCY_W = WIDTH - LATENCY_X - 30;

export function renderChart(record: RunRecord): string {
  const rows = record.scenarios;
  const height = TOP + rows.length * ROW_H + 80;
  const maxThroughput = niceCeil(Math.max(1, ...rows.map((r) => r.throughput)));
  const maxLatency = 10 ** Math.max(2, Math.ceil(Math.log10(Math.max(1, ...rows.map((r) => r.latencyMs.p99)))));
  const tx = (v: number) => THROUGHPUT_X + (v / maxThroughput) * THROUGHPUT_W;
  const lx = (ms: number) => LATENCY_X + (Math.log10(Math.max(1, ms)) / Math.log10(maxLatency)) * LATENCY_W;
  const bottom = TOP + rows.length * ROW_H;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="20" y="28" font-size="17" font-weight="bold">flash-sale-api: npm run bench</text>`,
    `<text x="20" y="48" fill="#555">${esc(new Date(record.startedAt).toISOString().slice(0, 16).replace('T', ' '))} UTC, ${record.options.durationS} s per scenario</text>`,
    `<text x="${THROUGHPUT_X}" y="${TOP - 10}" font-weight="bold">throughput (per second)</text>`,
    `<text x="${LATENCY_X}" y="${TOP - 10}" font-weight="bold">latency, ms (log scale): <tspan fill="#2b8a3e">p50</tspan> / <tspan fill="#e8590c">p99</tspan></text>`,
  );
  for (let i = 0; i <= 4; i++) {
    const v = (maxThroughput / 4) * i;
    parts.push(gridLine(tx(v), bottom, fmt(v)));
  }
  for (let ms = 1; ms <= maxLatency; ms *= 10) parts.push(gridLine(lx(ms), bottom, fmt(ms)));
  // The targets of the hold scenarios: 5,000 holds/s, p99 ≤ 100 ms.
  if (maxThroughput >= HOLD_TARGET_PER_S) parts.push(targetLine(tx(HOLD_TARGET_PER_S), bottom, 'target 5,000/s'));
  parts.push(targetLine(lx(P99_TARGET_MS), bottom, 'p99 target 100 ms'));

  rows.forEach((r, i) => {
    const y = TOP + i * ROW_H;
    const ok = r.checks.every((c) => c.ok);
    parts.push(
      `<text x="20" y="${y + 19}" font-weight="bold">${esc(r.name)}</text>`,
      `<text x="20" y="${y + 34}" fill="${ok ? '#2b8a3e' : '#c92a2a'}">${ok ? 'checks ok' : 'CHECKS FAILED'}${r.peakRssMb === null ? '' : `, ${r.peakRssMb} MB`}</text>`,
      `<rect x="${THROUGHPUT_X}" y="${y + 8}" width="${Math.max(1, tx(r.throughput) - THROUGHPUT_X).toFixed(1)}" height="24" fill="#1971c2"/>`,
      `<text x="${(tx(r.throughput) + 6).toFixed(1)}" y="${y + 25}">${fmt(r.throughput)} ${esc(r.unit)}</text>`,
      `<rect x="${LATENCY_X}" y="${y + 7}" width="${Math.max(1, lx(r.latencyMs.p50) - LATENCY_X).toFixed(1)}" height="12" fill="#2b8a3e"/>`,
      `<text x="${(lx(r.latencyMs.p50) + 5).toFixed(1)}" y="${y + 17}" font-size="11">${r.latencyMs.p50}</text>`,
      `<rect x="${LATENCY_X}" y="${y + 21}" width="${Math.max(1, lx(r.latencyMs.p99) - LATENCY_X).toFixed(1)}" height="12" fill="#e8590c"/>`,
      `<text x="${(lx(r.latencyMs.p99) + 5).toFixed(1)}" y="${y + 31}" font-size="11">${r.latencyMs.p99}</text>`,
    );
  });

  const m = record.machine;
  parts.push(
    `<text x="20" y="${bottom + 54}" fill="#555">${esc(`${m.cpus} × ${m.cpuModel}, Node ${m.node}, ${m.database}; server, database and load generator on the same machine; load average ${m.loadBefore} before, ${m.loadAfter} after`)}</text>`,
    `</svg>`,
  );
  return parts.join('\n') + '\n';
}

const HOLD_TARGET_PER_S = 5000;
const P99_TARGET_MS = 100;

function targetLine(x: number, bottom: number, label: string): string {
  return (
    `<line x1="${x.toFixed(1)}" y1="${TOP - 2}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="#c92a2a" stroke-dasharray="4 3"/>` +
    `<text x="${(x + 3).toFixed(1)}" y="${bottom + 30}" fill="#c92a2a" font-size="11">${label}</text>`
  );
}

function gridLine(x: number, bottom: number, label: string): string {
  return (
    `<line x1="${x.toFixed(1)}" y1="${TOP - 2}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="#e9ecef"/>` +
    `<text x="${x.toFixed(1)}" y="${bottom + 16}" text-anchor="middle" fill="#868e96" font-size="11">${label}</text>`
  );
}

/** 1, 2 or 5 times a power of ten, at or above `v`. */
function niceCeil(v: number): number {
  const power = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 5, 10]) if (step * power >= v) return step * power;
  return 10 * power;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
