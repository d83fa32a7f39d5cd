import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { PubSub } from '@google-cloud/pubsub';
import express from 'express';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { openRuntime, type Runtime } from '../../src/app/runtime.js';
import { loadConfig } from '../../src/config/config.js';
import {
  emulatorClient,
  ensureTopicAndSubscription,
  publishFixtureFiles,
  readMessageFile,
  startEmulator,
  type EnsuredResources,
  type PubSubEmulator,
} from '../../src/emulator/index.js';
import { createLogger } from '../../src/log/logger.js';
import type { OutboxBacklog } from '../../src/store/types.js';
import { healthRouter } from '../../src/web/healthRouter.js';
import { PubSubWorker, type SubscriberHealth } from '../../src/worker/pubsubWorker.js';
import { bundledMessageFiles, LogLines, repoRoot } from '../support/workerHarness.js';

const projectId = 'worker-test';

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

interface WorkerSetup {
  names: EnsuredResources;
  topicId: string;
  databaseFile: string;
  runtime: Runtime;
  worker: PubSubWorker;
  logs: LogLines;
}

/**
 * Creates a topic and subscription with unique names, a SQLite database in a new temporary
 * folder, a runtime over it and a worker on the subscription. The worker is not started.
 * Everything is stopped and removed when the test finishes.
 */
async function setUpWorker(): Promise<WorkerSetup> {
  lastResourceId += 1;
  const topicId = `orders-${lastResourceId}`;
  const names = await ensureTopicAndSubscription(pubsub, {
    topic: topicId,
    subscription: `spar-bridge-${lastResourceId}`,
  });

  const dir = await mkdtemp(path.join(tmpdir(), 'spar-bridge-worker-'));
  const databaseFile = path.join(dir, 'store.db');
  const config = loadConfig({
    DATABASE_URL: `sqlite:${databaseFile}`,
    MAIL_DIR: path.join(dir, 'mail'),
  });
  const logs = new LogLines();
  const logger = createLogger({ level: 'info', destination: logs });
  const runtime = await openRuntime(config, logger, { databaseUrl: config.databaseUrl });
  const worker = new PubSubWorker({
    projectId,
    subscription: names.subscription.split('/').at(-1) ?? '',
    emulatorHost: emulator.host,
    maxMessages: 20,
    deadLetterAttempts: 5,
    pipeline: runtime.pipeline,
    store: runtime.store,
    logger: logger.child({ component: 'subscriber' }),
    onCommitted: () => {
      runtime.dispatcher.notify();
    },
  });

  onTestFinished(async () => {
    await worker.stop(2_000);
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { names, topicId, databaseFile, runtime, worker, logs };
}

function eventOutcomes(logs: LogLines): string[] {
  return logs.lines
    .filter((line) => line.msg === 'event processed')
    .map((line) => String(line.outcome));
}

describe('PubSubWorker', () => {
  test('drains bundled fixture backlog', async () => {
    const { names, topicId, runtime, worker } = await setUpWorker();
    const files = await bundledMessageFiles();
    const published = await publishFixtureFiles({
      emulatorHost: emulator.host,
      projectId,
      topic: topicId,
      files,
    });
    runtime.dispatcher.start();
    worker.start();

    const stats = await emulator.waitForStats(
      names.subscription,
      (current) => current.ackCount >= published && current.unacked === 0,
      { timeoutMs: 20_000 },
    );
    expect(stats.unacked).toBe(0);
    expect(stats.outstanding).toBe(0);
    expect(stats.deadLettered).toBe(0);
    expect(worker.health.acked).toBe(published);
    expect(worker.health.nacked).toBe(0);

    expect(await runtime.dispatcher.drain(10_000)).toBe(true);
    const creates = (await runtime.store.listActions()).filter((row) => row.type === 'spar.create');
    const orderIds = new Set(creates.map((row) => row.orderId));
    expect(creates).toHaveLength(9);
    expect(orderIds.size).toBe(9);
    expect(creates.every((row) => row.status === 'done')).toBe(true);
  });

  test('duplicate publish yields one action set', async () => {
    const { names, topicId, runtime, worker, logs } = await setUpWorker();
    const [, fulfilled] = await readMessageFile(
      path.join(repoRoot, 'fixtures/messages/01-single-leg.ndjson'),
    );
    if (fulfilled === undefined)
      throw new Error('fixture 01-single-leg.ndjson has fewer than two messages');
    const topic = pubsub.topic(topicId);
    await Promise.all([
      topic.publishMessage({ data: fulfilled.data, attributes: fulfilled.attributes }),
      topic.publishMessage({ data: fulfilled.data, attributes: fulfilled.attributes }),
    ]);
    worker.start();

    await emulator.waitForStats(
      names.subscription,
      (current) => current.ackCount >= 2 && current.unacked === 0,
    );
    const outcomes = eventOutcomes(logs).sort();
    expect(outcomes).toEqual(['applied', 'duplicate']);

    const actions = await runtime.store.listActions();
    const creates = actions.filter((row) => row.type === 'spar.create');
    const dedupeKeys = new Set(actions.map((row) => row.dedupeKey));
    expect(creates).toHaveLength(1);
    expect(dedupeKeys.size).toBe(actions.length);
  });

  test('locked database nacks then redelivers', async () => {
    const { names, topicId, databaseFile, runtime, worker, logs } = await setUpWorker();
    const [created] = await readMessageFile(
      path.join(repoRoot, 'fixtures/messages/01-single-leg.ndjson'),
    );
    if (created === undefined) throw new Error('fixture 01-single-leg.ndjson has no messages');

    // Another connection holds the write lock, so the worker's transaction waits out the
    // store's busy timeout and fails with SQLITE_BUSY, a transient error.
    const blocker = new DatabaseSync(databaseFile);
    onTestFinished(() => {
      if (blocker.isOpen) blocker.close();
    });
    blocker.exec('BEGIN IMMEDIATE');

    await pubsub
      .topic(topicId)
      .publishMessage({ data: created.data, attributes: created.attributes });
    worker.start();

    // The emulator redelivers the message as soon as the nack arrives, so the lock is
    // released at that second delivery.
    await emulator.waitForStats(names.subscription, (current) => current.deliveries >= 2, {
      timeoutMs: 20_000,
    });
    blocker.exec('COMMIT');
    blocker.close();

    const stats = await emulator.waitForStats(
      names.subscription,
      (current) => current.ackCount >= 1 && current.unacked === 0,
      { timeoutMs: 20_000 },
    );
    expect(stats.deadLettered).toBe(0);
    expect(worker.health.nacked).toBeGreaterThanOrEqual(1);
    expect(logs.count((line) => line.msg === 'message failed; nacked for redelivery')).toBe(
      worker.health.nacked,
    );
    expect(eventOutcomes(logs)).toEqual(['applied']);

    const processed = logs.lines.find((line) => line.msg === 'event processed');
    expect(processed?.deliveryAttempt).toBeGreaterThanOrEqual(2);
    const events = await runtime.store.listEvents();
    expect(events).toHaveLength(1);
    expect(events[0]?.outcome).toBe('applied');
  });

  test('healthz reports stream and backlog', async () => {
    const { names, topicId, runtime, worker } = await setUpWorker();
    await publishFixtureFiles({
      emulatorHost: emulator.host,
      projectId,
      topic: topicId,
      files: [path.join(repoRoot, 'fixtures/messages/01-single-leg.ndjson')],
    });
    // The dispatcher stays stopped, so the actions the messages queue stay in the backlog.
    worker.start();
    await emulator.waitForStats(
      names.subscription,
      (current) => current.ackCount >= 2 && current.unacked === 0,
    );

    const app = express();
    app.use(
      healthRouter({
        subscriber: () => worker.health,
        backlog: () => runtime.store.outboxBacklog(),
        dispatcherLastStepAt: () => runtime.dispatcher.lastStepAt,
        idleWarningMs: 60_000,
      }),
    );
    const server = app.listen(0, '127.0.0.1');
    onTestFinished(() => {
      server.close();
    });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;

    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    const body = (await response.json()) as {
      status: string;
      subscriber: SubscriberHealth;
      outbox: OutboxBacklog;
    };
    const pending = await runtime.store.listActions({ status: 'pending' });
    expect(response.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.subscriber.stream).toBe('open');
    expect(body.subscriber.acked).toBe(2);
    expect(body.subscriber.lastAckAt).not.toBeNull();
    expect(pending.length).toBeGreaterThan(0);
    expect(body.outbox.pending).toBe(pending.length);
  });
  test('deleted subscription reopens after error', async () => {
    const { names, topicId, worker, logs } = await setUpWorker();
    const subscriptionId = names.subscription.split('/').at(-1) ?? '';
    worker.start();
    await emulator.waitForStats(names.subscription, (current) => current.openStreams >= 1);

    await pubsub.subscription(subscriptionId).delete();
    await logs.waitFor((line) => line.msg === 'subscriber error; re-opening the subscription');
    expect(worker.health.stream).toBe('reopening');
    expect(worker.health.lastError).not.toBeNull();

    const recreated = await ensureTopicAndSubscription(pubsub, {
      topic: topicId,
      subscription: subscriptionId,
    });
    await pubsub.topic(topicId).publishMessage({
      data: Buffer.from('{}'),
      attributes: { 'X-Shopify-Topic': 'products/update', 'X-Shopify-Webhook-Id': 'reopen-1' },
    });
    await emulator.waitForStats(
      recreated.subscription,
      (current) => current.ackCount >= 1 && current.unacked === 0,
      { timeoutMs: 20_000 },
    );
    expect(worker.health.stream).toBe('open');
    expect(worker.health.reopenCount).toBeGreaterThanOrEqual(1);
    expect(worker.health.acked).toBe(1);
  });

  test('lookup failure marks healthz unhealthy', async () => {
    const own = await startEmulator();
    const ownClient = emulatorClient(own.host, projectId);
    await ensureTopicAndSubscription(ownClient, {
      topic: 'probe-orders',
      subscription: 'probe-sub',
    });
    await ownClient.close();

    const dir = await mkdtemp(path.join(tmpdir(), 'spar-bridge-probe-'));
    const config = loadConfig({ DATABASE_URL: `sqlite:${path.join(dir, 'store.db')}` });
    const logs = new LogLines();
    const logger = createLogger({ level: 'info', destination: logs });
    const runtime = await openRuntime(config, logger, { databaseUrl: config.databaseUrl });
    const worker = new PubSubWorker({
      projectId,
      subscription: 'probe-sub',
      emulatorHost: own.host,
      maxMessages: 20,
      deadLetterAttempts: 5,
      pipeline: runtime.pipeline,
      store: runtime.store,
      logger,
      probeIntervalMs: 100,
    });
    onTestFinished(async () => {
      await worker.stop(1_000);
      await runtime.close();
      await own.close();
      await rm(dir, { recursive: true, force: true });
    });

    worker.start();
    await own.close();
    await logs.waitFor((line) => String(line.msg).startsWith('Pub/Sub subscription lookup failed'));

    expect(worker.health.stream).toBe('open');
    expect(worker.health.probeError).not.toBeNull();
    const app = express();
    app.use(
      healthRouter({
        subscriber: () => worker.health,
        backlog: () => runtime.store.outboxBacklog(),
        dispatcherLastStepAt: () => null,
        idleWarningMs: 60_000,
      }),
    );
    const server = app.listen(0, '127.0.0.1');
    onTestFinished(() => {
      server.close();
    });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    const body = (await response.json()) as { problems: string[] };
    expect(response.status).toBe(503);
    expect(body.problems.join(' ')).toContain('lookup failed');
  });
});
