import { describe, expect, it, vi } from 'vitest';
import type {
  Action,
  EmailAction,
  OrderState,
  SparCreateAction,
} from '../../src/decision/types.js';
import { createLogger } from '../../src/log/logger.js';
import type { ClaimedOutboxRow } from '../../src/store/claimedOutboxRow.js';
import { createStore } from '../../src/store/createStore.js';
import type { EventDecision, InboxEvent, Store } from '../../src/store/types.js';
import { testDatabases, useTestDatabase } from '../support/db.js';

const logger = createLogger({ level: 'silent', pretty: false });
const shop = 'example.myshopify.com';

function inboxEvent(webhookId: string, overrides: Partial<InboxEvent> = {}): InboxEvent {
  return {
    webhookId,
    messageId: `message-${webhookId}`,
    topic: 'orders/create',
    shop,
    orderId: '1001',
    body: '{"id":1001}',
    deliveryAttempt: 1,
    receivedAt: new Date('2026-03-01T10:00:00.000Z'),
    ...overrides,
  };
}

function orderState(overrides: Partial<OrderState> = {}): OrderState {
  return {
    shop,
    orderId: '1001',
    order: null,
    fulfillments: {},
    cancelled: null,
    sparPosted: false,
    sparCancelled: false,
    emailsSent: [],
    ...overrides,
  };
}

function email(kind: EmailAction['kind'], dedupeKey: string = kind): EmailAction {
  return {
    type: 'email',
    kind,
    dedupeKey,
    details: {
      shop,
      orderId: '1001',
      orderName: '#1001',
      legs: [],
      zip: null,
      countryCode: 'US',
      cancelReason: null,
      reason: null,
      webhookId: null,
      topic: null,
    },
  };
}

const sparCreate: SparCreateAction = {
  type: 'spar.create',
  orderId: '1001',
  items: [
    { sku: 'DESK-72-ASM', description: 'Standing desk', quantity: 1, assemblyPrice: '149.00' },
  ],
  fulfilledAt: '2026-03-02T09:00:00.000Z',
  tracking: [{ company: 'UPS', number: '1Z999' }],
};

function applied(actions: Action[], state: OrderState = orderState()): EventDecision {
  return { outcome: 'applied', explanation: `queued ${actions.length} actions`, state, actions };
}

describe.each(testDatabases())('store on $name', (kind) => {
  const database = useTestDatabase(kind);

  async function openStore(): Promise<Store> {
    const store = await createStore({ databaseUrl: database().url, logger });
    await store.migrate();
    return store;
  }

  async function withStore(test: (store: Store) => Promise<void>): Promise<void> {
    const store = await openStore();
    try {
      await test(store);
    } finally {
      await store.close();
    }
  }

  it('migrate twice is harmless', async () => {
    await withStore(async (store) => {
      await store.migrate();
      const result = await store.recordEvent(inboxEvent('w-1'), () =>
        applied([email('order_received')]),
      );

      expect(result.outcome).toBe('applied');
    });
  });

  it('recordEvent commits outcome, state and actions', async () => {
    await withStore(async (store) => {
      const state = orderState({ emailsSent: ['order_received'] });
      const result = await store.recordEvent(inboxEvent('w-1'), (stored) => {
        expect(stored).toBeUndefined();
        return applied([email('order_received')], state);
      });

      expect(result).toEqual({
        outcome: 'applied',
        explanation: 'queued 1 actions',
        actions: [email('order_received')],
      });
      expect(await store.getOrderState(shop, '1001')).toEqual(state);

      const event = await store.getEvent('w-1');
      expect(event).toMatchObject({
        webhookId: 'w-1',
        messageId: 'message-w-1',
        topic: 'orders/create',
        shop,
        orderId: '1001',
        outcome: 'applied',
        explanation: 'queued 1 actions',
        deliveryAttempt: 1,
        receivedAt: new Date('2026-03-01T10:00:00.000Z'),
      });
      expect(event?.processedAt).toBeInstanceOf(Date);

      const actions = await store.listActions({ webhookId: 'w-1' });
      expect(actions).toHaveLength(1);
      expect(actions[0]).toMatchObject({
        shop,
        orderId: '1001',
        type: 'email',
        dedupeKey: 'order_received',
        action: email('order_received'),
        status: 'pending',
        attempts: 0,
        lastError: null,
        result: null,
      });
    });
  });

  it('recordEvent passes the stored state to decide', async () => {
    await withStore(async (store) => {
      const first = orderState({ emailsSent: ['order_received'] });
      await store.recordEvent(inboxEvent('w-1'), () => applied([], first));

      const decide = vi.fn((_state: OrderState | undefined) =>
        applied([], orderState({ sparPosted: true })),
      );
      await store.recordEvent(inboxEvent('w-2', { topic: 'orders/fulfilled' }), decide);

      expect(decide).toHaveBeenCalledWith(first);
      expect(await store.getOrderState(shop, '1001')).toEqual(orderState({ sparPosted: true }));
    });
  });

  it('recordEvent keeps state when decision has none', async () => {
    await withStore(async (store) => {
      const state = orderState({ emailsSent: ['order_received'] });
      await store.recordEvent(inboxEvent('w-1'), () => applied([], state));

      const result = await store.recordEvent(inboxEvent('w-2'), () => ({
        outcome: 'stale',
        explanation: 'nothing newer',
        actions: [],
      }));

      expect(result.outcome).toBe('stale');
      expect(await store.getOrderState(shop, '1001')).toEqual(state);
      expect((await store.getEvent('w-2'))?.outcome).toBe('stale');
    });
  });

  it('decide that throws leaves nothing behind', async () => {
    await withStore(async (store) => {
      const failure = new Error('decision failed');

      await expect(
        store.recordEvent(inboxEvent('w-1'), () => {
          throw failure;
        }),
      ).rejects.toBe(failure);

      expect(await store.getEvent('w-1')).toBeUndefined();
      expect(await store.getOrderState(shop, '1001')).toBeUndefined();
      expect(await store.listActions()).toEqual([]);

      const redelivered = await store.recordEvent(inboxEvent('w-1'), () =>
        applied([email('order_received')]),
      );
      expect(redelivered.outcome).toBe('applied');
      expect(await store.listActions()).toHaveLength(1);
    });
  });

  it('redelivered webhook is a duplicate', async () => {
    await withStore(async (store) => {
      await store.recordEvent(inboxEvent('w-1'), () => applied([email('order_received')]));
      const decide = vi.fn(() => applied([email('partial_fulfillment')]));

      const result = await store.recordEvent(inboxEvent('w-1'), decide);

      expect(result).toEqual({
        outcome: 'duplicate',
        explanation: 'webhook w-1 already processed (applied)',
        actions: [],
      });
      expect(decide).not.toHaveBeenCalled();
      expect(await store.listActions()).toHaveLength(1);
    });
  });

  it('concurrent deliveries of one webhook apply once', async () => {
    await withStore(async (store) => {
      const decide = vi.fn(() => applied([email('order_received'), sparCreate]));

      const results = await Promise.all(
        [1, 2, 3].map(() => store.recordEvent(inboxEvent('w-1'), decide)),
      );

      const outcomes = results.map((result) => result.outcome).sort();
      expect(outcomes).toEqual(['applied', 'duplicate', 'duplicate']);
      expect(decide).toHaveBeenCalledTimes(1);
      expect(await store.listActions()).toHaveLength(2);
    });
  });

  it('two stores racing one webhook apply once', async () => {
    const first = await openStore();
    const second = await openStore();
    try {
      const decide = vi.fn(() => applied([email('order_received'), sparCreate]));
      const stores = [first, second, first, second];

      const results = await Promise.all(
        stores.map((store) => store.recordEvent(inboxEvent('w-1'), decide)),
      );

      const outcomes = results.map((result) => result.outcome).sort();
      expect(outcomes).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate']);
      expect(decide).toHaveBeenCalledTimes(1);
      expect(await second.listActions()).toHaveLength(2);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('two stores serialise events of one order', async () => {
    const first = await openStore();
    const second = await openStore();
    try {
      // Each event appends its webhook id to the state it read, so a lost update drops one.
      const append = (webhookId: string) => (state: OrderState | undefined) =>
        applied([], orderState({ emailsSent: [...(state?.emailsSent ?? []), webhookId] }));
      const webhookIds = ['w-1', 'w-2', 'w-3', 'w-4', 'w-5', 'w-6'];

      await Promise.all(
        webhookIds.map((webhookId, index) =>
          (index % 2 === 0 ? first : second).recordEvent(inboxEvent(webhookId), append(webhookId)),
        ),
      );

      const state = await first.getOrderState(shop, '1001');
      expect([...(state?.emailsSent ?? [])].sort()).toEqual(webhookIds);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('action with existing dedupe key is dropped', async () => {
    await withStore(async (store) => {
      await store.recordEvent(inboxEvent('w-1'), () => applied([email('order_received')]));

      const result = await store.recordEvent(inboxEvent('w-2'), () =>
        applied([
          email('order_received'),
          sparCreate,
          sparCreate,
          email('outside_coverage', 'outside_coverage:02134'),
        ]),
      );

      expect(result.actions).toEqual([
        sparCreate,
        email('outside_coverage', 'outside_coverage:02134'),
      ]);
      const keys = (await store.listActions()).map((row) => row.dedupeKey);
      expect(keys).toEqual(['order_received', 'spar.create', 'outside_coverage:02134']);
    });
  });

  it('dedupe keys are per order and shop', async () => {
    await withStore(async (store) => {
      await store.recordEvent(inboxEvent('w-1'), () => applied([sparCreate]));
      await store.recordEvent(inboxEvent('w-2', { orderId: '1002' }), () =>
        applied([sparCreate], orderState({ orderId: '1002' })),
      );
      await store.recordEvent(inboxEvent('w-3', { shop: 'other.myshopify.com' }), () =>
        applied([sparCreate], orderState({ shop: 'other.myshopify.com' })),
      );

      expect(await store.listActions()).toHaveLength(3);
    });
  });

  it('event without order stores actions without order', async () => {
    await withStore(async (store) => {
      const alert = email('error', 'error:invalid-json');
      const result = await store.recordEvent(
        inboxEvent('w-1', { shop: null, orderId: null, topic: null }),
        () => ({
          outcome: 'rejected',
          explanation: 'message data is not JSON',
          actions: [alert],
        }),
      );

      expect(result.actions).toEqual([alert]);
      const [row] = await store.listActions();
      expect(row).toMatchObject({ shop: '', orderId: null, dedupeKey: 'error:invalid-json' });
      expect(await store.findAction('', '', 'error:invalid-json')).toMatchObject({ id: row?.id });
      expect((await store.getEvent('w-1'))?.outcome).toBe('rejected');
    });
  });

  it('enqueueActions drops existing dedupe keys', async () => {
    await withStore(async (store) => {
      const alert = email('error', 'error:spar-rejected');

      expect(await store.enqueueActions('dispatcher', shop, '1001', [alert])).toEqual([alert]);
      expect(await store.enqueueActions('dispatcher', shop, '1001', [alert])).toEqual([]);

      const [row] = await store.listActions({ webhookId: 'dispatcher' });
      expect(row).toMatchObject({ webhookId: 'dispatcher', orderId: '1001', status: 'pending' });
    });
  });

  it('listEvents filters and orders newest first', async () => {
    await withStore(async (store) => {
      const times = [
        '2026-03-01T10:00:00.000Z',
        '2026-03-01T12:00:00.000Z',
        '2026-03-01T11:00:00.000Z',
      ];
      for (const [index, time] of times.entries()) {
        await store.recordEvent(inboxEvent(`w-${index + 1}`, { receivedAt: new Date(time) }), () =>
          applied([]),
        );
      }
      await store.recordEvent(inboxEvent('w-other', { orderId: '2002' }), () =>
        applied([], orderState({ orderId: '2002' })),
      );

      const forOrder = await store.listEvents({ orderId: '1001' });
      expect(forOrder.map((event) => event.webhookId)).toEqual(['w-2', 'w-3', 'w-1']);
      expect(await store.listEvents({ limit: 2 })).toHaveLength(2);
      expect(await store.listEvents()).toHaveLength(4);
    });
  });

  it('claim, update and recover lifecycle', async () => {
    await withStore(async (store) => {
      const start = new Date('2026-03-01T10:00:00.000Z');
      await store.enqueueActions('w-1', shop, '1001', [sparCreate, email('spar_posted')]);

      // Claimed: both rows move to in_flight, oldest first, and count the attempt.
      const claimed = (await store.claimDueActions(new Date(), 10)) as ClaimedOutboxRow[];
      expect(claimed.map((row) => [row.type, row.status, row.attempts, row.claimedFrom])).toEqual([
        ['spar.create', 'in_flight', 1, 'pending'],
        ['email', 'in_flight', 1, 'pending'],
      ]);
      expect(await store.claimDueActions(new Date(), 10)).toEqual([]);
      expect(await store.outboxBacklog()).toMatchObject({
        pending: 0,
        inFlight: 2,
        inDoubt: 0,
        failed: 0,
      });

      // Crash: the SPAR create becomes in doubt, the email pending, both due at once.
      expect(await store.recoverInFlight(start)).toBe(2);
      expect((await store.listActions()).map((row) => [row.type, row.status])).toEqual([
        ['spar.create', 'in_doubt'],
        ['email', 'pending'],
      ]);
      expect(await store.outboxBacklog()).toMatchObject({ pending: 1, inFlight: 0, inDoubt: 1 });

      // Reclaimed: the SPAR row reports that it was in doubt.
      const [spar, mail] = (await store.claimDueActions(start, 10)) as ClaimedOutboxRow[];
      expect(spar).toMatchObject({ type: 'spar.create', attempts: 2, claimedFrom: 'in_doubt' });
      expect(mail).toMatchObject({ type: 'email', attempts: 2, claimedFrom: 'pending' });

      // Delivered and retried: done keeps its result, and a retry waits for its time.
      await store.updateAction(spar!.id, {
        status: 'done',
        result: { sparJobId: 'SPR-1' },
        lastError: null,
      });
      const retryAt = new Date(start.getTime() + 60_000);
      await store.updateAction(mail!.id, {
        status: 'pending',
        nextAttemptAt: retryAt,
        lastError: 'SMTP timed out',
      });

      expect(await store.findAction(shop, '1001', 'spar.create')).toMatchObject({
        status: 'done',
        result: { sparJobId: 'SPR-1' },
        lastError: null,
      });
      expect(await store.claimDueActions(new Date(retryAt.getTime() - 1), 10)).toEqual([]);
      const [retried] = await store.claimDueActions(retryAt, 10);
      expect(retried).toMatchObject({ id: mail!.id, attempts: 3, lastError: 'SMTP timed out' });

      await store.updateAction(mail!.id, { status: 'failed', lastError: 'mailbox rejected' });
      expect(await store.outboxBacklog()).toEqual({
        pending: 0,
        inFlight: 0,
        inDoubt: 0,
        failed: 1,
        oldestPendingAt: null,
      });
    });
  });

  it('claimDueActions respects limit and due time', async () => {
    await withStore(async (store) => {
      const actions = ['a', 'b', 'c'].map((key) => email('error', `error:${key}`));
      await store.enqueueActions('w-1', shop, '1001', actions);
      const [first] = await store.listActions();
      await store.updateAction(first!.id, {
        status: 'pending',
        nextAttemptAt: new Date(Date.now() + 3_600_000),
      });

      const claimed = await store.claimDueActions(new Date(), 1);

      expect(claimed.map((row) => row.dedupeKey)).toEqual(['error:b']);
      expect(await store.claimDueActions(new Date(), 0)).toEqual([]);
      expect(await store.outboxBacklog()).toMatchObject({ pending: 2, inFlight: 1 });
      expect((await store.outboxBacklog()).oldestPendingAt).toEqual(first!.createdAt);
    });
  });

  it('concurrent claims never share a row', async () => {
    const first = await openStore();
    const second = await openStore();
    try {
      const actions = Array.from({ length: 20 }, (_, index) => email('error', `error:${index}`));
      await first.enqueueActions('w-1', shop, '1001', actions);

      const batches = await Promise.all(
        [first, second, first, second].map((store) => store.claimDueActions(new Date(), 6)),
      );

      const ids = batches.flat().map((row) => row.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(20);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('updateAction of unknown id throws', async () => {
    await withStore(async (store) => {
      await expect(store.updateAction(999, { status: 'done' })).rejects.toThrow(
        'outbox action 999 not found',
      );
    });
  });

  it('close twice is harmless', async () => {
    const store = await openStore();
    await store.close();
    await store.close();
  });
});
