import { SparBridgeError } from '../errors.js';

/** The three SPAR calls spar-bridge makes. */
export type SparOperation = 'create' | 'lookup' | 'cancel';

/**
 * The request a SPAR error belongs to. It never contains headers, the base URL or a body, so an
 * error can be logged, stored on an outbox row or emailed without leaking the API key or
 * customer data.
 */
export interface SparRequestInfo {
  operation: SparOperation;
  method: 'GET' | 'POST';
  /** Path below `SPAR_BASE_URL`, without the query string. */
  path: string;
}

interface SparErrorDetails extends SparRequestInfo {
  status?: number | null;
  retryAfterMs?: number | null;
}

/** A failed SPAR call. `status` is null when no HTTP response arrived. */
export class SparError extends SparBridgeError {
  readonly operation: SparOperation;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly status: number | null;
  /** How long SPAR asked us to wait (`Retry-After`), or the remaining circuit breaker cool-down. */
  readonly retryAfterMs: number | null;

  constructor(
    code: string,
    message: string,
    details: SparErrorDetails,
    options: { retriable: boolean },
  ) {
    super(code, message, { retriable: options.retriable });
    this.operation = details.operation;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
  }
}

/** SPAR rejected the call (bad payload, bad key, unknown job). Repeating it cannot succeed. */
export class SparPermanentError extends SparError {
  constructor(code: string, message: string, details: SparErrorDetails) {
    super(code, message, details, { retriable: false });
  }
}

/** SPAR was unavailable, rate limited or unreachable. The call can be repeated later. */
export class SparTransientError extends SparError {
  constructor(code: string, message: string, details: SparErrorDetails) {
    super(code, message, details, { retriable: true });
  }
}

/**
 * A create whose result is unknown: the request may have reached SPAR before the connection
 * failed or timed out. The job must be looked up by `externalId` before any new POST.
 */
export class SparInDoubtError extends SparError {
  constructor(message: string, details: SparErrorDetails) {
    super('SPAR_CREATE_IN_DOUBT', message, details, { retriable: true });
  }
}

/** The circuit breaker is open, so the call was not made. `retryAfterMs` is the cool-down left. */
export class SparCircuitOpenError extends SparTransientError {
  constructor(details: SparErrorDetails & { retryAfterMs: number }) {
    super(
      'SPAR_CIRCUIT_OPEN',
      `SPAR ${details.operation} not attempted: the circuit breaker is open after repeated failures; ` +
        `next probe in ${details.retryAfterMs} ms`,
      details,
    );
  }
}
