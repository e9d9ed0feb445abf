import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig: payment safety settings', () => {
  const secret = `whsec_${randomBytes(24).toString('base64')}`;

  it('accepts a whsec_ secret of 24 bytes or more', () => {
    expect(loadConfig({ WEBHOOK_SECRET: secret }).webhookSecret).toBe(secret);
  });

  it.each([
    ['no prefix', randomBytes(32).toString('base64')],
    ['not base64', 'whsec_not*base64!'],
    ['a short key', `whsec_${randomBytes(16).toString('base64')}`],
  ])('refuses %s, naming WEBHOOK_SECRET', (_case, value) => {
    expect(() => loadConfig({ WEBHOOK_SECRET: value })).toThrow(ConfigError);
    expect(() => loadConfig({ WEBHOOK_SECRET: value })).toThrow(/WEBHOOK_SECRET/);
  });

  it('refuses to run in production without a webhook secret, and says why', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/WEBHOOK_SECRET must be set when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: 'production', WEBHOOK_SECRET: secret }).nodeEnv).toBe('production');
    expect(loadConfig({ NODE_ENV: 'development' }).webhookSecret).toBeNull();
  });

  it('reads both rate limits, 0 meaning off', () => {
    const config = loadConfig({ RATE_LIMIT_PER_MINUTE: '0', WEBHOOK_RATE_LIMIT_PER_MINUTE: '30' });
    expect([config.rateLimitPerMinute, config.webhookRateLimitPerMinute]).toEqual([0, 30]);
    expect(() => loadConfig({ WEBHOOK_RATE_LIMIT_PER_MINUTE: '-1' })).toThrow(/WEBHOOK_RATE_LIMIT_PER_MINUTE/);
  });
});
