/**
 * In-process latency of the decision rules and of the whole pipeline, per message, on the
 * same generated orders the emulator runs publish.
 */
import { join } from 'node:path';
import pino from 'pino';
import { openRuntime } from '../../src/app/runtime.js';
import { CsvCatalogSource } from '../../src/catalog/csvCatalogSource.js';
import { loadConfig } from '../../src/config/config.js';
import { decide } from '../../src/decision/decide.js';
import type { OrderState } from '../../src/decision/types.js';
import { validateBody } from '../../src/ingress/validateMessage.js';
import { createLogger } from '../../src/log/logger.js';
import { parseTopic } from '../../src/shopify/topics.js';
import { buildOrderMessages, type loadOrderTemplates } from './orders.js';

export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

type Templates = Awaited<ReturnType<typeof loadOrderTemplates>>;

const shop = 'example-furniture.myshopify.com';

/**
 * Times `decide()` alone on `orders` orders (create then fulfilled, each fulfilled decided
 * against the state its create produced). Bodies are parsed and validated before timing,
 * because the pipeline does that outside `decide()` too. One untimed pass warms up the JIT.
 */
export async function measureDecide(templates: Templates, orders: number): Promise<LatencySummary> {
  const config = loadConfig({});
  const catalog = await new CsvCatalogSource({
    skusFile: config.catalog.skusFile,
    zipsFile: config.catalog.zipsFile,
    logger: pino({ level: 'silent' }),
  }).load();
  const rules = {
    notifyNoAssembly: config.rules.notifyNoAssembly,
    cancelReasons: config.rules.cancelReasons === null ? null : new Set(config.rules.cancelReasons),
  };

  const events = buildOrderMessages(templates, 0, orders).map((message) => {
    const topic = parseTopic(message.topic);
    if (topic === undefined) throw new Error(`Unhandled topic ${message.topic}`);
    const validated = validateBody(topic, message.data);
    if (!validated.ok || validated.event === null) {
      throw new Error(`Generated ${message.topic} message is invalid`);
    }
    return { event: validated.event, orderId: validated.orderId };
  });

  const decideAll = (timings: number[] | null): void => {
    const states = new Map<string, OrderState>();
    for (const { event, orderId } of events) {
      const startedAt = performance.now();
      const decision = decide({ shop, event, state: states.get(orderId), catalog, rules });
      const elapsed = performance.now() - startedAt;
      timings?.push(elapsed);
      states.set(orderId, decision.state);
    }
  };

  decideAll(null);
  const timings: number[] = [];
  decideAll(timings);
  return summarize(timings);
}

/**
 * Times `Pipeline.process` per message, one at a time, on a fresh SQLite file: parse,
 * validate, decide and the commit of event, order state and outbox rows. The pipeline logs
 * each event at info level to a file, as in production; the dispatcher does not run.
 */
export async function measurePipeline(
  templates: Templates,
  orders: number,
  workDir: string,
): Promise<LatencySummary> {
  const config = loadConfig({ DATABASE_URL: `sqlite:${join(workDir, 'pipeline-latency.db')}` });
  const destination = pino.destination({ dest: join(workDir, 'pipeline-latency.log'), sync: true });
  const logger = createLogger({ level: 'info', destination });
  const runtime = await openRuntime(config, logger, { databaseUrl: config.databaseUrl });
  try {
    const warmUp = buildOrderMessages(templates, 1_000_000, Math.min(orders, 500));
    const messages = buildOrderMessages(templates, 0, orders);
    const timings: number[] = [];
    let index = 0;
    for (const [batch, record] of [
      [warmUp, false],
      [messages, true],
    ] as const) {
      for (const message of batch) {
        index += 1;
        const startedAt = performance.now();
        await runtime.pipeline.process({
          messageId: `latency-${index}`,
          data: message.data,
          attributes: message.attributes,
          publishTime: new Date().toISOString(),
          deliveryAttempt: 1,
        });
        const elapsed = performance.now() - startedAt;
        if (record) timings.push(elapsed);
      }
    }
    return summarize(timings);
  } finally {
    await runtime.close();
    destination.end();
  }
}

/** Percentiles by the nearest-rank method. */
export function summarize(timings: number[]): LatencySummary {
  const sorted = [...timings].sort((a, b) => a - b);
  const rank = (fraction: number): number =>
    sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
  return {
    samples: sorted.length,
    p50Ms: rank(0.5),
    p99Ms: rank(0.99),
    maxMs: sorted.at(-1) ?? Number.NaN,
    meanMs: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}
