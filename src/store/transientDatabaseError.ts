import { TransientError } from '../errors.js';

/** SQLite result codes that mean another connection holds a lock: SQLITE_BUSY and SQLITE_LOCKED. */
const sqliteLockCodes = new Set([5, 6]);

/**
 * PostgreSQL SQLSTATE codes, and code classes, after which the same work can succeed later:
 * serialization failure, deadlock, lock timeout, shutdown, too many connections, and
 * connection exceptions (class 08) or exhausted resources (class 53).
 */
const postgresTransientCodes = new Set(['40001', '40P01', '55P03', '57P01', '57P02', '57P03']);
const postgresTransientClasses = ['08', '53'];

/** Network error codes that Node sets when the connection to PostgreSQL fails. */
const networkErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/** Messages of errors that `pg` raises without a code when a connection breaks or times out. */
const postgresConnectionMessages = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
];

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

/** Returns true for `node:sqlite` errors raised because another connection holds a lock. */
export function isSqliteBusyError(error: unknown): boolean {
  if (errorCode(error) !== 'ERR_SQLITE_ERROR') return false;

  const errcode = (error as { errcode?: unknown }).errcode;
  return typeof errcode === 'number' && sqliteLockCodes.has(errcode & 0xff);
}

function isPostgresTransientError(error: unknown): boolean {
  const code = errorCode(error);
  if (typeof code === 'string') {
    if (postgresTransientCodes.has(code) || networkErrorCodes.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return postgresTransientClasses.includes(code.slice(0, 2));
  }

  const message = error instanceof Error ? error.message : '';
  return postgresConnectionMessages.some((fragment) => message.includes(fragment));
}

/**
 * Wraps a database error that may pass on its own in `TransientError`, so the caller nacks
 * or retries. Every other error is returned unchanged.
 */
export function toTransientDatabaseError(error: unknown): unknown {
  if (error instanceof TransientError) return error;

  if (isSqliteBusyError(error)) {
    return new TransientError(
      'DATABASE_BUSY',
      'database is locked by another connection; retry later',
      {
        cause: error,
      },
    );
  }
  if (isPostgresTransientError(error)) {
    const reason = error instanceof Error ? error.message : String(error);
    return new TransientError(
      'DATABASE_UNAVAILABLE',
      `database operation failed (${reason}); retry later`,
      {
        cause: error,
      },
    );
  }
  return error;
}

/** Returns true when `error` is a PostgreSQL unique violation of the named constraint. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (errorCode(error) !== '23505') return false;
  return (error as { constraint?: unknown }).constraint === constraint;
}
