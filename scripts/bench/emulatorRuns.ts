/**
 * The benchmark parts that run on the Pub/Sub emulator: throughput of the full pipeline
 * against an ack-only baseline, and the worker's memory over a long run. The emulator and
 * the publisher run in this process, and each worker runs in its own child process.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PubSub } from '@google-cloud/pubsub';
import type { PubSubEmulator } from '../../src/emulator/index.js';
import { ensureTopicAndSubscription } from '../../src/emulator/index.js';
import { buildOrderMessages, type BenchMessage, type loadOrderTemplates } from './orders.js';
import { progress } from './progress.js';
import { WorkerProcess } from './workerProcess.js';

export type WorkerMode = 'pipeline' | 'ack-only';

/** Context shared by every emulator run. */
export interface EmulatorBench {
  emulator: PubSubEmulator;
  publisher: PubSub;
  projectId: string;
  templates: Awaited<ReturnType<typeof loadOrderTemplates>>;
  /** Temporary directory for databases, mail files and worker logs. */
  workDir: string;
  /** The compiled worker child script. */
  childPath: string;
  /** Node flags for each worker child, such as V8 heap limits. */
  workerNodeArgs: readonly string[];
}

export interface ThroughputRun {
  mode: WorkerMode;
  run: number;
  messages: number;
  /** From the `start` command to the emulator counting every message acked. */
  seconds: number;
  messagesPerSecond: number;
  /** Outbox actions still waiting when the last message was acked. */
  outboxWaitingAtLastAck: number;
  /** Time after the last ack until the dispatcher had delivered every action. */
  outboxDrainSeconds: number;
  /** Deliveries the emulator made. More than `messages` means redeliveries. */
  deliveries: number;
  nacked: number;
  peakRssBytes: number;
}

export interface MemoryRun {
  /** Worker RSS once the runtime is open and the subscription is open on an empty backlog. */
  idleRssBytes: number;
  /** Highest RSS the child sampled (every 50 ms) during the whole run. */
  peakRssBytes: number;
  batches: {
    eventsSoFar: number;
    rssBytes: number;
    heapUsedBytes: number;
    heapTotalBytes: number;
    externalBytes: number;
  }[];
  /** Least-squares slope of RSS after each batch, batches after the first, per 100,000 events. */
  rssSlopeBytesPer100kEvents: number;
  heapSlopeBytesPer100kEvents: number;
  events: number;
  seconds: number;
}

/** Statistics are polled this often while waiting for acks. */
const statsPollMs = 10;
/** Upper bound on any single wait, so a stalled run fails instead of hanging. */
const waitTimeoutMs = 10 * 60_000;
/** Idle time after opening the subscription before the idle RSS is read. */
const idleSettleMs = 2_000;
/** Time after a batch is done before its RSS is read, so timers and acks settle. */
const batchSettleMs = 500;

/**
 * Publishes `orders` orders (two messages each) to a fresh subscription, then starts a worker
 * child on it and times the drain until the emulator counts every message acked.
 */
export async function runThroughput(
  bench: EmulatorBench,
  mode: WorkerMode,
  run: number,
  orders: number,
): Promise<ThroughputRun> {
  const name = `bench-${mode}-${run}`;
  await ensureTopicAndSubscription(bench.publisher, { topic: name, subscription: name });
  const { worker } = await spawnWorker(bench, mode, name);

  try {
    const messages = buildOrderMessages(bench.templates, 0, orders);
    await publish(bench, name, messages);
    await waitFor(bench, name, (stats) => stats.unacked === messages.length);

    const startedAt = performance.now();
    await worker.request({ type: 'start' }, 'started');
    const stats = await waitFor(
      bench,
      name,
      (current) => current.unacked === 0 && current.ackCount >= messages.length,
    );
    const seconds = (performance.now() - startedAt) / 1000;

    const { waitingAtStart, drainSeconds } = await drainOutbox(worker);
    const sample = await worker.request({ type: 'sample' }, 'sample');
    return {
      mode,
      run,
      messages: messages.length,
      seconds,
      messagesPerSecond: messages.length / seconds,
      outboxWaitingAtLastAck: waitingAtStart,
      outboxDrainSeconds: drainSeconds,
      deliveries: stats.deliveries,
      nacked: sample.nacked,
      peakRssBytes: sample.peakRss,
    };
  } finally {
    await worker.stop();
  }
}

/**
 * Runs one pipeline worker through `batches` batches of `ordersPerBatch` orders each, published
 * while it is subscribed, and reads its RSS after each batch has been acked and its outbox
 * delivered.
 */
export async function runMemory(
  bench: EmulatorBench,
  batches: number,
  ordersPerBatch: number,
): Promise<MemoryRun> {
  const name = 'bench-memory';
  await ensureTopicAndSubscription(bench.publisher, { topic: name, subscription: name });
  const { worker } = await spawnWorker(bench, 'pipeline', name);

  try {
    await worker.request({ type: 'start' }, 'started');
    await sleep(idleSettleMs);
    const idle = await worker.request({ type: 'sample' }, 'sample');

    const startedAt = performance.now();
    const results: MemoryRun['batches'] = [];
    let events = 0;
    for (let batch = 0; batch < batches; batch++) {
      const messages = buildOrderMessages(bench.templates, batch * ordersPerBatch, ordersPerBatch);
      await publish(bench, name, messages);
      events += messages.length;
      await waitFor(bench, name, (stats) => stats.unacked === 0 && stats.ackCount >= events);
      await drainOutbox(worker);
      await sleep(batchSettleMs);

      const sample = await worker.request({ type: 'sample' }, 'sample');
      results.push({
        eventsSoFar: events,
        rssBytes: sample.rss,
        heapUsedBytes: sample.heapUsed,
        heapTotalBytes: sample.heapTotal,
        externalBytes: sample.external,
      });
      progress(
        `memory: batch ${batch + 1}/${batches}, ${events} events, RSS ${mb(sample.rss)} MB, ` +
          `heap ${mb(sample.heapUsed)} MB`,
      );
    }
    const seconds = (performance.now() - startedAt) / 1000;
    const final = await worker.request({ type: 'sample' }, 'sample');

    const steady = results.slice(1);
    return {
      idleRssBytes: idle.rss,
      peakRssBytes: final.peakRss,
      batches: results,
      rssSlopeBytesPer100kEvents:
        slope(steady.map((point) => [point.eventsSoFar, point.rssBytes])) * 100_000,
      heapSlopeBytesPer100kEvents:
        slope(steady.map((point) => [point.eventsSoFar, point.heapUsedBytes])) * 100_000,
      events,
      seconds,
    };
  } finally {
    await worker.stop();
  }
}

async function spawnWorker(
  bench: EmulatorBench,
  mode: WorkerMode,
  subscription: string,
): Promise<{ worker: WorkerProcess; readyRss: number }> {
  const dir = join(bench.workDir, subscription);
  mkdirSync(join(dir, 'mail'), { recursive: true });
  const catalogDir = new URL('../../fixtures/catalog/', import.meta.url).pathname;
  return WorkerProcess.spawn(
    bench.childPath,
    bench.workerNodeArgs,
    {
      BENCH_MODE: mode,
      BENCH_EMULATOR_HOST: bench.emulator.host,
      BENCH_PROJECT: bench.projectId,
      BENCH_SUBSCRIPTION: subscription,
      BENCH_DATABASE_URL: `sqlite:${join(dir, 'spar-bridge.db')}`,
      BENCH_MAIL_DIR: join(dir, 'mail'),
      BENCH_SKUS_FILE: join(catalogDir, 'skus.csv'),
      BENCH_ZIPS_FILE: join(catalogDir, 'zips.csv'),
    },
    bench.workDir,
  );
}

/** Publishes every message, letting the client batch them, and waits for all message ids. */
async function publish(
  bench: EmulatorBench,
  topic: string,
  messages: BenchMessage[],
): Promise<void> {
  const publisher = bench.publisher.topic(topic, {
    batching: { maxMessages: 500, maxMilliseconds: 5 },
  });
  const chunkSize = 2_000;
  for (let start = 0; start < messages.length; start += chunkSize) {
    await Promise.all(
      messages
        .slice(start, start + chunkSize)
        .map((message) =>
          publisher.publishMessage({ data: message.data, attributes: message.attributes }),
        ),
    );
  }
}

type Stats = ReturnType<PubSubEmulator['stats']>;

async function waitFor(
  bench: EmulatorBench,
  subscription: string,
  predicate: (stats: Stats) => boolean,
): Promise<Stats> {
  const deadline = Date.now() + waitTimeoutMs;
  for (;;) {
    const stats = bench.emulator.stats(subscription);
    if (predicate(stats)) return stats;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${waitTimeoutMs} ms waiting on ${subscription}: ${JSON.stringify(stats)}`,
      );
    }
    await sleep(statsPollMs);
  }
}

/** Polls the child's outbox until nothing waits for delivery. */
async function drainOutbox(
  worker: WorkerProcess,
): Promise<{ waitingAtStart: number; drainSeconds: number }> {
  const startedAt = performance.now();
  const deadline = Date.now() + waitTimeoutMs;
  let waitingAtStart: number | null = null;
  for (;;) {
    const backlog = await worker.request({ type: 'outbox' }, 'outbox');
    waitingAtStart ??= backlog.waiting;
    if (backlog.waiting === 0) {
      return { waitingAtStart, drainSeconds: (performance.now() - startedAt) / 1000 };
    }
    if (Date.now() > deadline) {
      throw new Error(`Outbox still had ${backlog.waiting} actions after ${waitTimeoutMs} ms`);
    }
    await sleep(20);
  }
}

function slope(points: [number, number][]): number {
  if (points.length < 2) return 0;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  let numerator = 0;
  let denominator = 0;
  for (const [x, y] of points) {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  }
  return denominator === 0 ? 0 : numerator / denominator;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
