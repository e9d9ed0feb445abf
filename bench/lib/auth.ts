// The benchmark runs with customer auth on, as production must: every customer request carries a
// bearer token, so the CPU per hold includes verifying it.
import { signDevelopmentToken } from '../../src/auth/development-token';

/** The server's AUTH_JWT_SECRET during a run (withApp passes it; BENCH_SERVER_ENV may override). */
export const BENCH_JWT_SECRET = 'bench-only-jwt-secret-of-at-least-32-bytes';

/** `authorization` for a crowd of one customer (the bench products have no per-customer limit). */
export async function customerAuthorization(): Promise<{ authorization: string }> {
  const token = await signDevelopmentToken(
    { keys: { kind: 'secret', secret: BENCH_JWT_SECRET }, issuer: null, audience: null },
    { subject: 'bench_crowd', ttlSeconds: 24 * 3600 },
  );
  return { authorization: `Bearer ${token}` };
}

let crowdHeaders: Promise<Record<string, string>> | undefined;

/**
 * The headers of the crowd's JSON requests: content type and the bearer token, signed once on the
 * first call (before any load) and shared by every scenario of the run.
 */
export function crowdJsonHeaders(): Promise<Record<string, string>> {
  crowdHeaders ??= customerAuthorization().then((auth) => ({ 'content-type': 'application/json', ...auth }));
  return crowdHeaders;
}
