// The driver errors that the service answers from rather than reports: a unique key that
// already holds the value, and the lock conflicts that a retry resolves.

interface DriverError {
  code?: string;
  errno?: number;
}

function driverError(error: unknown): DriverError {
  const e = error as { driverError?: DriverError } & DriverError;
  return e?.driverError ?? e ?? {};
}

export function isDuplicateKey(error: unknown): boolean {
  return driverError(error).code === 'ER_DUP_ENTRY';
}

/** ER_LOCK_DEADLOCK (1213) and ER_LOCK_WAIT_TIMEOUT (1205): the transaction can simply run again. */
export function isRetryableLockError(error: unknown): boolean {
  const { code } = driverError(error);
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

/** The database is out of reach (refused, reset, timed out, pool exhausted): answer 503. */
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
    code === 'POOL_WAIT_TIMEOUT' ||
    code === 'EHOSTUNREACH' ||
    code === 'ER_SERVER_SHUTDOWN' ||
    message.includes('Pool is closed') ||
    message.includes('Queue limit reached') ||
    message.includes("Can't add new command when connection is in closed state")
  );
}
