import { randomBytes } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      holdTtlSeconds: 120,
      holdSweepIntervalSeconds: 5,
      orderPaymentTimeoutSeconds: 900,
      cacheTtlSeconds: 5,
      maxQtyPerHold: 10,
      logLevel: 'info',
      rateLimitPerMinute: 600,
      redisUrl: null,
      webhookSecret: null,
    });
    // Zero setup: no DATABASE_URL means the embedded SQLite file under ./data.
    expect(config.database).toEqual({
      engine: 'sqlite',
      file: join(process.cwd(), 'data', 'flash-sale.sqlite'),
      database: join(process.cwd(), 'data', 'flash-sale.sqlite'),
      display: `sqlite:${join(process.cwd(), 'data', 'flash-sale.sqlite')}`,
    });
  });

  it('parses DATABASE_URL and masks its password for display', () => {
    const { database } = loadConfig({ DATABASE_URL: 'mysql://shop:s%40cret@db.internal:3307/sale' });
    expect(database).toMatchObject({
      engine: 'mysql',
      host: 'db.internal',
      port: 3307,
      user: 'shop',
      password: 's@cret',
      database: 'sale',
    });
    expect(database.display).not.toContain('cret');
  });

  it('defaults a mysql:// URL to root@127.0.0.1:3306', () => {
    expect(loadConfig({ DATABASE_URL: 'mysql:///flash_sale' }).database).toMatchObject({
      engine: 'mysql',
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      database: 'flash_sale',
    });
  });

  it.each([
    ['sqlite:///var/lib/shop/sale.sqlite', '/var/lib/shop/sale.sqlite'],
    ['sqlite:/var/lib/shop/sale.sqlite', '/var/lib/shop/sale.sqlite'],
    ['sqlite:shop.sqlite', join(process.cwd(), 'shop.sqlite')],
    ['sqlite:data/my%20shop.sqlite', join(process.cwd(), 'data', 'my shop.sqlite')],
  ])('selects the SQLite file %s', (url, file) => {
    const { database } = loadConfig({ DATABASE_URL: url });
    expect(database).toMatchObject({ engine: 'sqlite', file, database: file });
    expect(isAbsolute(database.engine === 'sqlite' ? database.file : '')).toBe(true);
  });

  it('reads ORDER_PAYMENT_TIMEOUT_SECONDS', () => {
    expect(loadConfig({ ORDER_PAYMENT_TIMEOUT_SECONDS: '30' }).orderPaymentTimeoutSeconds).toBe(30);
  });

  it('refuses cluster mode on the embedded SQLite database, pointing to MySQL', () => {
    expect(() => loadConfig({ CLUSTER_WORKERS: '2' })).toThrow(
      /^Invalid configuration: CLUSTER_WORKERS cannot be used with the embedded SQLite database.*DATABASE_URL to a MySQL database/,
    );
    expect(loadConfig({ CLUSTER_WORKERS: '2', DATABASE_URL: 'mysql://root@127.0.0.1:3306/shop' }).clusterWorkers).toBe(2);
    expect(loadConfig({ CLUSTER_WORKERS: '0' }).clusterWorkers).toBe(0);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['HOLD_TTL_SECONDS', '0'],
    ['HOLD_TTL_SECONDS', '1.5'],
    ['HOLD_SWEEP_INTERVAL_SECONDS', '-1'],
    ['ORDER_PAYMENT_TIMEOUT_SECONDS', '0'],
    ['ORDER_PAYMENT_TIMEOUT_SECONDS', '15m'],
    ['ORDER_PAYMENT_TIMEOUT_SECONDS', '604801'],
    ['CACHE_TTL_SECONDS', 'five'],
    ['MAX_QTY_PER_HOLD', '0'],
    ['RATE_LIMIT_PER_MINUTE', '-5'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'postgres://localhost/db'],
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_URL', 'mysql://localhost/bad-name'],
    ['DATABASE_URL', 'sqlite::memory:'],
    ['DATABASE_URL', 'sqlite:'],
    ['DATABASE_URL', 'sqlite://host/file.sqlite'],
    ['DATABASE_URL', 'sqlite:data/'],
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
    expect(loadConfig({ NODE_ENV: 'production', WEBHOOK_SECRET: secret, AUTH_DISABLED: 'true' }).nodeEnv).toBe('production');
    expect(loadConfig({ NODE_ENV: 'development' }).webhookSecret).toBeNull();
  });

  it('reads both rate limits, 0 meaning off', () => {
    const config = loadConfig({ RATE_LIMIT_PER_MINUTE: '0', WEBHOOK_RATE_LIMIT_PER_MINUTE: '30' });
    expect([config.rateLimitPerMinute, config.webhookRateLimitPerMinute]).toEqual([0, 30]);
    expect(() => loadConfig({ WEBHOOK_RATE_LIMIT_PER_MINUTE: '-1' })).toThrow(/WEBHOOK_RATE_LIMIT_PER_MINUTE/);
  });

  describe('the refusal names the variable and says what is wrong with the value', () => {
    it.each([
      [{ PORT: 'abc' }, 'Invalid configuration: PORT must be a whole number, got "abc"'],
      [{ HOLD_TTL_SECONDS: '0' }, 'Invalid configuration: HOLD_TTL_SECONDS must be between 1 and 86400, got 0'],
      [{ HOLD_TTL_SECONDS: '86401' }, 'Invalid configuration: HOLD_TTL_SECONDS must be between 1 and 86400, got 86401'],
      [{ DB_POOL_SIZE: '0' }, 'Invalid configuration: DB_POOL_SIZE must be between 1 and 1000, got 0'],
      [
        { LOG_LEVEL: 'loud' },
        'Invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      ],
      [{ HOLD_BATCHING: 'maybe' }, 'Invalid configuration: HOLD_BATCHING must be on or off, got "maybe"'],
      [{ REDIS_URL: 'http://redis:6379' }, 'Invalid configuration: REDIS_URL must start with redis:// or rediss://'],
      [{ REDIS_URL: 'cache+redis://redis:6379' }, 'Invalid configuration: REDIS_URL must start with redis:// or rediss://'],
      [
        { DATABASE_URL: 'not a url' },
        'Invalid configuration: DATABASE_URL is not a valid URL (expected mysql://user:pass@host:3306/db)',
      ],
      [{ DATABASE_URL: 'postgres://h/db' }, 'Invalid configuration: DATABASE_URL must use mysql:// or sqlite: (got postgres://)'],
      [{ DATABASE_URL: 'my-sqlite:x' }, 'Invalid configuration: DATABASE_URL must use mysql:// or sqlite: (got my-sqlite://)'],
      [
        { DATABASE_URL: 'mysql://h/a-b' },
        'Invalid configuration: DATABASE_URL must name a database of letters, digits and _ (mysql://host/db)',
      ],
    ])('%j', (env, message) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      let error: unknown;
      try {
        loadConfig(env);
      } catch (caught) {
        error = caught;
      }
      expect(error).toMatchObject({ name: 'ConfigError', message });
    });
  });

  it('accepts the limits themselves, trims values, and takes mariadb:// as MySQL', () => {
    expect(loadConfig({ HOLD_TTL_SECONDS: ' 86400 ', PORT: '65535' })).toMatchObject({ holdTtlSeconds: 86400, port: 65535 });
    expect(loadConfig({ LOG_LEVEL: '  debug ' }).logLevel).toBe('debug');
    expect(loadConfig({ NODE_ENV: '  ' }).nodeEnv).toBe('development');
    expect(loadConfig({ DATABASE_URL: 'mariadb://u@h/shop' }).database).toMatchObject({ engine: 'mysql', database: 'shop' });
    expect(loadConfig({ DATABASE_URL: 'mysql://u@h/shop' }).database.display).toBe('mysql://u@h/shop');
    expect(loadConfig({ DATABASE_URL: 'mysql://u:pw@h/shop' }).database.display).toBe('mysql://u:***@h/shop');
  });
});

describe('loadConfig: live stock', () => {
  it('caps the streams of an instance at STREAM_MAX_CLIENTS, 10,000 by default', () => {
    expect(loadConfig({}).streamMaxClients).toBe(10_000);
    expect(loadConfig({ STREAM_MAX_CLIENTS: '1' }).streamMaxClients).toBe(1);
    expect(loadConfig({ STREAM_MAX_CLIENTS: '1000000' }).streamMaxClients).toBe(1_000_000);
  });

  it('refuses a cap that is not a whole number from 1 to 1,000,000, naming the variable', () => {
    for (const bad of ['0', '-5', '1000001', 'many', '2.5']) {
      expect(() => loadConfig({ STREAM_MAX_CLIENTS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ STREAM_MAX_CLIENTS: bad })).toThrow(/STREAM_MAX_CLIENTS/);
    }
  });
});

describe('loadConfig: identity and operators', () => {
  const webhook = `whsec_${randomBytes(24).toString('base64')}`;
  const jwtSecret = 'x'.repeat(32);

  it('runs anonymous by default, with no admin key', () => {
    expect(loadConfig({})).toMatchObject({ auth: null, adminApiKey: null });
  });

  it('takes an HS256 secret of at least 32 bytes, or a JWKS address, with optional issuer and audience', () => {
    expect(loadConfig({ AUTH_JWT_SECRET: jwtSecret, AUTH_ISSUER: 'https://id', AUTH_AUDIENCE: 'api' }).auth).toEqual({
      keys: { kind: 'secret', secret: jwtSecret },
      issuer: 'https://id',
      audience: 'api',
    });
    expect(loadConfig({ AUTH_JWKS_URL: 'https://id.example/.well-known/jwks.json' }).auth).toEqual({
      keys: { kind: 'jwks', url: 'https://id.example/.well-known/jwks.json' },
      issuer: null,
      audience: null,
    });
  });

  it.each([
    ['a short secret', { AUTH_JWT_SECRET: 'x'.repeat(31) }, /AUTH_JWT_SECRET must be at least 32 bytes/],
    ['both key sources', { AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_JWKS_URL: 'https://id/jwks' }, /AUTH_JWT_SECRET/],
    ['a JWKS address that is not http(s)', { AUTH_JWKS_URL: 'ftp://id/jwks' }, /AUTH_JWKS_URL/],
    ['a JWKS address that is not a URL', { AUTH_JWKS_URL: 'jwks.json' }, /AUTH_JWKS_URL/],
    ['AUTH_DISABLED that is not a boolean', { AUTH_DISABLED: 'yes' }, /AUTH_DISABLED/],
    ['AUTH_DISABLED=true beside a secret', { AUTH_DISABLED: 'true', AUTH_JWT_SECRET: 'x'.repeat(32) }, /AUTH_DISABLED/],
    ['a short admin key', { ADMIN_API_KEY: 'k'.repeat(31) }, /ADMIN_API_KEY must be at least 32/],
    ['an admin key with a space', { ADMIN_API_KEY: `${'k'.repeat(20)} ${'k'.repeat(20)}` }, /ADMIN_API_KEY/],
  ])('refuses %s, naming the variable', (_case, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('refuses production without auth unless AUTH_DISABLED=true says so', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', WEBHOOK_SECRET: webhook })).toThrow(
      /AUTH_JWT_SECRET \(or AUTH_JWKS_URL\) must be set when NODE_ENV=production/,
    );
    expect(loadConfig({ NODE_ENV: 'production', WEBHOOK_SECRET: webhook, AUTH_DISABLED: 'true' }).auth).toBeNull();
    expect(loadConfig({ NODE_ENV: 'production', WEBHOOK_SECRET: webhook, AUTH_JWT_SECRET: jwtSecret }).auth).not.toBeNull();
  });

  it('takes an admin key of 32 characters or more', () => {
    expect(loadConfig({ ADMIN_API_KEY: 'k'.repeat(32) }).adminApiKey).toBe('k'.repeat(32));
  });

  // Lines the mutation run found unpinned (npm run test:mutation).
  it('takes an order payment timeout up to a week, and no more', () => {
    expect(loadConfig({ ORDER_PAYMENT_TIMEOUT_SECONDS: '604800' }).orderPaymentTimeoutSeconds).toBe(604800);
  });

  it('refuses a SQLite path that is a file: URI, wherever its name would put it', () => {
    expect(() => loadConfig({ DATABASE_URL: 'sqlite:file:data/shop.sqlite' })).toThrow(/in-memory databases are not supported/);
  });

  it('refuses AUTH_DISABLED=true beside a JWKS address', () => {
    expect(() => loadConfig({ AUTH_DISABLED: 'true', AUTH_JWKS_URL: 'https://id/jwks' })).toThrow(
      /AUTH_DISABLED is true while AUTH_JWT_SECRET or AUTH_JWKS_URL is set/,
    );
  });

  it('takes a plain http:// JWKS address (an identity provider inside the cluster)', () => {
    expect(loadConfig({ AUTH_JWKS_URL: 'http://id.internal/jwks' }).auth?.keys).toEqual({
      kind: 'jwks',
      url: 'http://id.internal/jwks',
    });
  });
});
