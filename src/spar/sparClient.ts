import axios, { type AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import type { SparError, SparOperation, SparRequestInfo } from './sparErrors.js';
import {
  classifyCancelResponse,
  classifyCreateResponse,
  classifyLookupResponse,
  classifyTransportError,
  type SparCancelled,
  type SparCreated,
  type SparJob,
  type SparResponse,
} from './sparOutcome.js';
import type { SparCancelBody, SparCreateBody } from './sparPayload.js';

export interface SparClientOptions {
  /** `SPAR_BASE_URL`, without a trailing slash. */
  baseUrl: string;
  /** `SPAR_API_KEY`, sent as a bearer token and never logged. */
  apiKey: string;
  /** Limit for each whole call, from connecting to reading the response. */
  timeoutMs: number;
  logger: Logger;
}

/**
 * SPAR's REST API. Each method resolves with SPAR's response or rejects with a `SparError`
 * whose class tells the caller what to do next (see sparOutcome.ts). Rejections never carry the API key,
 * request headers or bodies.
 */
export interface SparClient {
  /** Posts an assembly job. A 409 (a job with this `externalId` exists) resolves with `existed: true`. */
  createJob(body: SparCreateBody, idempotencyKey: string): Promise<SparCreated>;
  /** Looks a job up by our `externalId`. Resolves with null when SPAR has none. */
  findJobByExternalId(externalId: string): Promise<SparJob | null>;
  /** Cancels a job. A 409 (cancelled already) resolves with `alreadyCancelled: true`. */
  cancelJob(jobId: string, body: SparCancelBody, idempotencyKey: string): Promise<SparCancelled>;
}

interface CallSpec {
  info: SparRequestInfo;
  url: string;
  body?: unknown;
  idempotencyKey?: string;
}

/** The requests the client makes, for errors raised without making one (an open circuit breaker). */
export const sparRequests = {
  create: { operation: 'create', method: 'POST', path: '/assembly-orders' },
  lookup: { operation: 'lookup', method: 'GET', path: '/assembly-orders' },
  cancel: (jobId: string): SparRequestInfo => ({
    operation: 'cancel',
    method: 'POST',
    path: `/assembly-orders/${encodeURIComponent(jobId)}/cancellation`,
  }),
} satisfies Record<SparOperation, SparRequestInfo | ((jobId: string) => SparRequestInfo)>;

/** Creates the axios-based SPAR client. */
export function createSparClient(options: SparClientOptions): SparClient {
  const http = axios.create({
    baseURL: options.baseUrl,
    timeout: options.timeoutMs,
    // Every status is a result for the outcome table, not an exception.
    validateStatus: () => true,
    // A redirect is a misconfigured base URL; following it could carry the key to another host.
    maxRedirects: 0,
    responseType: 'json',
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'User-Agent': 'spar-bridge',
    },
  });

  const send = (spec: CallSpec) => callSpar(http, options, spec);

  return {
    async createJob(body, idempotencyKey) {
      const info = sparRequests.create;
      const response = await send({ info, url: info.path, body, idempotencyKey });
      return settle(classifyCreateResponse(info, response));
    },

    async findJobByExternalId(externalId) {
      const info = sparRequests.lookup;
      // Encoded by hand: axios's params serializer leaves ':' unencoded, but the contract expects a URL-encoded value.
      const url = `${info.path}?externalId=${encodeURIComponent(externalId)}`;
      const response = await send({ info, url });
      const jobs = settle(classifyLookupResponse(info, response));
      const matching = jobs.filter((job) => job.externalId === externalId);
      // Prefer a live job: a cancelled one is still a job, but not the one to report as current.
      return matching.find((job) => job.status !== 'cancelled') ?? matching[0] ?? null;
    },

    async cancelJob(jobId, body, idempotencyKey) {
      const info = sparRequests.cancel(jobId);
      const response = await send({ info, url: info.path, body, idempotencyKey });
      return settle(classifyCancelResponse(info, jobId, response));
    },
  };
}

/**
 * Makes one HTTP call. axios's `timeout` resets whenever the socket is active, so an
 * `AbortSignal.timeout` bounds the whole call as well, covering a server that accepts the
 * connection and never responds or trickles bytes.
 */
async function callSpar(
  http: AxiosInstance,
  options: SparClientOptions,
  spec: CallSpec,
): Promise<SparResponse> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const headers: Record<string, string> = { Authorization: `Bearer ${options.apiKey}` };
  if (spec.idempotencyKey !== undefined) headers['Idempotency-Key'] = spec.idempotencyKey;

  const startedAt = performance.now();
  try {
    const response = await http.request({
      method: spec.info.method,
      url: spec.url,
      data: spec.body,
      headers,
      signal,
    });
    options.logger.debug(
      { ...spec.info, status: response.status, durationMs: elapsedMs(startedAt) },
      'spar call got a response',
    );
    const retryAfter: unknown = response.headers['retry-after'];
    return {
      status: response.status,
      retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
      data: response.data,
    };
  } catch (error) {
    // The axios error contains the request config and headers, the key among them. Only the
    // sanitised SparError leaves this function, and the original is dropped on purpose.
    const sparError = classifyTransportError(spec.info, error, {
      timedOut: signal.aborted,
      timeoutMs: options.timeoutMs,
    });
    options.logger.debug(
      { ...spec.info, code: sparError.code, durationMs: elapsedMs(startedAt) },
      'spar call got no response',
    );
    throw sparError;
  }
}

function settle<T>(outcome: T | SparError): T {
  if (outcome instanceof Error) throw outcome;
  return outcome;
}

function elapsedMs(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}
