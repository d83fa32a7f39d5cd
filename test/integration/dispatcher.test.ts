import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRuntime, type Runtime } from '../../src/app/runtime.js';
import { loadConfig } from '../../src/config/config.js';
import { readMessageFile } from '../../src/ingress/messageFiles.js';
import { createLogger } from '../../src/log/logger.js';
import { createMailSink } from '../../src/mail/createMailSink.js';
import { developerAlert } from '../../src/outbox/developerAlert.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import type { ActionSink } from '../../src/outbox/sink.js';
import { createStore } from '../../src/store/createStore.js';
import { createSparSink } from '../../src/spar/createSparSink.js';
import { startMockSpar, type MockSpar } from '../../src/spar/mockSparServer.js';

const logger = createLogger({ level: 'silent' });
const singleLeg = path.resolve('fixtures/messages/01-single-leg.ndjson');

describe('Dispatcher with SPAR', () => {
  let dir: string;
  let spar: MockSpar;
  let runtime: Runtime | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'spar-bridge-dispatcher-'));
    spar = await startMockSpar({ apiKey: 'right-key' });
  });

  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    await spar.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function replayWithKey(apiKey: string): Promise<Runtime> {
    const config = loadConfig({
      DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`,
      SPAR_BASE_URL: spar.url,
      SPAR_API_KEY: apiKey,
      MAIL_DIR: path.join(dir, 'mail'),
    });
    const opened = await openRuntime(config, logger, { databaseUrl: config.databaseUrl });
    for (const message of await readMessageFile(singleLeg)) await opened.pipeline.process(message);
    return opened;
  }

  async function emailKindsWritten(): Promise<string[]> {
    const files = await readdir(path.join(dir, 'mail')).catch(() => []);
    return files.map((file) => file.replace(/^.*?-(spar_posted|order_received|error)-.*$/, '$1'));
  }

  it('sends spar_posted after the job exists', async () => {
    runtime = await replayWithKey('right-key');

    expect(await runtime.dispatcher.drain(10_000)).toBe(true);

    const rows = await runtime.store.listActions();
    const create = rows.find((row) => row.action.type === 'spar.create');
    const posted = rows.find(
      (row) => row.action.type === 'email' && row.action.kind === 'spar_posted',
    );
    expect(create?.status).toBe('done');
    expect(posted?.status).toBe('done');
    expect(spar.jobs).toHaveLength(1);
    expect(await emailKindsWritten()).toContain('spar_posted');
  });

  it('withholds spar_posted when SPAR rejects', async () => {
    runtime = await replayWithKey('wrong-key');

    await runtime.dispatcher.drain(10_000);

    const rows = await runtime.store.listActions();
    const create = rows.find((row) => row.action.type === 'spar.create');
    const posted = rows.find(
      (row) => row.action.type === 'email' && row.action.kind === 'spar_posted',
    );
    expect(create?.status).toBe('failed');
    expect(posted?.status).toBe('failed');
    expect(posted?.lastError).toContain('spar.create failed');
    expect(await emailKindsWritten()).not.toContain('spar_posted');
    expect(await emailKindsWritten()).toContain('error');
    const mailDir = path.join(dir, 'mail');
    const alertFile = (await readdir(mailDir)).find((file) => file.includes('-error-'));
    const alert = await simpleParser(await readFile(path.join(mailDir, alertFile ?? '')));
    expect(alert.subject).toMatch(/^spar-bridge error for #1001: /);
  });

  it('holds spar_posted while SPAR is down', async () => {
    await spar.close();
    runtime = await replayWithKey('right-key');

    await runtime.dispatcher.step();
    await runtime.dispatcher.step();

    const rows = await runtime.store.listActions();
    const create = rows.find((row) => row.action.type === 'spar.create');
    const posted = rows.find(
      (row) => row.action.type === 'email' && row.action.kind === 'spar_posted',
    );
    expect(create?.status).not.toBe('done');
    expect(posted?.status).toBe('pending');
    expect(await emailKindsWritten()).not.toContain('spar_posted');
    spar = await startMockSpar({ apiKey: 'right-key' });
  });

  it('alerts once for a stuck action', async () => {
    const hourMs = 60 * 60_000;
    await spar.close();
    runtime = await replayWithKey('right-key');
    const config = loadConfig({
      SPAR_BASE_URL: spar.url,
      SPAR_API_KEY: 'right-key',
      MAIL_DIR: path.join(dir, 'mail'),
    });
    let nowMs = Date.now();
    const dispatcher = new Dispatcher({
      store: runtime.store,
      sinks: {
        spar: createSparSink({ spar: config.spar, logger, breaker: { failureThreshold: 100 } }),
        email: createMailSink({ mail: config.mail }),
      },
      logger,
      alertAfterMs: hourMs,
      clock: () => new Date(nowMs),
    });

    await dispatcher.step();
    const stuckAlerts = async () =>
      (await runtime!.store.listActions()).filter(
        (row) => row.action.type === 'email' && row.dedupeKey.startsWith('error:stuck:'),
      );
    expect(await stuckAlerts()).toHaveLength(0);

    nowMs += 2 * hourMs;
    await dispatcher.step();
    nowMs += 2 * hourMs;
    await dispatcher.step();

    const alerts = await stuckAlerts();
    expect(alerts).toHaveLength(1);
    const alert = alerts[0]?.action;
    expect(alert?.type === 'email' ? alert.details.reason : '').toContain('spar.create');
    spar = await startMockSpar({ apiKey: 'right-key' });
  });
});

describe('Dispatcher concurrency', () => {
  it('delivers orders at once, each in sequence', async () => {
    const store = await createStore({ databaseUrl: 'sqlite::memory:', logger });
    await store.migrate();
    for (const orderId of ['1', '2', '3']) {
      await store.enqueueActions(`test:${orderId}`, 'shop.myshopify.com', orderId, [
        developerAlert({ dedupeKey: `first:${orderId}`, reason: 'first', orderId }),
        developerAlert({ dedupeKey: `second:${orderId}`, reason: 'second', orderId }),
      ]);
    }

    // The sink keeps every delivery waiting until three run at once, which only concurrent orders
    // can reach; the events show whether an order's second action waited for its first.
    const events: string[] = [];
    let active = 0;
    let releaseAll: () => void = () => undefined;
    const threeActive = new Promise<void>((resolve) => {
      releaseAll = resolve;
    });
    const sink: ActionSink = {
      async deliver(row) {
        const label = `${row.orderId ?? ''}:${row.dedupeKey.split(':')[0] ?? ''}`;
        events.push(`start ${label}`);
        active += 1;
        if (active === 3) releaseAll();
        await threeActive;
        active -= 1;
        events.push(`end ${label}`);
        return { status: 'done' };
      },
    };
    const dispatcher = new Dispatcher({ store, sinks: { spar: sink, email: sink }, logger });

    await dispatcher.step();

    for (const orderId of ['1', '2', '3']) {
      expect(events.indexOf(`end ${orderId}:first`)).toBeLessThan(
        events.indexOf(`start ${orderId}:second`),
      );
    }
    expect((await store.listActions({ status: 'done' })).length).toBe(6);
    await store.close();
  });
});
