// The driver errors that the service answers from rather than reports: a unique key that
// already holds the value, and the lock conflicts that a retry resolves. Both engines' codes are
// here, so the services never learn which engine they run on.

interface DriverError {
  code?: string;
  errno?: number;
}

function driverError(error: unknown): DriverError {
  const e = error as { driverError?: DriverError } & DriverError;
  return e?.driverError ?? e ?? {};
}

/** MySQL ER_DUP_ENTRY; SQLite a UNIQUE or PRIMARY KEY constraint. */
export function isDuplicateKey(error: unknown): boolean {
  const { code } = driverError(error);
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * The transaction can simply run again. MySQL: ER_LOCK_DEADLOCK (1213), ER_LOCK_WAIT_TIMEOUT
 * (1205). SQLite: SQLITE_BUSY (another process, e.g. an external tool, held the write lock past
 * the busy timeout); the transaction was rolled back whole.
 */
export function isRetryableLockError(error: unknown): boolean {
  const { code } = driverError(error);
  return (
    code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT' || code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT'
  );
}

/** The database is out of reach (refused, reset, timed out, pool exhausted, file gone): answer 503. */
export function isConnectionError(error: unknown): boolean {
  const { code } = driverError(error);
  const message = (error as Error)?.message ?? '';
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT' ||
    code === 'EPIPE' ||
    code === 'PROTOCOL_CONNECTION_LOST' ||
    code === 'ER_CON_COUNT_ERROR' ||
    code === 'SQLITE_CANTOPEN' ||
    (code?.startsWith('SQLITE_IOERR') ?? false) ||
    code === 'POOL_WAIT_TIMEOUT' ||
    code === 'EHOSTUNREACH' ||
    code === 'ER_SERVER_SHUTDOWN' ||
    message.includes('Pool is closed') ||
    message.includes('Queue limit reached') ||
    message.includes("Can't add new command when connection is in closed state") ||
    message.includes('The database connection is not open')
  );
}
