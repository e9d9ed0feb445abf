// `npm run -s token -- --sub cus_42 [--admin] [--ttl 3600]`: prints a development bearer token
// signed with AUTH_JWT_SECRET (with AUTH_ISSUER / AUTH_AUDIENCE when set), so trying the service
// out with auth on needs no identity provider. A JWKS deployment's tokens come from its provider.
import { parseArgs } from 'node:util';
import { signDevelopmentToken } from '../auth/development-token';
import { AppConfig } from '../config/app-config';
import { runCli } from './bootstrap';

async function printToken(config: AppConfig): Promise<number> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      admin: { type: 'boolean', default: false },
      ttl: { type: 'string', default: '3600' },
    },
  });
  const ttlSeconds = Number(values.ttl);
  if (!values.sub || !Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
    console.error('usage: npm run -s token -- --sub <customer id> [--admin] [--ttl <seconds>]');
    return 2;
  }
  if (config.auth?.keys.kind !== 'secret') {
    console.error('AUTH_JWT_SECRET is not set: there is no secret to sign a development token with');
    return 1;
  }
  console.log(await signDevelopmentToken(config.auth, { subject: values.sub, admin: values.admin, ttlSeconds }));
  return 0;
}

runCli(printToken);
