import { UnauthorizedError } from '../common/errors';

/** The token of `Authorization: Bearer <token>` (RFC 6750 §2.1); 401 when there is none. */
export function bearerToken(header: string | string[] | undefined): string {
  if (typeof header !== 'string') throw new UnauthorizedError('missing');
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!match) throw new UnauthorizedError(header.trim() === '' ? 'missing' : 'invalid');
  return match[1];
}
