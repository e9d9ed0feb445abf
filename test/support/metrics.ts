import request from 'supertest';

/** The value of the first sample line matching `name{labels}`, or undefined. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const line = text.split('\n').find((l) => {
    if (!l.startsWith(`${name}{`) && !l.startsWith(`${name} `)) return false;
    return Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`));
  });
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

/** One scrape of GET /metrics, read as a function of (name, labels) → value (0 when absent). */
export async function scrape(url: string): Promise<(name: string, labels?: Record<string, string>) => number> {
  const text = (await request(url).get('/metrics').expect(200)).text;
  return (name, labels = {}) => sample(text, name, labels) ?? 0;
}
