import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      holdTtlSeconds: 120,
      holdSweepIntervalSeconds: 5,
      cacheTtlSeconds: 5,
      maxQtyPerHold: 10,
      logLevel: 'info',
      rateLimitPerMinute: 600,
      redisUrl: null,
      webhookSecret: null,
    });
    expect(config.database).toMatchObject({ host: '127.0.0.1', port: 3306, user: 'root', database: 'flash_sale' });
  });

  it('parses DATABASE_URL and masks its password for display', () => {
    const { database } = loadConfig({ DATABASE_URL: 'mysql://shop:s%40cret@db.internal:3307/sale' });
    expect(database).toMatchObject({ host: 'db.internal', port: 3307, user: 'shop', password: 's@cret', database: 'sale' });
    expect(database.display).not.toContain('cret');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['HOLD_TTL_SECONDS', '0'],
    ['HOLD_TTL_SECONDS', '1.5'],
    ['HOLD_SWEEP_INTERVAL_SECONDS', '-1'],
    ['CACHE_TTL_SECONDS', 'five'],
    ['MAX_QTY_PER_HOLD', '0'],
    ['RATE_LIMIT_PER_MINUTE', '-5'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'postgres://localhost/db'],
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_URL', 'mysql://localhost/bad-name'],
    ['REDIS_URL', 'localhost:6379'],
  ])('stops at %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name} `));
  });
});

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
