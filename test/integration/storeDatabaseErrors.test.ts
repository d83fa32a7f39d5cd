import { createServer } from 'node:net';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { TransientError } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';
import { createStore } from '../../src/store/createStore.js';
import type { EventDecision, InboxEvent, Store } from '../../src/store/types.js';
import { testDatabases, useTestDatabase } from '../support/db.js';

const logger = createLogger({ level: 'silent', pretty: false });
const sqlite = testDatabases().find((kind) => kind.name === 'sqlite')!;

function inboxEvent(webhookId: string): InboxEvent {
  return {
    webhookId,
    messageId: null,
    topic: 'orders/create',
    shop: 'example.myshopify.com',
    orderId: '1001',
    body: '{}',
    deliveryAttempt: 1,
    receivedAt: new Date(),
  };
}

const ignored = (): EventDecision => ({ outcome: 'ignored', explanation: 'test', actions: [] });

/** Returns a loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === 'string') throw new Error('server has no port');
  return address.port;
}

describe('store on a locked SQLite file', () => {
  const database = useTestDatabase(sqlite);

  async function openLockedStore(): Promise<{ store: Store; blocker: DatabaseSync }> {
    const store = await createStore({ databaseUrl: database().url, logger });
    await store.migrate();
    const blocker = new DatabaseSync(database().url.slice('sqlite:'.length), { timeout: 0 });
    blocker.exec('begin immediate');
    return { store, blocker };
  }

  it('recordEvent waits without blocking', async () => {
    const { store, blocker } = await openLockedStore();
    try {
      const recording = store.recordEvent(inboxEvent('w-1'), ignored);

      // The store's first BEGIN IMMEDIATE fails within microtasks. This callback can run only
      // because the store waits for the lock with a timer instead of blocking the event loop.
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          blocker.exec('commit');
          resolve();
        }),
      );

      expect((await recording).outcome).toBe('ignored');
    } finally {
      blocker.close();
      await store.close();
    }
  });

  it('recordEvent past busy timeout is transient', async () => {
    const { store, blocker } = await openLockedStore();
    try {
      const failure = await store
        .recordEvent(inboxEvent('w-1'), ignored)
        .catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(TransientError);
      expect(failure).toMatchObject({ code: 'DATABASE_BUSY', retriable: true });
    } finally {
      blocker.exec('rollback');
      blocker.close();
    }

    expect(await store.getEvent('w-1')).toBeUndefined();
    expect((await store.recordEvent(inboxEvent('w-1'), ignored)).outcome).toBe('ignored');
    await store.close();
  });
});

describe('store without PostgreSQL server', () => {
  it('recordEvent is transient', async () => {
    const port = await closedPort();
    const store = await createStore({
      databaseUrl: `postgres://postgres@127.0.0.1:${port}/test`,
      logger,
    });
    try {
      const failure = await store
        .recordEvent(inboxEvent('w-1'), ignored)
        .catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(TransientError);
      expect(failure).toMatchObject({ code: 'DATABASE_UNAVAILABLE', retriable: true });
    } finally {
      await store.close();
    }
  });
});
