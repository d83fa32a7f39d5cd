/**
 * The worker side of the benchmark, run as a child process so its RSS is the worker's alone.
 * The bench compiles it with `src/` to JavaScript first (see buildWorker.ts) and runs it with
 * plain `node`, as production runs the compiled worker.
 * It subscribes with `PubSubWorker` exactly as `spar-bridge serve` does (same flow control,
 * same logger, the outbox dispatcher running), and in `ack-only` mode swaps the pipeline for
 * one that returns at once, so the worker acks without deciding or committing anything.
 *
 * The parent passes settings in the environment (see `ChildSettings`) and drives the child
 * over the IPC channel with the messages in `ParentCommand`.
 */
import type { Runtime } from '../../src/app/runtime.js';
import type { Pipeline } from '../../src/ingress/pipeline.js';

// Set before the Google libraries load, so they never probe the cloud metadata server.
process.env.METADATA_SERVER_DETECTION = 'none';

const { openRuntime } = await import('../../src/app/runtime.js');
const { loadConfig } = await import('../../src/config/config.js');
const { createLogger } = await import('../../src/log/logger.js');
const { PubSubWorker } = await import('../../src/worker/pubsubWorker.js');

/** Commands the parent sends. */
export type ParentCommand =
  { type: 'start' } | { type: 'sample' } | { type: 'outbox' } | { type: 'stop' };

/** Replies the child sends. */
export type ChildReply =
  | { type: 'ready'; rss: number }
  | { type: 'started' }
  | {
      type: 'sample';
      rss: number;
      peakRss: number;
      heapUsed: number;
      heapTotal: number;
      /** Memory outside the V8 heap that V8 tracks, such as Buffers. */
      external: number;
      acked: number;
      nacked: number;
    }
  | { type: 'outbox'; waiting: number; failed: number }
  | { type: 'stopped' };

/** Environment the parent sets for the child. */
export interface ChildSettings {
  BENCH_MODE: 'pipeline' | 'ack-only';
  BENCH_EMULATOR_HOST: string;
  BENCH_PROJECT: string;
  BENCH_SUBSCRIPTION: string;
  BENCH_DATABASE_URL: string;
  BENCH_MAIL_DIR: string;
  /** The bundled catalog files, which the compiled child cannot find relative to itself. */
  BENCH_SKUS_FILE: string;
  BENCH_ZIPS_FILE: string;
}

/** How often the child reads its own RSS to track the peak. */
const rssSampleIntervalMs = 50;

const mode = requireEnv('BENCH_MODE');
if (mode !== 'pipeline' && mode !== 'ack-only')
  throw new Error(`Invalid BENCH_MODE ${mode}: expected pipeline or ack-only`);

// Production settings, from the same loader `serve` uses. Only the wiring differs.
const config = loadConfig({
  DATABASE_URL: requireEnv('BENCH_DATABASE_URL'),
  PUBSUB_PROJECT_ID: requireEnv('BENCH_PROJECT'),
  PUBSUB_SUBSCRIPTION: requireEnv('BENCH_SUBSCRIPTION'),
  PUBSUB_EMULATOR_HOST: requireEnv('BENCH_EMULATOR_HOST'),
  MAIL_DIR: requireEnv('BENCH_MAIL_DIR'),
  CATALOG_SKUS_FILE: requireEnv('BENCH_SKUS_FILE'),
  CATALOG_ZIPS_FILE: requireEnv('BENCH_ZIPS_FILE'),
  LOG_LEVEL: 'info',
});
// JSON lines to stdout, which the parent points at a file, as pm2 does in production.
const logger = createLogger({ level: config.logLevel, pretty: false });

const runtime: Runtime = await openRuntime(config, logger, {
  databaseUrl: config.databaseUrl,
  recoverInFlight: true,
});
runtime.dispatcher.start();

const pipeline: Pipeline = mode === 'pipeline' ? runtime.pipeline : ackOnlyPipeline();
const { projectId, subscription, emulatorHost } = config.pubsub;
if (projectId === undefined || subscription === undefined) {
  throw new Error('BENCH_PROJECT and BENCH_SUBSCRIPTION must be set');
}
const worker = new PubSubWorker({
  projectId,
  subscription,
  emulatorHost,
  maxMessages: config.pubsub.maxMessages,
  deadLetterAttempts: config.pubsub.deadLetterAttempts,
  pipeline,
  store: runtime.store,
  logger: logger.child({ component: 'subscriber' }),
  onCommitted: () => {
    runtime.dispatcher.notify();
  },
});

let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, rssSampleIntervalMs);

process.on('message', (command: ParentCommand) => {
  void handle(command).catch((error: unknown) => {
    logger.error({ err: error, command }, 'benchmark child command failed');
    process.exitCode = 1;
    process.disconnect();
  });
});
reply({ type: 'ready', rss: process.memoryUsage.rss() });

async function handle(command: ParentCommand): Promise<void> {
  switch (command.type) {
    case 'start':
      worker.start();
      reply({ type: 'started' });
      return;
    case 'sample': {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      reply({
        type: 'sample',
        rss: usage.rss,
        peakRss,
        heapUsed: usage.heapUsed,
        heapTotal: usage.heapTotal,
        external: usage.external,
        acked: worker.health.acked,
        nacked: worker.health.nacked,
      });
      return;
    }
    case 'outbox': {
      const backlog = await runtime.store.outboxBacklog();
      reply({
        type: 'outbox',
        waiting: backlog.pending + backlog.inFlight + backlog.inDoubt,
        failed: backlog.failed,
      });
      return;
    }
    case 'stop':
      clearInterval(sampler);
      await worker.stop(5_000);
      await runtime.close();
      logger.flush();
      reply({ type: 'stopped' });
      process.disconnect();
      return;
  }
}

/** Returns a pipeline that does no work, so the worker acks each message as soon as it arrives. */
function ackOnlyPipeline(): Pipeline {
  const stub: Pick<Pipeline, 'process'> = {
    process: (message) =>
      Promise.resolve({
        messageId: message.messageId,
        webhookId: '',
        topic: null,
        shop: null,
        orderId: null,
        outcome: 'ignored',
        actions: [],
        explanation: 'benchmark baseline: acked without processing',
        durationMs: 0,
      }),
  };
  // PubSubWorker calls only `process`. Pipeline's private fields make the cast necessary.
  return stub as Pipeline;
}

function reply(message: ChildReply): void {
  process.send?.(message);
}

function requireEnv(name: keyof ChildSettings): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}
