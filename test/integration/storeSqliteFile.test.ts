import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { createStore } from '../../src/store/createStore.js';

const logger = createLogger({ level: 'silent', pretty: false });

describe('SQLite store file', () => {
  let folder: string;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'spar-bridge-sqlite-'));
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('missing parent folders are created', async () => {
    const file = path.join(folder, 'var', 'nested', 'spar-bridge.db');
    const store = await createStore({ databaseUrl: `sqlite:${file}`, logger });
    await store.migrate();
    await store.close();

    expect(existsSync(file)).toBe(true);
  });

  it('file uses WAL journal mode', async () => {
    const file = path.join(folder, 'spar-bridge.db');
    const store = await createStore({ databaseUrl: `sqlite:${file}`, logger });
    await store.migrate();
    await store.close();

    const database = new DatabaseSync(file);
    const row = database.prepare('pragma journal_mode').get();
    database.close();
    expect(row).toEqual({ journal_mode: 'wal' });
  });

  it('memory database keeps data until close', async () => {
    const store = await createStore({ databaseUrl: 'sqlite::memory:', logger });
    await store.migrate();
    await store.recordEvent(
      {
        webhookId: 'w-1',
        messageId: null,
        topic: null,
        shop: null,
        orderId: null,
        body: 'not json',
        deliveryAttempt: null,
        receivedAt: new Date(),
      },
      () => ({ outcome: 'rejected', explanation: 'message data is not JSON', actions: [] }),
    );

    expect((await store.getEvent('w-1'))?.outcome).toBe('rejected');
    await store.close();
  });

  it('unknown scheme is rejected', async () => {
    await expect(createStore({ databaseUrl: 'mysql://localhost/db', logger })).rejects.toThrow(
      'DATABASE_URL has the unsupported scheme "mysql:"',
    );
  });
});
