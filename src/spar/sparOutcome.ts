import { isAxiosError } from 'axios';
import { SparBridgeError } from '../errors.js';
import type { DeliveryResult } from '../outbox/sink.js';
import {
  SparError,
  SparInDoubtError,
  SparPermanentError,
  SparTransientError,
  type SparOperation,
  type SparRequestInfo,
} from './sparErrors.js';

/**
 * How spar-bridge treats each SPAR response. This module is the only place that decides
 * whether a call succeeded, must not be repeated, can be retried, or left a create in doubt.
 */
type StatusClass = 'ok' | 'exists' | 'permanent' | 'transient';

/** Statuses with a meaning per operation; 5xx is transient and anything else unlisted is permanent. */
const statusTable: Record<SparOperation, Partial<Record<number, StatusClass>>> = {
  // 200 is accepted on create as well, because an idempotent replay may respond 200 with the id.
  create: {
    200: 'ok',
    201: 'ok',
    409: 'exists',
    400: 'permanent',
    401: 'permanent',
    403: 'permanent',
    404: 'permanent',
    408: 'transient',
    422: 'permanent',
    429: 'transient',
  },
  lookup: {
    200: 'ok',
    400: 'permanent',
    401: 'permanent',
    403: 'permanent',
    404: 'permanent',
    408: 'transient',
    429: 'transient',
  },
  cancel: {
    200: 'ok',
    409: 'exists',
    400: 'permanent',
    401: 'permanent',
    403: 'permanent',
    404: 'permanent',
    408: 'transient',
    422: 'permanent',
    429: 'transient',
  },
};

/** Maximum wait taken from a `Retry-After` header, so a bad header cannot park an action for days. */
export const maxRetryAfterMs = 60 * 60 * 1000;

/**
 * Network error codes raised before a connection existed. A create that failed this way
 * cannot have reached SPAR; any other transport failure on a create leaves it in doubt.
 */
const notSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

export interface SparResponse {
  status: number;
  /** The `Retry-After` header, when SPAR sent one. */
  retryAfter: string | null;
  data: unknown;
}

/** An assembly job as SPAR's lookup returns it. */
export interface SparJob {
  id: string;
  externalId: string;
  /** `received`, `scheduled` or `cancelled`; kept as SPAR sent it. */
  status: string;
}

export interface SparCreated {
  jobId: string;
  /** True when SPAR responded 409 because a job with this `externalId` existed already. */
  existed: boolean;
}

export interface SparCancelled {
  jobId: string;
  /** True when SPAR responded 409 because the job was cancelled already. */
  alreadyCancelled: boolean;
}

/** Classifies the response to a create. Returns the job id or the error to throw. */
export function classifyCreateResponse(
  request: SparRequestInfo,
  response: SparResponse,
): SparCreated | SparError {
  const statusClass = classifyStatus(request.operation, response.status);
  if (statusClass !== 'ok' && statusClass !== 'exists')
    return errorForStatus(request, response, statusClass);

  const jobId = readJobId(response.data);
  if (jobId === null) {
    // SPAR accepted the request without naming the job, so a lookup settles which one it is.
    return new SparInDoubtError(
      `${describe(request)} responded HTTP ${response.status} without a job id; the job will be looked up by externalId`,
      { ...request, status: response.status },
    );
  }
  return { jobId, existed: statusClass === 'exists' };
}

/** Classifies the response to a lookup by `externalId`. Returns the jobs listed or the error to throw. */
export function classifyLookupResponse(
  request: SparRequestInfo,
  response: SparResponse,
): SparJob[] | SparError {
  const statusClass = classifyStatus(request.operation, response.status);
  if (statusClass !== 'ok') return errorForStatus(request, response, statusClass);

  const items = isRecord(response.data) ? response.data.items : undefined;
  if (!Array.isArray(items)) {
    return new SparTransientError(
      'SPAR_INVALID_RESPONSE',
      `${describe(request)} responded without an items list`,
      {
        ...request,
        status: response.status,
      },
    );
  }

  const jobs: SparJob[] = [];
  for (const item of items) {
    if (!isRecord(item) || typeof item.id !== 'string' || typeof item.externalId !== 'string')
      continue;
    jobs.push({
      id: item.id,
      externalId: item.externalId,
      status: typeof item.status === 'string' ? item.status : 'received',
    });
  }
  return jobs;
}

/** Classifies the response to a cancellation. 409 means the job was cancelled already. */
export function classifyCancelResponse(
  request: SparRequestInfo,
  jobId: string,
  response: SparResponse,
): SparCancelled | SparError {
  const statusClass = classifyStatus(request.operation, response.status);
  if (statusClass !== 'ok' && statusClass !== 'exists')
    return errorForStatus(request, response, statusClass);

  return { jobId: readJobId(response.data) ?? jobId, alreadyCancelled: statusClass === 'exists' };
}

/**
 * Classifies a call that produced no HTTP response: a timeout, a reset or a refused
 * connection. On a create every failure except a refused or unresolvable connection leaves
 * the job in doubt, because the request may have reached SPAR.
 */
export function classifyTransportError(
  request: SparRequestInfo,
  error: unknown,
  details: { timedOut: boolean; timeoutMs: number },
): SparError {
  const code = transportErrorCode(error);
  const timedOut = details.timedOut || code === 'ECONNABORTED' || code === 'ETIMEDOUT';
  const what = timedOut
    ? `timed out after ${details.timeoutMs} ms`
    : `failed with ${code ?? 'an unknown network error'}`;

  if (
    request.operation === 'create' &&
    (timedOut || code === undefined || !notSentCodes.has(code))
  ) {
    return new SparInDoubtError(
      `${describe(request)} ${what}; the job may exist and will be looked up by externalId before any new POST`,
      request,
    );
  }

  const errorCode = timedOut ? 'SPAR_TIMEOUT' : 'SPAR_CONNECTION_FAILED';
  return new SparTransientError(
    errorCode,
    `${describe(request)} ${what}; it will be retried`,
    request,
  );
}

/** Turns an error met while delivering a SPAR action into the outbox's next step. */
export function toDeliveryResult(error: unknown): DeliveryResult {
  if (error instanceof SparInDoubtError) return { status: 'in_doubt', error: formatError(error) };

  if (error instanceof SparError && error.retriable) {
    const result: DeliveryResult = { status: 'retry', error: formatError(error) };
    if (error.retryAfterMs !== null) result.retryAfterMs = error.retryAfterMs;
    return result;
  }

  if (error instanceof SparBridgeError) {
    return error.retriable
      ? { status: 'retry', error: formatError(error) }
      : { status: 'failed', error: formatError(error) };
  }

  // Unexpected errors (a store read, a bug) happen before or after a SPAR call has settled, so retrying is safe.
  const message = error instanceof Error ? error.message : String(error);
  return { status: 'retry', error: `UNEXPECTED: ${message}` };
}

/**
 * Parses `Retry-After`, given in seconds or as an HTTP date, into milliseconds capped at
 * `maxRetryAfterMs`. Returns null when the header is missing or invalid.
 */
export function parseRetryAfterMs(value: unknown, now: Date = new Date()): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;

  const text = String(value).trim();
  let delayMs: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    delayMs = Number(text) * 1000;
  } else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    delayMs = at - now.getTime();
  }

  return Math.min(Math.max(0, Math.round(delayMs)), maxRetryAfterMs);
}

function classifyStatus(operation: SparOperation, status: number): StatusClass {
  const listed = statusTable[operation][status];
  if (listed !== undefined) return listed;
  return status >= 500 && status <= 599 ? 'transient' : 'permanent';
}

function errorForStatus(
  request: SparRequestInfo,
  response: SparResponse,
  statusClass: StatusClass,
): SparError {
  const { status } = response;
  const details = { ...request, status };

  if (statusClass === 'transient') {
    const retryAfterMs = status === 429 ? parseRetryAfterMs(response.retryAfter) : null;
    const code = status === 429 ? 'SPAR_RATE_LIMITED' : 'SPAR_UNAVAILABLE';
    const wait = retryAfterMs === null ? '' : ` (Retry-After ${retryAfterMs} ms)`;
    return new SparTransientError(
      code,
      `${describe(request)} responded HTTP ${status}${wait}; it will be retried`,
      {
        ...details,
        retryAfterMs,
      },
    );
  }

  if (status === 401 || status === 403) {
    return new SparPermanentError(
      'SPAR_UNAUTHORIZED',
      `${describe(request)} responded HTTP ${status}: the API key was rejected; check SPAR_API_KEY and SPAR_BASE_URL`,
      details,
    );
  }
  if (status === 400 || status === 422) {
    // NOTE: SPAR's error body is left out because it may echo customer data; reproduce with the mock to see it.
    return new SparPermanentError(
      'SPAR_PAYLOAD_REJECTED',
      `${describe(request)} responded HTTP ${status}: SPAR rejected the payload; check the mapping in src/spar/sparPayload.ts`,
      details,
    );
  }
  if (status === 404) {
    const what =
      request.operation === 'cancel'
        ? 'SPAR has no such job'
        : 'the endpoint was not found; check SPAR_BASE_URL';
    return new SparPermanentError(
      'SPAR_NOT_FOUND',
      `${describe(request)} responded HTTP 404: ${what}`,
      details,
    );
  }
  return new SparPermanentError(
    'SPAR_UNEXPECTED_STATUS',
    `${describe(request)} responded with unexpected HTTP ${status}; check SPAR_BASE_URL`,
    details,
  );
}

function describe(request: SparRequestInfo): string {
  return `SPAR ${request.operation} (${request.method} ${request.path})`;
}

function formatError(error: SparBridgeError): string {
  return `${error.code}: ${error.message}`;
}

function transportErrorCode(error: unknown): string | undefined {
  if (isAxiosError(error) && typeof error.code === 'string') return error.code;
  if (isRecord(error) && typeof error.code === 'string') return error.code;
  return undefined;
}

function readJobId(data: unknown): string | null {
  if (!isRecord(data)) return null;
  return typeof data.id === 'string' && data.id !== '' ? data.id : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
