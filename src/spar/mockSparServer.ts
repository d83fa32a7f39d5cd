import { EventEmitter, once } from 'node:events';
import http, {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

/**
 * A SPAR stand-in that implements the assembly API contract on 127.0.0.1, with failure
 * injection for tests and local runs. Jobs live in memory only.
 */

export type MockSparRoute = 'create' | 'lookup' | 'cancel';

export type MockSparFault =
  /** Responds with `status` without handling the request, so a create is not stored. */
  | { type: 'status'; status: number; retryAfterSeconds?: number; body?: unknown }
  /** Handles the request (a create is stored) and responds only after `delayMs`. */
  | { type: 'late'; delayMs: number }
  /** Reads the request and never responds. */
  | { type: 'hang' }
  /** Handles the request (a create is stored), then closes the connection without a response. */
  | { type: 'reset' };

export interface MockSparOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string;
  logger?: Logger;
}

export interface RecordedSparRequest {
  route: MockSparRoute | null;
  method: string;
  /** Path and query string, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it was not JSON; null when empty. */
  body: unknown;
}

export interface MockSparJob {
  id: string;
  externalId: string;
  status: 'received' | 'cancelled';
  body: Record<string, unknown>;
  cancellation: Record<string, unknown> | null;
}

export interface MockSpar {
  /** Base URL without a trailing slash, such as `http://127.0.0.1:4010`. */
  url: string;
  /** Every request received, in arrival order, faulted ones included. */
  requests: RecordedSparRequest[];
  /** Stored jobs by `externalId`. */
  jobs: Map<string, MockSparJob>;
  /** Queues `fault` for the next `times` requests to `route`. */
  inject(route: MockSparRoute, fault: MockSparFault, times?: number): void;
  /** Resolves once at least `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>;
  /** Stops listening and drops open connections, hanging ones included. */
  close(): Promise<void>;
}

interface StoredAnswer {
  status: number;
  body: unknown;
}

/** Starts the mock on 127.0.0.1 and resolves once it listens. */
export async function startMockSpar(options: MockSparOptions = {}): Promise<MockSpar> {
  const requests: RecordedSparRequest[] = [];
  const jobs = new Map<string, MockSparJob>();
  const faults = new Map<MockSparRoute, MockSparFault[]>();
  const answersByKey = new Map<string, StoredAnswer>();
  const timers = new Set<NodeJS.Timeout>();
  const events = new EventEmitter();
  let nextJobNumber = 1001;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const rawBody = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = routeOf(request.method ?? '', url.pathname);
    requests.push({
      route,
      method: request.method ?? '',
      path: url.pathname + url.search,
      headers: request.headers,
      body: parseBody(rawBody),
    });
    events.emit('request');

    const fault = route === null ? undefined : faults.get(route)?.shift();
    if (fault?.type === 'status') {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined)
        headers['Retry-After'] = String(fault.retryAfterSeconds);
      send(
        response,
        fault.status,
        fault.body ?? { error: `injected HTTP ${fault.status}` },
        headers,
      );
      return;
    }
    if (fault?.type === 'hang') return;

    const answer = answerRequest(request, url, route, rawBody);
    options.logger?.info(
      { method: request.method, path: url.pathname, status: answer.status, fault: fault?.type },
      'mock spar request',
    );

    if (fault?.type === 'reset') {
      request.socket.destroy();
      return;
    }
    if (fault?.type === 'late') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!response.destroyed) send(response, answer.status, answer.body);
      }, fault.delayMs);
      timers.add(timer);
      return;
    }
    send(response, answer.status, answer.body);
  };

  const answerRequest = (
    request: IncomingMessage,
    url: URL,
    route: MockSparRoute | null,
    rawBody: string,
  ): StoredAnswer => {
    if (route === null) return { status: 404, body: { error: 'no such route' } };
    if (!isAuthorized(request.headers.authorization, options.apiKey))
      return { status: 401, body: { error: 'invalid API key' } };
    if (route === 'lookup') return lookup(url.searchParams.get('externalId'));

    const key = request.headers['idempotency-key'];
    const idempotencyKey = typeof key === 'string' && key !== '' ? key : null;
    const replayed = idempotencyKey === null ? undefined : answersByKey.get(idempotencyKey);
    if (replayed !== undefined) return replayed;

    const body = parseBody(rawBody);
    const answer = route === 'create' ? create(request, body) : cancel(url.pathname, request, body);
    // Only settled answers are replayed; an invalid request may be corrected and sent again.
    if (idempotencyKey !== null && answer.status < 400) answersByKey.set(idempotencyKey, answer);
    return answer;
  };

  const lookup = (externalId: string | null): StoredAnswer => {
    if (externalId === null || externalId === '')
      return { status: 400, body: { error: 'externalId is required' } };
    const job = jobs.get(externalId);
    const items =
      job === undefined ? [] : [{ id: job.id, externalId: job.externalId, status: job.status }];
    return { status: 200, body: { items } };
  };

  const create = (request: IncomingMessage, body: unknown): StoredAnswer => {
    if (!isJson(request))
      return { status: 400, body: { error: 'Content-Type must be application/json' } };
    const problems = createBodyProblems(body);
    if (problems.length > 0 || !isRecord(body))
      return { status: 422, body: { error: 'invalid payload', fields: problems } };

    const externalId = body.externalId as string;
    const existing = jobs.get(externalId);
    if (existing !== undefined) return { status: 409, body: { id: existing.id } };

    const job: MockSparJob = {
      id: `SPR-${nextJobNumber++}`,
      externalId,
      status: 'received',
      body,
      cancellation: null,
    };
    jobs.set(externalId, job);
    return { status: 201, body: { id: job.id, status: job.status } };
  };

  const cancel = (pathname: string, request: IncomingMessage, body: unknown): StoredAnswer => {
    if (!isJson(request))
      return { status: 400, body: { error: 'Content-Type must be application/json' } };
    const jobId = decodeURIComponent(pathname.split('/')[2] ?? '');
    const job = [...jobs.values()].find((candidate) => candidate.id === jobId);
    if (job === undefined) return { status: 404, body: { error: 'unknown job' } };
    if (job.status === 'cancelled')
      return { status: 409, body: { id: job.id, status: job.status } };

    const problems = cancelBodyProblems(body);
    if (problems.length > 0 || !isRecord(body))
      return { status: 422, body: { error: 'invalid payload', fields: problems } };

    job.status = 'cancelled';
    job.cancellation = body;
    return { status: 200, body: { id: job.id, status: job.status } };
  };

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.logger?.error({ err: error }, 'mock spar handler failed');
      if (!response.headersSent) send(response, 500, { error: 'mock failure' });
    });
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    jobs,
    inject(route, fault, times = 1) {
      const queue = faults.get(route) ?? [];
      for (let i = 0; i < times; i++) queue.push(fault);
      faults.set(route, queue);
    },
    async waitForRequests(count) {
      while (requests.length < count) await once(events, 'request');
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
      });
      server.closeAllConnections();
      await closed;
    },
  };
}

function routeOf(method: string, pathname: string): MockSparRoute | null {
  if (pathname === '/assembly-orders' && method === 'POST') return 'create';
  if (pathname === '/assembly-orders' && method === 'GET') return 'lookup';
  if (/^\/assembly-orders\/[^/]+\/cancellation$/.test(pathname) && method === 'POST')
    return 'cancel';
  return null;
}

function createBodyProblems(body: unknown): string[] {
  if (!isRecord(body)) return ['body'];
  const problems: string[] = [];
  for (const field of ['externalId', 'orderNumber', 'shop', 'fulfilledAt']) {
    if (typeof body[field] !== 'string' || body[field] === '') problems.push(field);
  }
  if (!isRecord(body.customer)) problems.push('customer');

  const address = body.address;
  if (!isRecord(address)) {
    problems.push('address');
  } else {
    if (typeof address.line1 !== 'string') problems.push('address.line1');
    if (typeof address.zip !== 'string' || !/^\d{5}$/.test(address.zip))
      problems.push('address.zip');
    if (typeof address.country !== 'string') problems.push('address.country');
  }

  const items = body.items;
  if (!Array.isArray(items) || items.length === 0) {
    problems.push('items');
  } else {
    items.forEach((item: unknown, index) => {
      const valid =
        isRecord(item) &&
        typeof item.sku === 'string' &&
        Number.isInteger(item.quantity) &&
        typeof item.assemblyPrice === 'string' &&
        /^\d+\.\d{2}$/.test(item.assemblyPrice);
      if (!valid) problems.push(`items[${index}]`);
    });
  }

  if (!Array.isArray(body.tracking)) problems.push('tracking');
  return problems;
}

function cancelBodyProblems(body: unknown): string[] {
  if (!isRecord(body)) return ['body'];
  return ['reason', 'cancelledAt'].filter(
    (field) => typeof body[field] !== 'string' || body[field] === '',
  );
}

function isAuthorized(header: string | undefined, apiKey: string | undefined): boolean {
  if (header === undefined || !header.startsWith('Bearer ') || header.length <= 'Bearer '.length)
    return false;
  return apiKey === undefined || header === `Bearer ${apiKey}`;
}

function isJson(request: IncomingMessage): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(raw: string): unknown {
  if (raw === '') return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
