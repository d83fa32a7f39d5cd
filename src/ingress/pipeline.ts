import type { Logger } from 'pino';
import type { Catalog } from '../catalog/catalog.js';
import { decide } from '../decision/decide.js';
import type { DecisionRules, OrderState } from '../decision/types.js';
import { actionLabel } from '../outbox/actionLabel.js';
import { developerAlert } from '../outbox/developerAlert.js';
import { parseTopic } from '../shopify/topics.js';
import type { EventDecision, EventOutcome, InboxEvent, Store } from '../store/types.js';
import { summarizeAction, type ActionSummary } from './actionSummary.js';
import {
  deduplicationId,
  readShopifyHeaders,
  type InboundMessage,
  type ShopifyHeaders,
} from './inboundMessage.js';
import { KeyedSerializer } from './keyedSerializer.js';
import { validateBody } from './validateMessage.js';

/** The result of one message, as the worker logs it and `replay` prints it. */
export interface EventResult {
  messageId: string | null;
  webhookId: string;
  topic: string | null;
  shop: string | null;
  orderId: string | null;
  outcome: EventOutcome;
  actions: ActionSummary[];
  explanation: string;
  durationMs: number;
}

export interface PipelineOptions {
  store: Store;
  /** Returns the current catalog; called once per event so a refreshed catalog applies at once. */
  catalog: () => Catalog;
  rules: DecisionRules;
  logger: Logger;
  clock?: () => Date;
}

/**
 * Takes one message from parse to commit: validate, record in the event log, decide, and
 * store outcome, order state and outbox actions in one transaction. Expected outcomes
 * (duplicate, stale, ignored, rejected) are returned as data. A failure of the store rejects,
 * so the caller can nack the message and let Pub/Sub redeliver it.
 */
export class Pipeline {
  readonly #options: PipelineOptions;
  readonly #clock: () => Date;
  readonly #perOrder = new KeyedSerializer();

  constructor(options: PipelineOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
  }

  async process(message: InboundMessage): Promise<EventResult> {
    const startedAt = performance.now();
    const headers = readShopifyHeaders(message.attributes);
    const webhookId = deduplicationId(message, headers);
    const shop = headers.shop ?? '';

    const inbox: InboxEvent = {
      webhookId,
      messageId: message.messageId,
      topic: headers.topic ?? null,
      shop: headers.shop ?? null,
      orderId: null,
      body: message.data.toString('utf8'),
      deliveryAttempt: message.deliveryAttempt,
      receivedAt: this.#clock(),
    };

    const decideEvent = this.#planDecision(message, headers, inbox, shop);

    const logger = this.#options.logger.child({
      messageId: message.messageId,
      webhookId,
      shop: inbox.shop,
      orderId: inbox.orderId,
      topic: inbox.topic,
      deliveryAttempt: message.deliveryAttempt,
    });

    const record = () => this.#options.store.recordEvent(inbox, decideEvent);
    const recorded =
      inbox.orderId === null
        ? await record()
        : await this.#perOrder.run(`${shop}\n${inbox.orderId}`, record);

    const durationMs = Math.round((performance.now() - startedAt) * 100) / 100;
    const result: EventResult = {
      messageId: message.messageId,
      webhookId,
      topic: inbox.topic,
      shop: inbox.shop,
      orderId: inbox.orderId,
      outcome: recorded.outcome,
      actions: recorded.actions.map(summarizeAction),
      explanation: recorded.explanation,
      durationMs,
    };

    const level = recorded.outcome === 'rejected' ? 'warn' : 'info';
    logger[level](
      {
        outcome: result.outcome,
        actions: result.actions.map(actionLabel),
        explanation: result.explanation,
        durationMs,
      },
      'event processed',
    );
    return result;
  }

  /**
   * Validates the message for its topic and returns the callback the store runs inside the
   * event's transaction. Sets `inbox.orderId` as a side effect, so the event log can be
   * searched by order even for rejected messages.
   */
  #planDecision(
    message: InboundMessage,
    headers: ShopifyHeaders,
    inbox: InboxEvent,
    shop: string,
  ): (state: OrderState | undefined) => EventDecision {
    const rawTopic = headers.topic;
    const topic = parseTopic(rawTopic);
    if (topic === undefined) {
      const explanation =
        rawTopic === undefined
          ? 'no X-Shopify-Topic attribute; nothing to do'
          : `topic ${rawTopic} is not handled; nothing to do`;
      return () => ({ outcome: 'ignored', explanation, actions: [] });
    }

    const validated = validateBody(topic, message.data, sentAt(headers, message, inbox.receivedAt));
    inbox.orderId = validated.orderId;
    if (!validated.ok) return () => this.#reject(inbox, shop, validated.reason);

    if (validated.event === null) {
      const explanation = `app uninstalled from ${validated.uninstalledShop ?? (shop || 'an unknown shop')}`;
      return () => ({ outcome: 'applied', explanation, actions: [] });
    }

    const event = validated.event;
    return (state) => {
      const decision = decide({
        shop,
        event,
        state,
        catalog: this.#options.catalog(),
        rules: this.#options.rules,
      });
      return {
        outcome: decision.outcome,
        explanation: decision.explanation,
        state: decision.state,
        actions: decision.actions,
      };
    };
  }

  #reject(inbox: InboxEvent, shop: string, reason: string): EventDecision {
    const alert = developerAlert({
      dedupeKey: `error:${inbox.webhookId}`,
      reason: `rejected message: ${reason}`,
      shop,
      orderId: inbox.orderId,
      webhookId: inbox.webhookId,
      topic: inbox.topic,
    });
    return { outcome: 'rejected', explanation: reason, actions: [alert] };
  }
}

/**
 * When the message left Shopify, as well as it is known: `X-Shopify-Triggered-At`, else the
 * Pub/Sub publish time, else when it was received.
 */
function sentAt(headers: ShopifyHeaders, message: InboundMessage, receivedAt: Date): Date {
  const candidates = [headers.triggeredAt, message.publishTime];
  for (const candidate of candidates) {
    const time = candidate === undefined || candidate === null ? Number.NaN : Date.parse(candidate);
    if (!Number.isNaN(time)) return new Date(time);
  }
  return receivedAt;
}
