// The service's whole configuration, read from the environment once at boot and validated there:
// nothing else in the code reads process.env.

import { resolve } from 'node:path';

/** MySQL / MariaDB: production, and what several instances share. */
export interface MysqlDatabaseConfig {
  engine: 'mysql';
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** The URL as given, with the password masked: safe to log. */
  display: string;
}

/** An embedded SQLite file: the zero-setup default, for one instance. */
export interface SqliteDatabaseConfig {
  engine: 'sqlite';
  /** Absolute path of the database file. */
  file: string;
  /** The name that namespaces shared state (cache keys): the file's absolute path. */
  database: string;
  display: string;
}

export type DatabaseConfig = MysqlDatabaseConfig | SqliteDatabaseConfig;

export interface AppConfig {
  nodeEnv: string;
  port: number;
  database: DatabaseConfig;
  redisUrl: string | null;
  holdTtlSeconds: number;
  /** How often expired holds and overdue orders are swept. */
  holdSweepIntervalSeconds: number;
  /** How long a pending order waits for its payment before it expires. */
  orderPaymentTimeoutSeconds: number;
  cacheTtlSeconds: number;
  maxQtyPerHold: number;
  webhookSecret: string | null;
  logLevel: string;
  rateLimitPerMinute: number;
  /** The payment webhook's own per-IP limit (the gateway's bursts must not eat the clients' one). */
  webhookRateLimitPerMinute: number;
  /** Pool size of the database connection pool. */
  dbPoolSize: number;
  /** Worker processes forked by the cluster primary; 0 runs the app in this process. */
  clusterWorkers: number;
  /** Group commit of hold requests per product (HOLD_BATCHING=on); off = one transaction each. */
  holdBatching: boolean;
  /** Most hold requests decided by one grant transaction. */
  holdBatchMax: number;
  /** Most hold requests waiting per product before new ones get 503. */
  holdQueueMax: number;
  /** Most open live-stock streams on this instance before new ones get 503. */
  streamMaxClients: number;
  /** Customer identity from bearer JWTs; null runs the customer routes anonymously. */
  auth: AuthConfig | null;
  /** The operators' shared key (ADMIN_API_KEY); null: only an admin JWT (if auth is on) opens /api/admin. */
  adminApiKey: string | null;
}

/** Where the keys that sign customer tokens come from: a shared HS256 secret, or a JWKS address. */
export type AuthKeySource = { kind: 'secret'; secret: string } | { kind: 'jwks'; url: string };

export interface AuthConfig {
  keys: AuthKeySource;
  /** Checked against `iss` when set. */
  issuer: string | null;
  /** Checked against `aud` when set. */
  audience: string | null;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Why SQLite refuses cluster mode and several instances, and what to do instead. */
export const ONE_PROCESS_ONLY =
  'the embedded SQLite database: it serves one process. For cluster mode or several instances, ' +
  'set DATABASE_URL to a MySQL database (mysql://user:pass@host:3306/db)';

/** An unset DATABASE_URL means the embedded SQLite file, relative to the working directory. */
export const DEFAULT_DATABASE_URL = 'sqlite:data/flash-sale.sqlite';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): AppConfig {
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max) {
      throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
    }
    return value;
  };

  const nodeEnv = read('NODE_ENV') ?? 'development';
  const webhookSecret = read('WEBHOOK_SECRET') ?? null;
  if (webhookSecret !== null) validateWebhookSecret(webhookSecret);
  if (webhookSecret === null && nodeEnv === 'production') {
    throw new ConfigError(
      'WEBHOOK_SECRET',
      'must be set when NODE_ENV=production: unsigned payment webhooks would let anyone mark an order paid',
    );
  }

  const logLevel = (read('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  const holdBatching = (read('HOLD_BATCHING') ?? 'on').toLowerCase();
  if (holdBatching !== 'on' && holdBatching !== 'off') {
    throw new ConfigError('HOLD_BATCHING', `must be on or off, got "${holdBatching}"`);
  }

  const redisUrl = read('REDIS_URL') ?? null;
  if (redisUrl !== null && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError('REDIS_URL', 'must start with redis:// or rediss://');
  }

  const database = parseDatabaseUrl(read('DATABASE_URL') ?? DEFAULT_DATABASE_URL);
  const clusterWorkers = integer('CLUSTER_WORKERS', 0, 0, 256);
  if (clusterWorkers > 0 && database.engine === 'sqlite') {
    throw new ConfigError('CLUSTER_WORKERS', `cannot be used with ${ONE_PROCESS_ONLY}`);
  }

  const auth = loadAuthConfig(read, nodeEnv);
  const adminApiKey = read('ADMIN_API_KEY') ?? null;
  if (adminApiKey !== null && adminApiKey.length < MIN_ADMIN_KEY_LENGTH) {
    throw new ConfigError('ADMIN_API_KEY', `must be at least ${MIN_ADMIN_KEY_LENGTH} characters long`);
  }
  if (adminApiKey !== null && !/^[\x21-\x7e]+$/.test(adminApiKey)) {
    throw new ConfigError('ADMIN_API_KEY', 'must be visible ASCII characters without spaces (it travels as a bearer token)');
  }

  return {
    nodeEnv,
    auth,
    adminApiKey,
    port: integer('PORT', 3000, 0, 65535),
    database,
    redisUrl,
    holdTtlSeconds: integer('HOLD_TTL_SECONDS', 120, 1, 24 * 3600),
    holdSweepIntervalSeconds: integer('HOLD_SWEEP_INTERVAL_SECONDS', 5, 1, 3600),
    orderPaymentTimeoutSeconds: integer('ORDER_PAYMENT_TIMEOUT_SECONDS', 900, 1, 7 * 24 * 3600),
    cacheTtlSeconds: integer('CACHE_TTL_SECONDS', 5, 0, 3600),
    maxQtyPerHold: integer('MAX_QTY_PER_HOLD', 10, 1, 1_000_000),
    webhookSecret,
    logLevel,
    rateLimitPerMinute: integer('RATE_LIMIT_PER_MINUTE', 600, 0, 10_000_000),
    webhookRateLimitPerMinute: integer('WEBHOOK_RATE_LIMIT_PER_MINUTE', 1200, 0, 10_000_000),
    dbPoolSize: integer('DB_POOL_SIZE', 20, 1, 1000),
    clusterWorkers,
    holdBatching: holdBatching === 'on',
    holdBatchMax: integer('HOLD_BATCH_MAX', 256, 1, 10_000),
    holdQueueMax: integer('HOLD_QUEUE_MAX', 10_000, 1, 1_000_000),
    streamMaxClients: integer('STREAM_MAX_CLIENTS', 10_000, 1, 1_000_000),
  };
}

export function parseDatabaseUrl(raw: string): DatabaseConfig {
  if (/^sqlite:/i.test(raw)) return parseSqliteUrl(raw);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a valid URL (expected mysql://user:pass@host:3306/db)');
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new ConfigError('DATABASE_URL', `must use mysql:// or sqlite: (got ${url.protocol}//)`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]{1,64}$/.test(database)) {
    throw new ConfigError('DATABASE_URL', 'must name a database of letters, digits and _ (mysql://host/db)');
  }
  const masked = new URL(url.toString());
  if (masked.password) masked.password = '***';
  return {
    engine: 'mysql',
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    database,
    display: masked.toString(),
  };
}

/**
 * `sqlite:relative/path.sqlite` (from the working directory) or `sqlite:///absolute/path.sqlite`.
 * No `:memory:`: a sale that vanishes on restart is not one anybody wants.
 */
function parseSqliteUrl(raw: string): SqliteDatabaseConfig {
  let path = raw.slice('sqlite:'.length);
  if (path.startsWith('//')) {
    path = path.slice(2);
    if (!path.startsWith('/')) {
      throw new ConfigError('DATABASE_URL', 'must be sqlite:///absolute/path.sqlite or sqlite:relative/path.sqlite');
    }
  }
  try {
    path = decodeURIComponent(path);
  } catch {
    throw new ConfigError('DATABASE_URL', 'has a malformed %-escape in its SQLite path');
  }
  if (path === '' || path.endsWith('/'))
    throw new ConfigError('DATABASE_URL', 'must name a SQLite file (sqlite:data/shop.sqlite)');
  if (path.includes(':memory:') || path.startsWith('file:')) {
    throw new ConfigError('DATABASE_URL', 'must name a SQLite file; in-memory databases are not supported');
  }
  const file = resolve(path);
  return { engine: 'sqlite', file, database: file, display: `sqlite:${file}` };
}

/** HS256 keys shorter than the hash (RFC 7518 §3.2) can be brute-forced offline from one token. */
const MIN_JWT_SECRET_BYTES = 32;
const MIN_ADMIN_KEY_LENGTH = 32;

function loadAuthConfig(read: (name: string) => string | undefined, nodeEnv: string): AuthConfig | null {
  const secret = read('AUTH_JWT_SECRET');
  const jwksUrl = read('AUTH_JWKS_URL');
  const disabled = (read('AUTH_DISABLED') ?? 'false').toLowerCase();
  if (disabled !== 'true' && disabled !== 'false') {
    throw new ConfigError('AUTH_DISABLED', `must be true or false, got "${disabled}"`);
  }
  if (secret !== undefined && jwksUrl !== undefined) {
    throw new ConfigError('AUTH_JWT_SECRET', 'and AUTH_JWKS_URL cannot both be set: choose one source of keys');
  }
  if (disabled === 'true' && (secret !== undefined || jwksUrl !== undefined)) {
    throw new ConfigError('AUTH_DISABLED', 'is true while AUTH_JWT_SECRET or AUTH_JWKS_URL is set: say one or the other');
  }
  if (secret === undefined && jwksUrl === undefined) {
    if (nodeEnv === 'production' && disabled !== 'true') {
      throw new ConfigError(
        'AUTH_JWT_SECRET',
        '(or AUTH_JWKS_URL) must be set when NODE_ENV=production: anyone could act on any hold or order. ' +
          'Set AUTH_DISABLED=true to run anonymous on purpose',
      );
    }
    return null;
  }
  let keys: AuthKeySource;
  if (secret !== undefined) {
    if (Buffer.byteLength(secret, 'utf8') < MIN_JWT_SECRET_BYTES) {
      throw new ConfigError('AUTH_JWT_SECRET', `must be at least ${MIN_JWT_SECRET_BYTES} bytes long`);
    }
    keys = { kind: 'secret', secret };
  } else {
    let url: URL | null = null;
    try {
      url = new URL(jwksUrl!);
    } catch {
      // reported below
    }
    if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new ConfigError('AUTH_JWKS_URL', 'must be an http(s):// URL of a JSON Web Key Set');
    }
    keys = { kind: 'jwks', url: url.toString() };
  }
  return { keys, issuer: read('AUTH_ISSUER') ?? null, audience: read('AUTH_AUDIENCE') ?? null };
}

/** Standard Webhooks secrets: `whsec_` + base64 of the key; a key under 24 bytes is too weak. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
const MIN_WEBHOOK_KEY_BYTES = 24;

function validateWebhookSecret(secret: string): void {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : null;
  if (encoded === null || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) {
    throw new ConfigError('WEBHOOK_SECRET', 'must be whsec_ followed by the base64 of the key');
  }
  if (Buffer.from(encoded, 'base64').length < MIN_WEBHOOK_KEY_BYTES) {
    throw new ConfigError('WEBHOOK_SECRET', `must hold a key of at least ${MIN_WEBHOOK_KEY_BYTES} bytes`);
  }
}
