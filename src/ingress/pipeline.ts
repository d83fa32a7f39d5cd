import type { Logger } from 'pino';
import type { Catalog } from '../catalog/catalog.js';
import { decide } from '../decision/decide.js';
import type { DecisionRules, EmailAction } from '../decision/types.js';
import { parseTopic } from '../shopify/topics.js';
import type { EventDecision, EventOutcome, InboxEvent, Store } from '../store/types.js';
import { summarizeAction, type ActionSummary } from './actionSummary.js';
import { deduplicationId, readShopifyHeaders, type InboundMessage } from './inboundMessage.js';
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
    const topic = parseTopic(headers.topic);

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

    let decideEvent: (state: Parameters<typeof decide>[0]['state']) => EventDecision;
    if (topic === undefined) {
      const explanation =
        headers.topic === undefined
          ? 'no X-Shopify-Topic attribute; nothing to do'
          : `topic ${headers.topic} is not handled; nothing to do`;
      decideEvent = () => ({ outcome: 'ignored', explanation, actions: [] });
    } else {
      const validated = validateBody(topic, message.data);
      inbox.orderId = validated.orderId;
      if (!validated.ok) {
        decideEvent = () => this.#reject(inbox, shop, validated.reason);
      } else if (validated.event === null) {
        const explanation = `app uninstalled from ${validated.uninstalledShop ?? (shop || 'an unknown shop')}`;
        decideEvent = () => ({ outcome: 'applied', explanation, actions: [] });
      } else {
        const event = validated.event;
        decideEvent = (state) => {
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
    }

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
        actions: result.actions.map(describeSummary),
        explanation: result.explanation,
        durationMs,
      },
      'event processed',
    );
    return result;
  }

  #reject(inbox: InboxEvent, shop: string, reason: string): EventDecision {
    const alert: EmailAction = {
      type: 'email',
      kind: 'error',
      dedupeKey: `error:${inbox.webhookId}`,
      details: {
        shop,
        orderId: inbox.orderId,
        orderName: null,
        legs: [],
        zip: null,
        countryCode: null,
        cancelReason: null,
        reason: `rejected message: ${reason}`,
        webhookId: inbox.webhookId,
        topic: inbox.topic,
      },
    };
    return { outcome: 'rejected', explanation: reason, actions: [alert] };
  }
}

function describeSummary(summary: ActionSummary): string {
  return summary.type === 'email' ? `email:${summary.kind}` : summary.type;
}
