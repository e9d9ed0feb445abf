import { UnauthorizedError } from '../core/errors';

/** The token of `Authorization: Bearer <token>` (RFC 6750 §2.1); 401 when there is none. */
export function bearerToken(header: string | string[] | undefined): string {
  if (typeof header !== 'string') throw new UnauthorizedError('missing');
  // Any visible characters: an ADMIN_API_KEY is not limited to the token68 alphabet of a JWT.
  const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
  if (!match) throw new UnauthorizedError(header.trim() === '' ? 'missing' : 'invalid');
  return match[1];
}
