import { Writable } from 'node:stream';
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { startMockSpar, type MockSpar } from '../../src/spar/mockSparServer.js';
import { createSparClient, type SparClient } from '../../src/spar/sparClient.js';
import {
  SparError,
  SparInDoubtError,
  SparPermanentError,
  SparTransientError,
} from '../../src/spar/sparErrors.js';
import { buildSparCreateBody, type SparCreateBody } from '../../src/spar/sparPayload.js';
import { order, products, testShop } from '../support/orders.js';

const apiKey = 'spar-test-key-7f3a9c1e5b';
const createKey = `${testShop}:5550001001:create`;
const cancelKey = `${testShop}:5550001001:cancel`;
const cancelBody = {
  reason: 'customer',
  note: 'Shopify #1001 was cancelled.',
  cancelledAt: '2026-12-02T09:00:00Z',
};

const body: SparCreateBody = buildSparCreateBody(
  testShop,
  { order: order({ lineItems: [{ id: 11, sku: products.desk.sku, title: products.desk.title }] }) },
  {
    type: 'spar.create',
    orderId: '5550001001',
    items: [
      {
        sku: 'DESK-72-ASM',
        description: products.desk.title,
        quantity: 1,
        assemblyPrice: '149.00',
      },
    ],
    fulfilledAt: '2026-12-01T15:04:05Z',
    tracking: [{ company: 'UPS', number: '1Z999AA10123456784' }],
  },
);

let mock: MockSpar;
let client: SparClient;
let logLines: string[];

function clientFor(options: { url?: string; key?: string; timeoutMs?: number } = {}): SparClient {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return createSparClient({
    baseUrl: options.url ?? mock.url,
    apiKey: options.key ?? apiKey,
    timeoutMs: options.timeoutMs ?? 2000,
    logger: createLogger({ level: 'trace', destination }),
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<SparError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SparError) return error;
    throw error;
  }
  throw new Error('expected the SPAR call to fail');
}

beforeEach(async () => {
  logLines = [];
  mock = await startMockSpar({ apiKey });
  client = clientFor();
});

afterEach(async () => {
  await mock.close();
});

describe('SparClient createJob', () => {
  it('sends contract headers', async () => {
    await client.createJob(body, createKey);

    const [request] = mock.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/assembly-orders');
    expect(request?.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(request?.headers['idempotency-key']).toBe(createKey);
  });

  it('sends every contract field', async () => {
    await client.createJob(body, createKey);

    expect(mock.requests[0]?.body).toEqual({
      externalId: 'gid://shopify/Order/5550001001',
      orderNumber: '#1001',
      shop: testShop,
      customer: {
        name: 'Dana Whitfield',
        email: 'dana.whitfield@example.com',
        phone: '+1 617-555-0142',
      },
      address: {
        line1: '41 Linden Street',
        line2: 'Apt 3',
        city: 'Boston',
        state: 'MA',
        zip: '02134',
        country: 'US',
      },
      items: [
        {
          sku: 'DESK-72-ASM',
          description: products.desk.title,
          quantity: 1,
          assemblyPrice: '149.00',
        },
      ],
      fulfilledAt: '2026-12-01T15:04:05Z',
      tracking: [{ company: 'UPS', number: '1Z999AA10123456784' }],
    });
  });

  it('returns the created job id', async () => {
    const created = await client.createJob(body, createKey);

    expect(created.existed).toBe(false);
    expect(mock.jobs.get(body.externalId)?.id).toBe(created.jobId);
  });

  it('treats 409 as existing job', async () => {
    const first = await client.createJob(body, createKey);

    const second = await client.createJob(body, 'another-key');

    expect(second).toEqual({ jobId: first.jobId, existed: true });
    expect(mock.jobs.size).toBe(1);
  });

  it('replays a repeated idempotency key', async () => {
    const first = await client.createJob(body, createKey);

    const second = await client.createJob(body, createKey);

    expect(second).toEqual(first);
    expect(mock.jobs.size).toBe(1);
  });

  it('reports 503 as transient', async () => {
    mock.inject('create', { type: 'status', status: 503 });

    const error = await rejectionOf(client.createJob(body, createKey));

    expect(error).toBeInstanceOf(SparTransientError);
    expect(error).toMatchObject({ code: 'SPAR_UNAVAILABLE', status: 503 });
  });

  it('reads Retry-After of a 429', async () => {
    mock.inject('create', { type: 'status', status: 429, retryAfterSeconds: 3 });

    const error = await rejectionOf(client.createJob(body, createKey));

    expect(error).toMatchObject({ code: 'SPAR_RATE_LIMITED', status: 429, retryAfterMs: 3000 });
  });

  it('reports a wrong key as permanent', async () => {
    const error = await rejectionOf(clientFor({ key: 'wrong-key' }).createJob(body, createKey));

    expect(error).toBeInstanceOf(SparPermanentError);
    expect(error).toMatchObject({ code: 'SPAR_UNAUTHORIZED', status: 401 });
  });

  it('reports an invalid payload as permanent', async () => {
    const error = await rejectionOf(client.createJob({ ...body, items: [] }, createKey));

    expect(error).toMatchObject({ code: 'SPAR_PAYLOAD_REJECTED', status: 422, retriable: false });
  });

  it('leaves a silent server in doubt', async () => {
    mock.inject('create', { type: 'hang' });
    const startedAt = performance.now();

    const error = await rejectionOf(clientFor({ timeoutMs: 300 }).createJob(body, createKey));

    expect(error).toBeInstanceOf(SparInDoubtError);
    expect(error.message).toContain('timed out after 300 ms');
    expect(performance.now() - startedAt).toBeLessThan(2000);
  });

  it('leaves a late answer in doubt', async () => {
    mock.inject('create', { type: 'late', delayMs: 2000 });

    const error = await rejectionOf(clientFor({ timeoutMs: 300 }).createJob(body, createKey));

    expect(error).toBeInstanceOf(SparInDoubtError);
    expect(mock.jobs.has(body.externalId)).toBe(true);
  });

  it('leaves a reset connection in doubt', async () => {
    mock.inject('create', { type: 'reset' });

    const error = await rejectionOf(client.createJob(body, createKey));

    expect(error).toBeInstanceOf(SparInDoubtError);
  });

  it('reports a refused connection as transient', async () => {
    const closedUrl = await urlOfClosedPort();

    const error = await rejectionOf(clientFor({ url: closedUrl }).createJob(body, createKey));

    expect(error).toBeInstanceOf(SparTransientError);
    expect(error).not.toBeInstanceOf(SparInDoubtError);
    expect(error.code).toBe('SPAR_CONNECTION_FAILED');
  });

  it('bounds a server that trickles bytes', async () => {
    const trickling = await startTricklingServer();
    const startedAt = performance.now();

    const error = await rejectionOf(
      clientFor({ url: trickling.url, timeoutMs: 400 }).createJob(body, createKey),
    );

    expect(error).toBeInstanceOf(SparInDoubtError);
    expect(performance.now() - startedAt).toBeLessThan(3000);
    await trickling.close();
  });
});

describe('SparClient findJobByExternalId', () => {
  it('encodes the externalId', async () => {
    await client.findJobByExternalId(body.externalId);

    expect(mock.requests[0]?.method).toBe('GET');
    expect(mock.requests[0]?.path).toBe(
      '/assembly-orders?externalId=gid%3A%2F%2Fshopify%2FOrder%2F5550001001',
    );
    expect(mock.requests[0]?.headers.authorization).toBe(`Bearer ${apiKey}`);
  });

  it('returns null for an unknown job', async () => {
    expect(await client.findJobByExternalId(body.externalId)).toBeNull();
  });

  it('returns a stored job', async () => {
    const created = await client.createJob(body, createKey);

    const job = await client.findJobByExternalId(body.externalId);

    expect(job).toEqual({ id: created.jobId, externalId: body.externalId, status: 'received' });
  });

  it('reports a lookup timeout as transient', async () => {
    mock.inject('lookup', { type: 'hang' });

    const error = await rejectionOf(
      clientFor({ timeoutMs: 300 }).findJobByExternalId(body.externalId),
    );

    expect(error).toBeInstanceOf(SparTransientError);
    expect(error.code).toBe('SPAR_TIMEOUT');
  });
});

describe('SparClient cancelJob', () => {
  it('posts the cancellation', async () => {
    const { jobId } = await client.createJob(body, createKey);

    const cancelled = await client.cancelJob(jobId, cancelBody, cancelKey);

    expect(cancelled).toEqual({ jobId, alreadyCancelled: false });
    const request = mock.requests.at(-1);
    expect(request?.path).toBe(`/assembly-orders/${jobId}/cancellation`);
    expect(request?.headers['idempotency-key']).toBe(cancelKey);
    expect(request?.body).toEqual(cancelBody);
    expect(mock.jobs.get(body.externalId)?.status).toBe('cancelled');
  });

  it('treats 409 as already cancelled', async () => {
    const { jobId } = await client.createJob(body, createKey);
    await client.cancelJob(jobId, cancelBody, cancelKey);

    const again = await client.cancelJob(jobId, cancelBody, 'another-key');

    expect(again).toEqual({ jobId, alreadyCancelled: true });
  });

  it('reports an unknown job as permanent', async () => {
    const error = await rejectionOf(client.cancelJob('SPR-404', cancelBody, cancelKey));

    expect(error).toBeInstanceOf(SparPermanentError);
    expect(error).toMatchObject({ code: 'SPAR_NOT_FOUND', status: 404 });
  });
});

describe('SparClient secrets', () => {
  it('keeps the key out of errors and logs', async () => {
    mock.inject('create', { type: 'status', status: 503 });
    mock.inject('lookup', { type: 'hang' });
    const errors = [
      await rejectionOf(clientFor({ timeoutMs: 300 }).createJob(body, createKey)),
      await rejectionOf(clientFor({ timeoutMs: 300 }).findJobByExternalId(body.externalId)),
      await rejectionOf(clientFor({ url: await urlOfClosedPort() }).createJob(body, createKey)),
      await rejectionOf(
        clientFor({ key: `${apiKey}-old` }).cancelJob('SPR-1', cancelBody, cancelKey),
      ),
    ];
    const logger = createLogger({
      level: 'trace',
      destination: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          logLines.push(chunk.toString('utf8'));
          callback();
        },
      }),
    });
    for (const error of errors) logger.error({ err: error }, 'spar call failed');

    expect(logLines.length).toBeGreaterThan(errors.length);
    for (const error of errors) {
      expect(error.message).not.toContain(apiKey);
      expect(JSON.stringify(error)).not.toContain(apiKey);
      expect(inspect(error, { depth: 10 })).not.toContain(apiKey);
    }
    expect(logLines.join('\n')).not.toContain(apiKey);
  });
});

async function urlOfClosedPort(): Promise<string> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return `http://127.0.0.1:${port}`;
}

/** Starts a server that sends headers at once, then one byte every 100 ms, and never finishes. */
async function startTricklingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((request, response) => {
    request.resume();
    response.writeHead(201, { 'Content-Type': 'application/json' });
    response.write('{');
    const timer = setInterval(() => response.write(' '), 100);
    timers.add(timer);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const timer of timers) clearInterval(timer);
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
