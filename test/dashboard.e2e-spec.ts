import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { startTestApp, TestApp } from './support/test-app';

const DASHBOARD = join(__dirname, '..', 'deploy', 'grafana', 'dashboards', 'flash-sale.json');

/** PromQL words that are not metric names. Functions are recognised by the `(` that follows them. */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
]);

/** The metric names a PromQL expression reads: label matchers, ranges and grouping removed first. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = [...bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((m) => m[1]);
  return names.filter((name) => !KEYWORDS.has(name) && !/^\d/.test(name));
}

/** The series names /metrics can answer: each family, and a histogram's _bucket/_sum/_count. */
function exposedSeries(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match;
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

describe('the Grafana dashboard (deploy/grafana/dashboards/flash-sale.json)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reads the metric names out of PromQL', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (le, route) (rate(a_bucket{x="y"}[$__rate_interval])))')).toEqual([
      'a_bucket',
    ]);
    expect(metricNames('sum(rate(a_sum[1m])) / sum(rate(a_count[1m])) * 1e9')).toEqual(['a_sum', 'a_count']);
    expect(metricNames('min by (instance) (up)')).toEqual(['up']);
    expect(metricNames('max(lag) * 1e9')).toEqual(['lag']);
  });

  it('queries only series that /metrics serves', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
    const queried = new Set(dashboard.panels.flatMap((p) => p.targets ?? []).flatMap((target) => metricNames(target.expr)));
    expect(queried.size).toBeGreaterThan(15);
    const exposed = exposedSeries((await request(t.url).get('/metrics').expect(200)).text);
    expect([...queried].filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('covers what an operator watches during a sale', () => {
    const text = readFileSync(DASHBOARD, 'utf8');
    for (const series of [
      'flash_sale_hold_created_total',
      'flash_sale_stock_contention_total',
      'flash_sale_order_created_total',
      'flash_sale_payment_success_total',
      'flash_sale_payment_refund_due_total',
      'flash_sale_order_expired_total',
      'flash_sale_holds_expired_total',
      'flash_sale_http_request_duration_seconds_bucket',
      'flash_sale_hold_batch_size_bucket',
      'flash_sale_db_pool_connections_in_use',
      'flash_sale_stream_clients',
    ]) {
      expect(text).toContain(series);
    }
  });
});
