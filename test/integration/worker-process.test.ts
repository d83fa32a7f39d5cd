import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PubSub } from '@google-cloud/pubsub';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, onTestFinished, test, vi } from 'vitest';
import {
  emulatorClient,
  ensureTopicAndSubscription,
  readMessageFile,
  startEmulator,
  type EnsuredResources,
  type PubSubEmulator,
} from '../../src/emulator/index.js';
import { startMockSpar, type MockSpar } from '../../src/spar/mockSparServer.js';
import { createStore } from '../../src/store/createStore.js';
import type { Store } from '../../src/store/types.js';
import {
  bundledMessageFiles,
  startWorkerProcess,
  type WorkerProcess,
} from '../support/workerHarness.js';

const projectId = 'worker-process-test';
const sparApiKey = 'worker-process-test-key';
/** `spar-bridge serve` stops within this; pm2's kill_timeout is above it. */
const shutdownDeadlineMs = 8_000;

let emulator: PubSubEmulator;
let pubsub: PubSub;
let lastResourceId = 0;

beforeAll(async () => {
  emulator = await startEmulator();
  pubsub = emulatorClient(emulator.host, projectId);
});

afterAll(async () => {
  await pubsub.close();
  await emulator.close();
});

interface ProcessSetup {
  names: EnsuredResources;
  topicId: string;
  databaseUrl: string;
  databaseFile: string;
  mockSpar: MockSpar;
  /** Starts a `serve` child on this test's subscription and database. */
  startWorker: () => WorkerProcess;
}

/** Creates a topic, a subscription and a temporary folder for this test's database and mail. */
async function setUpProcessTest(): Promise<ProcessSetup> {
  lastResourceId += 1;
  const topicId = `orders-${lastResourceId}`;
  const subscriptionId = `spar-bridge-${lastResourceId}`;
  const names = await ensureTopicAndSubscription(pubsub, {
    topic: topicId,
    subscription: subscriptionId,
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'spar-bridge-worker-process-'));
  const databaseFile = path.join(dir, 'store.db');
  const databaseUrl = `sqlite:${databaseFile}`;
  const mockSpar = await startMockSpar({ apiKey: sparApiKey });

  const workers: WorkerProcess[] = [];
  onTestFinished(async () => {
    for (const worker of workers) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) {
        worker.child.kill('SIGKILL');
        await worker.exited;
      }
    }
    await mockSpar.close();
    await rm(dir, { recursive: true, force: true });
  });

  return {
    names,
    topicId,
    databaseUrl,
    databaseFile,
    mockSpar,
    startWorker: () => {
      const worker = startWorkerProcess({
        DATABASE_URL: databaseUrl,
        MAIL_DIR: path.join(dir, 'mail'),
        PUBSUB_EMULATOR_HOST: emulator.host,
        PUBSUB_PROJECT_ID: projectId,
        PUBSUB_SUBSCRIPTION: subscriptionId,
        SPAR_BASE_URL: mockSpar.url,
        SPAR_API_KEY: sparApiKey,
      });
      workers.push(worker);
      return worker;
    },
  };
}

/**
 * Publishes the bundled fixtures in file order with `fillerPerFile` ignored messages after
 * each file, so a drain takes long enough to be interrupted between two orders. Returns the
 * number of messages published.
 */
async function publishFixturesWithFiller(topicId: string, fillerPerFile: number): Promise<number> {
  const topic = pubsub.topic(topicId);
  let published = 0;
  for (const file of await bundledMessageFiles()) {
    const messages = await readMessageFile(file);
    const filler = Array.from({ length: fillerPerFile }, () => ({
      data: Buffer.from('{}'),
      attributes: {
        'X-Shopify-Topic': 'products/update',
        'X-Shopify-Shop-Domain': 'example-furniture.myshopify.com',
        'X-Shopify-Webhook-Id': randomUUID(),
      },
    }));
    // One batch per file: the batch keeps the file's order, and the files follow one another.
    const batch = [...messages, ...filler];
    await Promise.all(
      batch.map((message) =>
        topic.publishMessage({ data: message.data, attributes: message.attributes }),
      ),
    );
    published += batch.length;
  }
  return published;
}

async function openStore(databaseUrl: string): Promise<Store> {
  const store = await createStore({ databaseUrl, logger: pino({ level: 'silent' }) });
  onTestFinished(() => store.close());
  return store;
}

describe('spar-bridge serve process', () => {
  test('SIGKILL mid-drain posts each order once', async () => {
    const { names, topicId, databaseUrl, mockSpar, startWorker } = await setUpProcessTest();
    const published = await publishFixturesWithFiller(topicId, 20);

    const first = startWorker();
    await emulator.waitForStats(names.subscription, (stats) => stats.ackCount >= 1, {
      timeoutMs: 20_000,
    });
    first.child.kill('SIGKILL');
    const firstExit = await first.exited;
    const afterKill = emulator.stats(names.subscription);
    expect(firstExit.signal).toBe('SIGKILL');
    expect(afterKill.unacked).toBeGreaterThan(0);
    expect(afterKill.unacked).toBeLessThan(published);

    const second = startWorker();
    await emulator.waitForStats(
      names.subscription,
      (stats) => stats.unacked === 0 && stats.outstanding === 0,
      { timeoutMs: 30_000 },
    );
    const store = await openStore(databaseUrl);
    await vi.waitFor(
      async () => {
        const done = await store.listActions({ status: 'done' });
        expect(done.filter((row) => row.type === 'spar.create')).toHaveLength(9);
      },
      { timeout: 20_000, interval: 100 },
    );

    second.child.kill('SIGTERM');
    const secondExit = await second.exited;
    expect(secondExit.code).toBe(0);

    const creates = (await store.listActions()).filter((row) => row.type === 'spar.create');
    const orderIds = new Set(creates.map((row) => row.orderId));
    const postedIds = mockSpar.requests
      .filter((request) => request.route === 'create')
      .map((request) => (request.body as { externalId: string }).externalId);
    expect(creates).toHaveLength(9);
    expect(orderIds.size).toBe(9);
    expect(creates.every((row) => row.status === 'done')).toBe(true);
    expect(mockSpar.jobs.size).toBe(9);
    expect(postedIds).toHaveLength(9);
    expect(new Set(postedIds).size).toBe(9);
    expect(emulator.stats(names.subscription).unacked).toBe(0);
  });

  test('SIGTERM mid-drain keeps every ack', async () => {
    const { names, topicId, startWorker } = await setUpProcessTest();
    const published = await publishFixturesWithFiller(topicId, 20);

    const worker = startWorker();
    await emulator.waitForStats(names.subscription, (stats) => stats.ackCount >= 1, {
      timeoutMs: 20_000,
    });
    const signalledAt = performance.now();
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    const stopMs = performance.now() - signalledAt;

    // Each committed message logs "event processed" and is acked right after, so the acks
    // the emulator retained must match those lines one for one.
    const stats = emulator.stats(names.subscription);
    const processed = worker.logs.count((line) => line.msg === 'event processed');
    expect(exit.code, worker.stderr()).toBe(0);
    expect(stopMs).toBeLessThan(shutdownDeadlineMs);
    expect(stats.outstanding).toBe(0);
    expect(stats.openStreams).toBe(0);
    expect(stats.unacked).toBeGreaterThan(0);
    expect(stats.acked).toBe(processed);
    expect(stats.acked + stats.unacked).toBe(published);
  });

  test('second signal forces exit', async () => {
    const { topicId, mockSpar, startWorker } = await setUpProcessTest();
    // A SPAR create that never gets a response keeps the outbox step, and so the graceful
    // stop, in progress until the second signal.
    mockSpar.inject('create', { type: 'hang' }, 100);
    await publishFixturesWithFiller(topicId, 0);

    const worker = startWorker();
    await mockSpar.waitForRequests(1);
    worker.child.kill('SIGTERM');
    await worker.logs.waitFor((line) => line.msg === 'stopping');
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;

    expect(exit.code).toBe(1);
    expect(worker.logs.messages()).toContain('second signal; exiting now');
    expect(worker.logs.messages()).not.toContain('stopped');
  });

  test('SIGTERM stops with nothing unacked', async () => {
    const { names, topicId, databaseUrl, databaseFile, startWorker } = await setUpProcessTest();
    const published = await publishFixturesWithFiller(topicId, 0);

    const worker = startWorker();
    await emulator.waitForStats(
      names.subscription,
      (stats) => stats.ackCount >= published && stats.unacked === 0,
      { timeoutMs: 20_000 },
    );
    const signalledAt = performance.now();
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    const stopMs = performance.now() - signalledAt;

    const stats = emulator.stats(names.subscription);
    expect(exit.code, worker.stderr()).toBe(0);
    expect(stopMs).toBeLessThan(shutdownDeadlineMs);
    expect(stats.unacked).toBe(0);
    expect(stats.outstanding).toBe(0);
    expect(stats.openStreams).toBe(0);
    expect(worker.logs.messages()).toContain('stopping');
    expect(worker.logs.messages()).toContain('stopped');

    // The last connection to close checkpoints the write-ahead log and deletes it.
    expect(existsSync(`${databaseFile}-wal`)).toBe(false);
    const store = await openStore(databaseUrl);
    const events = await store.listEvents({ limit: 1_000 });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((event) => event.processedAt !== null)).toBe(true);
  });

  test('busy port exits before consuming', async () => {
    const { databaseFile, startWorker } = await setUpProcessTest();
    const first = startWorker();
    const port = await first.port();

    const second = startWorkerProcess({
      DATABASE_URL: `sqlite:${databaseFile}`,
      PORT: String(port),
      PUBSUB_EMULATOR_HOST: emulator.host,
      PUBSUB_PROJECT_ID: projectId,
      PUBSUB_SUBSCRIPTION: 'unused-subscription',
    });
    const { code } = await second.exited;

    expect(code).toBe(1);
    expect(second.stderr()).toContain('EADDRINUSE');
    expect(second.logs.messages()).not.toContain('subscription opened');
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
  });
});
