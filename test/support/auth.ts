import { signDevelopmentToken } from '../../src/auth/development-token';
import { TestApp } from './test-app';

/** The HS256 secret the auth tests configure (32 bytes, as the config demands). */
export const TEST_JWT_SECRET = 'test-only-secret-of-32-bytes-0123456789';
export const TEST_ADMIN_KEY = 'test-only-admin-key-0123456789abcdef';

/** A valid bearer token for `sub`, as of the app's (fake) clock. */
export function tokenFor(t: TestApp, subject: string, options: { admin?: boolean; ttlSeconds?: number } = {}) {
  return signDevelopmentToken(t.config.auth!, { subject, now: t.clock.now(), ...options });
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
