import { SignJWT } from 'jose';
import { AuthConfig } from '../config/app-config';

/** An HS256 token as the service expects it (used by `npm run token` and by the tests). */
export async function signDevelopmentToken(
  auth: AuthConfig,
  claims: { subject: string; admin?: boolean; ttlSeconds?: number; now?: Date },
): Promise<string> {
  if (auth.keys.kind !== 'secret') throw new Error('development tokens are signed with AUTH_JWT_SECRET');
  const now = Math.floor((claims.now ?? new Date()).getTime() / 1000);
  let jwt = new SignJWT(claims.admin ? { roles: ['admin'] } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.ttlSeconds ?? 3600));
  if (auth.issuer !== null) jwt = jwt.setIssuer(auth.issuer);
  if (auth.audience !== null) jwt = jwt.setAudience(auth.audience);
  return jwt.sign(new TextEncoder().encode(auth.keys.secret));
}
