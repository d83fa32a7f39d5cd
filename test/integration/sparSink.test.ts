import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrderState, SparCancelAction, SparCreateAction } from '../../src/decision/types.js';
import { createLogger, type Logger } from '../../src/log/logger.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import type { ActionSink } from '../../src/outbox/sink.js';
import { CircuitBreaker, type CircuitOpenEvent } from '../../src/spar/circuitBreaker.js';
import { startMockSpar, type MockSpar } from '../../src/spar/mockSparServer.js';
import { createSparSink } from '../../src/spar/createSparSink.js';
import { RecordingSparSink } from '../../src/spar/recordingSparSink.js';
import { createSparClient } from '../../src/spar/sparClient.js';
import { buildSparCreateBody } from '../../src/spar/sparPayload.js';
import { SparSink } from '../../src/spar/sparSink.js';
import { createStore } from '../../src/store/createStore.js';
import type { OutboxRow, Store } from '../../src/store/types.js';
import { order, products, testCustomer, testShop } from '../support/orders.js';

const apiKey = 'spar-sink-key-4d8e2a6b0c';
const clientTimeoutMs = 300;
const coolDownMs = 60_000;
const hourMs = 60 * 60 * 1000;

/** Email sink for the dispatcher's alerts; delivery itself is not under test here. */
const emailSink: ActionSink = { deliver: () => Promise.resolve({ status: 'done' }) };

let mock: MockSpar;
let store: Store;
let logLines: string[];
let logger: Logger;
let clock: { nowMs: number };
let opened: CircuitOpenEvent[];
let closedCount: number;
let dispatcher: Dispatcher;

function orderId(n: number): string {
  return String(5_550_001_000 + n);
}

function storedState(n: number): OrderState {
  const id = 5_550_001_000 + n;
  return {
    shop: testShop,
    orderId: orderId(n),
    order: order({
      id,
      name: `#${1000 + n}`,
      lineItems: [{ id: 11, sku: products.desk.sku, title: products.desk.title }],
    }),
    fulfillments: {},
    cancelled: null,
    sparPosted: true,
    sparCancelled: false,
    emailsSent: [],
  };
}

function createAction(n: number): SparCreateAction {
  return {
    type: 'spar.create',
    orderId: orderId(n),
    items: [
      {
        sku: 'DESK-72-ASM',
        description: products.desk.title,
        quantity: 1,
        assemblyPrice: '149.00',
      },
    ],
    fulfilledAt: '2026-12-01T15:04:05Z',
    tracking: [{ company: 'UPS', number: `1Z999AA1012345678${n}` }],
  };
}

function cancelAction(n: number): SparCancelAction {
  return {
    type: 'spar.cancel',
    orderId: orderId(n),
    reason: 'customer',
    cancelledAt: '2026-12-02T09:00:00Z',
  };
}

async function queue(n: number, action: SparCreateAction | SparCancelAction): Promise<void> {
  await store.recordEvent(
    {
      webhookId: `webhook-${action.type}-${n}`,
      messageId: null,
      topic: action.type === 'spar.create' ? 'orders/fulfilled' : 'orders/cancelled',
      shop: testShop,
      orderId: orderId(n),
      body: '{}',
      deliveryAttempt: 1,
      receivedAt: new Date(),
    },
    () => ({ outcome: 'applied', explanation: 'test', state: storedState(n), actions: [action] }),
  );
}

function sparSink(key = apiKey, failureThreshold = 3): SparSink {
  const client = createSparClient({
    baseUrl: mock.url,
    apiKey: key,
    timeoutMs: clientTimeoutMs,
    logger,
  });
  const breaker = new CircuitBreaker({ failureThreshold, coolDownMs, clock: () => clock.nowMs });
  breaker.on('open', (event) => opened.push(event));
  breaker.on('close', () => {
    closedCount += 1;
  });
  return new SparSink({ client, breaker, logger });
}

function useSink(sink: ActionSink): void {
  dispatcher = new Dispatcher({
    store,
    sinks: { spar: sink, email: emailSink },
    logger,
    backoff: { baseDelayMs: 1000, maxDelayMs: 1000 },
    // One order at a time, so the number of SPAR requests before the breaker opens is exact.
    orderConcurrency: 1,
    alertAfterMs: 365 * 24 * hourMs,
    clock: () => new Date(clock.nowMs),
  });
}

/** Advances the clock past every retry delay and runs one dispatcher step. */
async function step(advanceMs = hourMs): Promise<void> {
  clock.nowMs += advanceMs;
  await dispatcher.step();
}

async function sparRow(
  n: number,
  type: 'spar.create' | 'spar.cancel' = 'spar.create',
): Promise<OutboxRow> {
  const row = await store.findAction(testShop, orderId(n), type);
  if (row === undefined) throw new Error(`no ${type} row for order ${n}`);
  return row;
}

function requestsTo(route: 'create' | 'lookup' | 'cancel') {
  return mock.requests.filter((request) => request.route === route);
}

beforeEach(async () => {
  logLines = [];
  logger = createLogger({
    level: 'trace',
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString('utf8'));
        callback();
      },
    }),
  });
  clock = { nowMs: Date.now() };
  opened = [];
  closedCount = 0;
  mock = await startMockSpar({ apiKey });
  store = await createStore({ databaseUrl: 'sqlite::memory:', logger });
  await store.migrate();
  useSink(sparSink());
});

afterEach(async () => {
  await mock.close();
  await store.close();
});

describe('SparSink create', () => {
  it('posts one job and stores its id', async () => {
    await queue(1, createAction(1));

    await step();

    const row = await sparRow(1);
    expect(row.status).toBe('done');
    expect(row.result).toEqual({ sparJobId: mock.jobs.get('gid://shopify/Order/5550001001')?.id });
    expect(requestsTo('create')).toHaveLength(1);
    expect(requestsTo('lookup')).toHaveLength(0);
  });

  it('posts the mapped payload', async () => {
    await queue(1, createAction(1));

    await step();

    expect(requestsTo('create')[0]?.body).toEqual(
      buildSparCreateBody(testShop, storedState(1), createAction(1)),
    );
    expect(requestsTo('create')[0]?.headers['idempotency-key']).toBe(
      `${testShop}:${orderId(1)}:create`,
    );
  });

  it('retries 503s with the same key', async () => {
    mock.inject('create', { type: 'status', status: 503 }, 2);
    await queue(1, createAction(1));

    await step();
    expect((await sparRow(1)).status).toBe('pending');
    await step();
    await step();

    expect((await sparRow(1)).status).toBe('done');
    const keys = requestsTo('create').map((request) => request.headers['idempotency-key']);
    expect(keys).toEqual(Array(3).fill(`${testShop}:${orderId(1)}:create`));
    expect(mock.jobs.size).toBe(1);
  });

  it('settles a late create by lookup', async () => {
    mock.inject('create', { type: 'late', delayMs: 5 * clientTimeoutMs });
    await queue(1, createAction(1));

    await step();
    const inDoubt = await sparRow(1);
    await step();

    expect(inDoubt.status).toBe('in_doubt');
    expect(inDoubt.lastError).toMatch(/^SPAR_CREATE_IN_DOUBT/);
    const row = await sparRow(1);
    expect(row.status).toBe('done');
    expect(row.result).toEqual({
      sparJobId: mock.jobs.get('gid://shopify/Order/5550001001')?.id,
      settledBy: 'lookup',
    });
    expect(requestsTo('create')).toHaveLength(1);
    expect(requestsTo('lookup')).toHaveLength(1);
  });

  it('posts again when lookup finds nothing', async () => {
    mock.inject('create', { type: 'hang' });
    await queue(1, createAction(1));

    await step();
    await step();

    expect((await sparRow(1)).status).toBe('done');
    const creates = requestsTo('create');
    expect(creates).toHaveLength(2);
    expect(creates[1]?.headers['idempotency-key']).toBe(creates[0]?.headers['idempotency-key']);
    expect(requestsTo('lookup')).toHaveLength(1);
    expect(mock.jobs.size).toBe(1);
  });

  it('settles an action left in flight', async () => {
    await queue(1, createAction(1));
    // A process claimed the row, posted the job and died before it stored the result.
    const [claimed] = await store.claimDueActions(new Date(clock.nowMs + hourMs), 10);
    const deadProcessClient = createSparClient({
      baseUrl: mock.url,
      apiKey,
      timeoutMs: 2000,
      logger,
    });
    const posted = await deadProcessClient.createJob(
      buildSparCreateBody(testShop, storedState(1), createAction(1)),
      `${testShop}:${orderId(1)}:create`,
    );

    await store.recoverInFlight(new Date(clock.nowMs + hourMs));
    expect((await sparRow(1)).status).toBe('in_doubt');
    await step();

    expect(claimed?.id).toBe((await sparRow(1)).id);
    expect(await sparRow(1)).toMatchObject({
      status: 'done',
      result: { sparJobId: posted.jobId, settledBy: 'lookup' },
    });
    expect(requestsTo('create')).toHaveLength(1);
  });

  it('fails a 422 and alerts once', async () => {
    mock.inject('create', { type: 'status', status: 422 });
    await queue(1, createAction(1));

    await step();
    await step();

    const row = await sparRow(1);
    expect(row.status).toBe('failed');
    expect(row.lastError).toMatch(/^SPAR_PAYLOAD_REJECTED/);
    expect(requestsTo('create')).toHaveLength(1);
    const alerts = (await store.listActions()).filter(
      (action) => action.action.type === 'email' && action.action.kind === 'error',
    );
    expect(alerts).toHaveLength(1);
  });

  it('fails a rejected key without retry', async () => {
    useSink(sparSink('wrong-key'));
    await queue(1, createAction(1));

    await step();
    await step();

    const row = await sparRow(1);
    expect(row.status).toBe('failed');
    expect(row.lastError).toMatch(/^SPAR_UNAUTHORIZED/);
    expect(mock.requests).toHaveLength(1);
  });

  it('waits as Retry-After asks', async () => {
    mock.inject('create', { type: 'status', status: 429, retryAfterSeconds: 120 });
    await queue(1, createAction(1));

    await step();

    const row = await sparRow(1);
    expect(row.status).toBe('pending');
    expect(row.nextAttemptAt.getTime()).toBe(clock.nowMs + 120_000);
  });

  it('fails without an order body', async () => {
    await store.recordEvent(
      {
        webhookId: 'webhook-no-body',
        messageId: null,
        topic: 'fulfillments/create',
        shop: testShop,
        orderId: orderId(1),
        body: '{}',
        deliveryAttempt: 1,
        receivedAt: new Date(),
      },
      () => ({
        outcome: 'applied',
        explanation: 'test',
        state: { ...storedState(1), order: null },
        actions: [createAction(1)],
      }),
    );

    await step();

    expect((await sparRow(1)).status).toBe('failed');
    expect(mock.requests).toHaveLength(0);
  });
});

describe('SparSink cancel', () => {
  it('cancels a posted job', async () => {
    await queue(1, createAction(1));
    await step();
    await queue(1, cancelAction(1));

    await step();

    const job = mock.jobs.get('gid://shopify/Order/5550001001');
    expect(await sparRow(1, 'spar.cancel')).toMatchObject({
      status: 'done',
      result: { sparJobId: job?.id, cancelled: true },
    });
    expect(job?.status).toBe('cancelled');
    const [request] = requestsTo('cancel');
    expect(request?.path).toBe(`/assembly-orders/${job?.id ?? ''}/cancellation`);
    expect(request?.headers['idempotency-key']).toBe(`${testShop}:${orderId(1)}:cancel`);
    expect(request?.body).toEqual({
      reason: 'customer',
      note: 'Shopify #1001 was cancelled (reason: customer).',
      cancelledAt: '2026-12-02T09:00:00Z',
    });
  });

  it('treats 409 as done', async () => {
    await queue(1, createAction(1));
    await step();
    const job = mock.jobs.get('gid://shopify/Order/5550001001');
    if (job !== undefined) job.status = 'cancelled';
    await queue(1, cancelAction(1));

    await step();

    expect(await sparRow(1, 'spar.cancel')).toMatchObject({
      status: 'done',
      result: { sparJobId: job?.id, cancelled: true, alreadyCancelled: true },
    });
  });

  it('waits for the job id', async () => {
    mock.inject('create', { type: 'status', status: 503 });
    await queue(1, createAction(1));
    await queue(1, cancelAction(1));

    await step();
    const waiting = await sparRow(1, 'spar.cancel');
    await step();

    expect(waiting.status).toBe('pending');
    expect(waiting.lastError).toMatch(/waiting for the SPAR create/);
    expect((await sparRow(1, 'spar.cancel')).status).toBe('done');
    expect(requestsTo('cancel')).toHaveLength(1);
  });

  it('skips a job that was only recorded', async () => {
    useSink(new RecordingSparSink());
    await queue(1, createAction(1));
    await step();
    useSink(sparSink());
    await queue(1, cancelAction(1));

    await step();

    expect((await sparRow(1, 'spar.cancel')).status).toBe('done');
    expect(mock.requests).toHaveLength(0);
  });
});

describe('SparSink circuit breaker', () => {
  it('opens, pauses calls and recovers with a probe', async () => {
    mock.inject('create', { type: 'status', status: 503 }, 3);
    for (const n of [1, 2, 3, 4]) await queue(n, createAction(n));

    await step();

    expect(opened).toHaveLength(1);
    expect(requestsTo('create')).toHaveLength(3);
    const paused = await sparRow(4);
    expect(paused.status).toBe('pending');
    expect(paused.lastError).toMatch(/^SPAR_CIRCUIT_OPEN/);
    expect(paused.nextAttemptAt.getTime()).toBe(clock.nowMs + coolDownMs);

    await step(coolDownMs);

    expect(closedCount).toBe(1);
    for (const n of [1, 2, 3, 4]) expect((await sparRow(n)).status).toBe('done');
    expect(mock.jobs.size).toBe(4);
    expect(opened).toHaveLength(1);
  });

  it('reopens when the probe fails', async () => {
    mock.inject('create', { type: 'status', status: 503 }, 3);
    mock.inject('lookup', { type: 'status', status: 503 });
    for (const n of [1, 2, 3]) await queue(n, createAction(n));
    await step();
    const callsWhileOpen = mock.requests.length;

    await step(coolDownMs);

    expect(mock.requests).toHaveLength(callsWhileOpen + 1);
    expect(opened).toHaveLength(1);
    expect(closedCount).toBe(0);
  });
});

describe('SparSink secrets', () => {
  it('keeps key and customer out of logs and alerts', async () => {
    useSink(sparSink(`${apiKey}-rotated`));
    mock.inject('create', { type: 'hang' });
    await queue(1, createAction(1));
    await queue(2, createAction(2));

    await step();
    await step();

    const stored = JSON.stringify(await store.listActions());
    const logs = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(0);
    expect(logs).not.toContain(apiKey);
    expect(stored).not.toContain(apiKey);
    for (const value of [testCustomer.email, testCustomer.phone, testCustomer.address1]) {
      expect(logs).not.toContain(value);
    }
  });
});

describe('RecordingSparSink', () => {
  it('records without calling SPAR', async () => {
    useSink(new RecordingSparSink());
    await queue(1, createAction(1));

    await step();

    expect(await sparRow(1)).toMatchObject({ status: 'done', result: { recorded: true } });
    expect(mock.requests).toHaveLength(0);
    expect(logLines.join('\n')).not.toContain(testCustomer.email);
  });
});

describe('createSparSink', () => {
  it('records without a base URL', () => {
    const sink = createSparSink({
      spar: { baseUrl: undefined, apiKey: undefined, timeoutMs: 1000 },
      logger,
    });

    expect(sink).toBeInstanceOf(RecordingSparSink);
  });

  it('calls onBreakerOpen once', async () => {
    const events: CircuitOpenEvent[] = [];
    useSink(
      createSparSink({
        spar: { baseUrl: mock.url, apiKey, timeoutMs: clientTimeoutMs },
        logger,
        breaker: { failureThreshold: 2, coolDownMs },
        onBreakerOpen: (event) => {
          events.push(event);
          throw new Error('alert queue unavailable');
        },
      }),
    );
    mock.inject('create', { type: 'status', status: 503 }, 3);
    for (const n of [1, 2, 3]) await queue(n, createAction(n));

    await step();

    expect(events).toHaveLength(1);
    expect(events[0]?.lastError).toMatch(/^SPAR_UNAVAILABLE/);
    expect((await sparRow(2)).lastError).toMatch(/^SPAR_UNAVAILABLE/);
    expect((await sparRow(3)).lastError).toMatch(/^SPAR_CIRCUIT_OPEN/);
  });
});
