/** A response of either client the tests use (fetch's Headers or supertest's plain object). */
interface StormResponse {
  status: number;
  headers: Headers | Record<string, string | string[] | undefined>;
  body?: unknown;
}

function header(res: StormResponse, name: string): string | null {
  if (res.headers instanceof Headers) return res.headers.get(name);
  const value = res.headers[name];
  return value === undefined ? null : String(value);
}

/**
 * The contract's answer to a crowd on `granted` units: exactly `granted` 201s, and every other
 * request a 409 (sold out) or, when the box is loaded and the service sheds, a 503 with
 * Retry-After (`busy`, problem+json). Anything else (a 500, a 201 too many) is a failure.
 */
export function expectStormOutcome(responses: StormResponse[], granted: number): void {
  const statuses = responses.map((r) => r.status);
  const count = (status: number) => statuses.filter((s) => s === status).length;
  const others = statuses.filter((s) => s !== 201 && s !== 409 && s !== 503);
  expect({ created: count(201), unexpected: others }).toEqual({ created: granted, unexpected: [] });
  expect(count(409) + count(503)).toBe(responses.length - granted);
  for (const shed of responses.filter((r) => r.status === 503)) {
    expect(Number(header(shed, 'retry-after'))).toBeGreaterThanOrEqual(1);
    expect(header(shed, 'content-type')).toMatch(/^application\/problem\+json/);
  }
}
