import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Pipeline } from '../ingress/pipeline.js';
import {
  readShopifyHeaders,
  deduplicationId,
  type InboundMessage,
} from '../ingress/inboundMessage.js';
import { readOrderId } from '../ingress/validateMessage.js';
import { createStore, sqlitePathOf } from '../store/createStore.js';
import type { Store } from '../store/types.js';

/**
 * Copies into a dry run's scratch store what the real store has recorded about each message before
 * the message is decided: whether its webhook id was processed, and its order's state. A dry
 * run then shows what the current rules decide from today's state, while nothing is written
 * to the real database. The real store is only read.
 */
export class DryRunSeeder {
  readonly #source: Store;
  readonly #target: Store;
  readonly #seededOrders = new Set<string>();

  private constructor(source: Store, target: Store) {
    this.#source = source;
    this.#target = target;
  }

  /**
   * Opens the real store read-only. Returns undefined, so the dry run starts from a blank
   * state, when the SQLite file does not exist yet (opening it would create it) or the
   * database has no spar-bridge tables.
   */
  static async open(
    databaseUrl: string,
    target: Store,
    logger: Logger,
  ): Promise<DryRunSeeder | undefined> {
    const sqlitePath = sqlitePathOf(databaseUrl);
    if (sqlitePath === ':memory:' || (sqlitePath !== undefined && !existsSync(sqlitePath))) {
      return undefined;
    }
    const source = await createStore({ databaseUrl, logger, readOnly: true });
    try {
      await source.getEvent('dry-run-probe');
    } catch (error) {
      await source.close().catch(() => undefined);
      logger.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'the stored state cannot be read (no spar-bridge tables yet?); the dry run starts from a blank state',
      );
      return undefined;
    }
    return new DryRunSeeder(source, target);
  }

  async seed(message: InboundMessage): Promise<void> {
    const headers = readShopifyHeaders(message.attributes);
    const webhookId = deduplicationId(message, headers);
    const processed = await this.#source.getEvent(webhookId);
    if (processed?.outcome != null && processed.outcome !== 'duplicate') {
      const outcome = processed.outcome;
      await this.#target.recordEvent(
        { ...processed, body: '', receivedAt: processed.receivedAt },
        () => ({ outcome, explanation: processed.explanation ?? '', actions: [] }),
      );
    }

    const shop = headers.shop ?? '';
    const orderId = peekOrderId(message.data);
    if (orderId === undefined || this.#seededOrders.has(`${shop}\n${orderId}`)) return;
    this.#seededOrders.add(`${shop}\n${orderId}`);

    const state = await this.#source.getOrderState(shop, orderId);
    if (state === undefined) return;
    await this.#target.recordEvent(
      {
        webhookId: `dry-run-seed:${shop}:${orderId}`,
        messageId: null,
        topic: null,
        shop,
        orderId,
        body: '',
        deliveryAttempt: null,
        receivedAt: new Date(),
      },
      () => ({ outcome: 'applied', explanation: 'state copied for a dry run', state, actions: [] }),
    );
  }

  close(): Promise<void> {
    return this.#source.close();
  }
}

/** Runs `message` through `pipeline` after seeding, for callers that hold an optional seeder. */
export async function processSeeded(
  pipeline: Pipeline,
  seeder: DryRunSeeder | undefined,
  message: InboundMessage,
): ReturnType<Pipeline['process']> {
  await seeder?.seed(message);
  return pipeline.process(message);
}

/** Reads the order id of an order or fulfillment body, without validating the rest. */
function peekOrderId(data: Buffer): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  return readOrderId(body, 'order_id' in body ? 'order_id' : 'id') ?? undefined;
}
