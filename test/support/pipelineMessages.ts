/**
 * Builders of Pub/Sub messages as the pipeline receives them, for the pipeline tests. The
 * attributes carry the `X-Shopify-*` headers and `data` carries the webhook body.
 */
import { randomUUID } from 'node:crypto';
import type { InboundMessage } from '../../src/ingress/inboundMessage.js';
import { products, testShop, type OrderInput } from './orders.js';

export interface PipelineMessageInput {
  topic: string;
  /** The body as JSON, or raw text for bodies that are not JSON. */
  body: unknown;
  /** `X-Shopify-Webhook-Id`, a fresh UUID by default. `null` leaves the attribute out. */
  webhookId?: string | null;
  messageId?: string | null;
  /** Whether the attribute names are written in lower case (`x-shopify-topic`). */
  lowerCaseNames?: boolean;
}

export function pipelineMessage(input: PipelineMessageInput): InboundMessage {
  const webhookId = input.webhookId === undefined ? randomUUID() : input.webhookId;
  const sentAt = triggeredAt(input.body);
  const headers: Record<string, string> = {
    'X-Shopify-Topic': input.topic,
    'X-Shopify-Shop-Domain': testShop,
    'X-Shopify-API-Version': '2026-10',
    'X-Shopify-Triggered-At': sentAt.toISOString(),
  };
  if (webhookId !== null) headers['X-Shopify-Webhook-Id'] = webhookId;

  const attributes =
    input.lowerCaseNames === true
      ? Object.fromEntries(
          Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]),
        )
      : headers;
  const text = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
  return {
    messageId: input.messageId === undefined ? randomUUID() : input.messageId,
    data: Buffer.from(text, 'utf8'),
    attributes,
    publishTime: new Date(sentAt.getTime() + 1_000).toISOString(),
    deliveryAttempt: null,
  };
}

/**
 * Returns when Shopify would send a webhook for this body: a second after its `updated_at`,
 * as the real service stamps both from one clock. Bodies without one use a fixed time.
 */
function triggeredAt(body: unknown): Date {
  const updatedAt =
    typeof body === 'object' && body !== null && 'updated_at' in body ? body.updated_at : undefined;
  const time = typeof updatedAt === 'string' ? Date.parse(updatedAt) : Number.NaN;
  return new Date(Number.isNaN(time) ? Date.parse('2026-12-01T14:30:05.000Z') : time + 1_000);
}

/** Builds an order with one desk (an assembly leg) that ships to the covered ZIP 02134. */
export function deskOrder(orderId: number, overrides: Partial<OrderInput> = {}): OrderInput {
  return {
    id: orderId,
    name: `#${orderId % 10_000}`,
    lineItems: [{ id: orderId * 10 + 1, sku: products.desk.sku, title: products.desk.title }],
    ...overrides,
  };
}

/** Builds the same desk order after the desk shipped, with a newer `updated_at`. */
export function fulfilledDeskOrder(orderId: number): OrderInput {
  const lineId = orderId * 10 + 1;
  return deskOrder(orderId, {
    updatedAt: '2026-12-02T14:00:05-05:00',
    lineItems: [
      {
        id: lineId,
        sku: products.desk.sku,
        title: products.desk.title,
        fulfillmentStatus: 'fulfilled',
      },
    ],
    fulfillments: [{ id: orderId + 7, lines: [{ id: lineId, quantity: 1 }] }],
  });
}
