import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openRuntime, type Runtime } from '../../src/app/runtime.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/log/logger.js';
import { createStore } from '../../src/store/createStore.js';
import { testDatabases, useTestDatabase } from '../support/db.js';
import { fulfillmentJson, orderJson, products, testShop } from '../support/orders.js';
import { deskOrder, fulfilledDeskOrder, pipelineMessage } from '../support/pipelineMessages.js';

const logger = createLogger({ level: 'silent', pretty: false });
// The dispatcher never starts in these tests, so nothing is written here.
const config = loadConfig({ MAIL_DIR: path.join(tmpdir(), 'spar-bridge-pipeline-test-mail') });

function withoutLineItems(body: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...body };
  delete copy.line_items;
  return copy;
}

function withFirstQuantity(
  body: Record<string, unknown>,
  quantity: unknown,
): Record<string, unknown> {
  const [first, ...rest] = body.line_items as Record<string, unknown>[];
  return { ...body, line_items: [{ ...first, quantity }, ...rest] };
}

describe.each(testDatabases())('pipeline on $name', (kind) => {
  const database = useTestDatabase(kind);

  async function open(): Promise<Runtime> {
    const runtime = await openRuntime(config, logger, { databaseUrl: database().url });
    onTestFinished(() => runtime.close());
    return runtime;
  }

  async function actionTypes(runtime: Runtime, orderId: string): Promise<string[]> {
    const rows = await runtime.store.listActions({ orderId });
    return rows.map((row) => (row.action.type === 'email' ? `email:${row.action.kind}` : row.type));
  }

  it('concurrent redelivery applies once', async () => {
    const runtime = await open();
    const webhookId = 'b5a0c9e2-0001-4c1d-9f00-000000000001';
    const body = orderJson(deskOrder(7_001_001));
    const deliveries = [1, 2, 3].map((attempt) =>
      pipelineMessage({ topic: 'orders/create', body, webhookId, messageId: `msg-${attempt}` }),
    );

    const results = await Promise.all(
      deliveries.map((message) => runtime.pipeline.process(message)),
    );

    const outcomes = results.map((result) => result.outcome).sort();
    expect(outcomes).toEqual(['applied', 'duplicate', 'duplicate']);
    const duplicates = results.filter((result) => result.outcome === 'duplicate');
    expect(duplicates.flatMap((result) => result.actions)).toEqual([]);
    expect(await actionTypes(runtime, '7001001')).toEqual(['email:order_received']);
    const events = await runtime.store.listEvents({ orderId: '7001001' });
    expect(events).toHaveLength(1);
    expect(events[0]?.outcome).toBe('applied');
  });

  it('redelivery across two runtimes applies once', async () => {
    const first = await open();
    const second = await open();
    const webhookId = 'b5a0c9e2-0002-4c1d-9f00-000000000002';
    const body = orderJson(fulfilledDeskOrder(7_001_002));
    const message = (messageId: string) =>
      pipelineMessage({ topic: 'orders/fulfilled', body, webhookId, messageId });

    const results = await Promise.all([
      first.pipeline.process(message('msg-a')),
      second.pipeline.process(message('msg-b')),
      first.pipeline.process(message('msg-c')),
    ]);

    const outcomes = results.map((result) => result.outcome).sort();
    expect(outcomes).toEqual(['applied', 'duplicate', 'duplicate']);
    const types = await actionTypes(second, '7001002');
    expect(types.filter((type) => type === 'spar.create')).toHaveLength(1);
    expect(types.filter((type) => type === 'email:spar_posted')).toHaveLength(1);
    expect(types.filter((type) => type === 'email:order_received')).toHaveLength(1);
    expect(await first.store.listEvents({ orderId: '7001002' })).toHaveLength(1);
  });

  it('concurrent fulfilments post once', async () => {
    const first = await open();
    const second = await open();
    const orderId = 7_001_011;
    const lineId = orderId * 10 + 1;
    await first.pipeline.process(
      pipelineMessage({ topic: 'orders/create', body: orderJson(deskOrder(orderId)) }),
    );
    const fulfilledOrder = pipelineMessage({
      topic: 'orders/fulfilled',
      body: orderJson(fulfilledDeskOrder(orderId)),
    });
    const fulfillment = pipelineMessage({
      topic: 'fulfillments/create',
      body: fulfillmentJson({
        id: orderId + 7,
        orderId,
        lines: [{ id: lineId, quantity: 1, sku: products.desk.sku }],
      }),
    });

    const results = await Promise.all([
      first.pipeline.process(fulfilledOrder),
      second.pipeline.process(fulfillment),
    ]);

    expect(results.map((result) => result.outcome)).toEqual(['applied', 'applied']);
    const types = await actionTypes(first, String(orderId));
    expect(types.filter((type) => type === 'spar.create')).toHaveLength(1);
    expect(types.filter((type) => type === 'email:spar_posted')).toHaveLength(1);
  });

  it('fulfilled before create posts once', async () => {
    const runtime = await open();
    const orderId = 7_001_003;

    const fulfilled = await runtime.pipeline.process(
      pipelineMessage({ topic: 'orders/fulfilled', body: orderJson(fulfilledDeskOrder(orderId)) }),
    );
    const created = await runtime.pipeline.process(
      pipelineMessage({ topic: 'orders/create', body: orderJson(deskOrder(orderId)) }),
    );

    expect(fulfilled.outcome).toBe('applied');
    expect(fulfilled.actions).toContainEqual({
      type: 'spar.create',
      orderId: String(orderId),
      items: [{ sku: products.desk.sku, quantity: 1, assemblyPrice: '149.00' }],
    });
    expect(created.outcome).toBe('stale');
    expect(created.actions).toEqual([]);
    const types = await actionTypes(runtime, String(orderId));
    expect(types.filter((type) => type === 'spar.create')).toHaveLength(1);
    expect(types.filter((type) => type === 'email:spar_posted')).toHaveLength(1);
    const state = await runtime.store.getOrderState(testShop, String(orderId));
    expect(state?.sparPosted).toBe(true);
    expect(state?.order?.updated_at).toBe(fulfilledDeskOrder(orderId).updatedAt);
  });

  it.each([
    {
      name: 'data that is not JSON',
      body: () => '{"id": 7001004, "line_items": [',
      reason: /not valid JSON/,
    },
    {
      name: 'a missing line_items',
      body: () => withoutLineItems(orderJson(deskOrder(7_001_005))),
      reason: /line_items/,
    },
    {
      name: 'a quantity of wrong type',
      body: () => withFirstQuantity(orderJson(deskOrder(7_001_006)), 'two'),
      reason: /line_items\[0\]\.quantity/,
    },
  ])('bad body rejects: $name', async ({ body, reason }) => {
    const runtime = await open();
    const bad = pipelineMessage({ topic: 'orders/create', body: body() });
    const next = pipelineMessage({ topic: 'orders/create', body: orderJson(deskOrder(7_001_007)) });

    const rejected = await runtime.pipeline.process(bad);
    const applied = await runtime.pipeline.process(next);

    expect(rejected.outcome).toBe('rejected');
    expect(rejected.explanation).toMatch(reason);
    expect(rejected.actions).toEqual([{ type: 'email', kind: 'error' }]);
    const stored = await runtime.store.getEvent(rejected.webhookId);
    expect(stored?.outcome).toBe('rejected');
    expect(stored?.explanation).toMatch(reason);
    const alerts = await runtime.store.listActions({ webhookId: rejected.webhookId });
    expect(alerts.map((row) => row.action.type === 'email' && row.action.kind)).toEqual(['error']);
    expect(applied.outcome).toBe('applied');
    expect(await actionTypes(runtime, '7001007')).toEqual(['email:order_received']);
  });

  it('unhandled topic is ignored', async () => {
    const runtime = await open();
    const message = pipelineMessage({
      topic: 'products/update',
      body: { id: 632_910_392, title: 'Brass Arc Floor Lamp' },
    });

    const result = await runtime.pipeline.process(message);

    expect(result.outcome).toBe('ignored');
    expect(result.actions).toEqual([]);
    expect(result.explanation).toContain('products/update');
    expect((await runtime.store.getEvent(result.webhookId))?.outcome).toBe('ignored');
    expect(await runtime.store.listActions({ webhookId: result.webhookId })).toEqual([]);
  });

  it('lower-case attribute names are read', async () => {
    const runtime = await open();
    const webhookId = 'b5a0c9e2-0008-4c1d-9f00-000000000008';
    const message = pipelineMessage({
      topic: 'orders/create',
      body: orderJson(deskOrder(7_001_008)),
      webhookId,
      lowerCaseNames: true,
    });

    const result = await runtime.pipeline.process(message);

    expect(message.attributes).toHaveProperty('x-shopify-webhook-id', webhookId);
    expect(result.outcome).toBe('applied');
    expect(result.topic).toBe('orders/create');
    expect(result.webhookId).toBe(webhookId);
    expect(result.shop).toBe(testShop);
    expect(await runtime.store.getOrderState(testShop, '7001008')).toBeDefined();
  });

  it('missing webhook id uses message id', async () => {
    const runtime = await open();
    const message = pipelineMessage({
      topic: 'orders/create',
      body: orderJson(deskOrder(7_001_009)),
      webhookId: null,
      messageId: '17012049777000001',
    });

    const first = await runtime.pipeline.process(message);
    const again = await runtime.pipeline.process({ ...message });

    expect(first.webhookId).toBe('pubsub:17012049777000001');
    expect(first.outcome).toBe('applied');
    expect(again.webhookId).toBe('pubsub:17012049777000001');
    expect(again.outcome).toBe('duplicate');
    expect(await actionTypes(runtime, '7001009')).toEqual(['email:order_received']);
  });

  it('store failure rejects and commits nothing', async () => {
    const runtime = await open();
    const message = pipelineMessage({
      topic: 'orders/fulfilled',
      body: orderJson(fulfilledDeskOrder(7_001_010)),
    });
    const webhookId = message.attributes['X-Shopify-Webhook-Id'] ?? '';
    await runtime.store.close();

    await expect(runtime.pipeline.process(message)).rejects.toThrow();

    const store = await createStore({ databaseUrl: database().url, logger });
    onTestFinished(() => store.close());
    expect(await store.getEvent(webhookId)).toBeUndefined();
    expect(await store.getOrderState(testShop, '7001010')).toBeUndefined();
    expect(await store.listActions({ orderId: '7001010' })).toEqual([]);
  });
});
