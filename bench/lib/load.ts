// The load generator (autocannon, in this process) with a live progress line on stderr.
import autocannon from 'autocannon';

export type LoadOptions = autocannon.Options;
export type LoadResult = autocannon.Result;

const TTY = process.stderr.isTTY === true;

/**
 * Runs one autocannon load and shows its progress: on a terminal one line rewritten twice a
 * second, otherwise a line every two seconds (CI logs stay readable).
 *
 * An `amount` run (a fixed number of requests) lasts until its last answer. autocannon only
 * notices that every connection is done at its next once-a-second sampling tick and reports that
 * tick as the end, so its `duration` is rounded up to whole seconds of idle time (a 2.1 s run read
 * as 3 s, 30% off a 20,000-request run); here it is replaced by the time of the last answer. A
 * `duration` run stops at that tick itself (its connections keep sending until then), so its
 * figure stands.
 */
export async function fire(label: string, options: LoadOptions): Promise<LoadResult> {
  // Without a callback autocannon returns its event emitter, which is also a promise of the result.
  const instance = autocannon(options) as unknown as autocannon.Instance & Promise<LoadResult>;
  const started = Date.now();
  let answered = 0;
  let lastAnsweredAt = started;
  let lastAnswered = 0;
  let lastAt = started;
  let non2xx = 0;
  let errors = 0;
  // The instance is also a promise of the result (awaited below); `on` hands it back.
  void instance.on('response', (_client: unknown, statusCode: number) => {
    answered++;
    lastAnsweredAt = Date.now();
    if (statusCode < 200 || statusCode >= 300) non2xx++;
  });
  void instance.on('reqError', () => errors++);
  const goal = options.amount ? `${options.amount.toLocaleString('en-US')} req` : `${options.duration ?? 10}s`;
  const show = (final: boolean) => {
    const now = Date.now();
    const rate = ((answered - lastAnswered) * 1000) / Math.max(1, now - lastAt);
    lastAnswered = answered;
    lastAt = now;
    const line =
      `[${label}] ${((now - started) / 1000).toFixed(1)}s of ${goal}  ` +
      `${answered.toLocaleString('en-US')} answered  ${Math.round(rate).toLocaleString('en-US')}/s  ` +
      `non-2xx ${non2xx}  errors ${errors}`;
    if (TTY) process.stderr.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  };
  const timer = setInterval(() => show(false), TTY ? 500 : 2000);
  try {
    const result = await instance;
    if (options.amount && answered > 0) {
      // autocannon's clock starts as it opens the connections (result.start), as it does in a duration run.
      result.duration = Math.max(0.001, (lastAnsweredAt - new Date(result.start).getTime()) / 1000);
    }
    return result;
  } finally {
    clearInterval(timer);
    show(true);
  }
}

/** Responses per status code, e.g. { '201': 5000, '409': 12 }. */
export function statusCounts(result: LoadResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) out[code] = stat.count ?? 0;
  return out;
}
