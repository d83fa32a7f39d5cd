import { createHash } from 'node:crypto';

/** A Pub/Sub message as every ingress path hands it to the pipeline. */
export interface InboundMessage {
  messageId: string | null;
  data: Buffer;
  /** Message attributes as delivered; names are matched case-insensitively. */
  attributes: Readonly<Record<string, string>>;
  publishTime: string | null;
  /** Pub/Sub's delivery attempt counter; only set when the subscription has a dead-letter policy. */
  deliveryAttempt: number | null;
}

/** The `X-Shopify-*` attributes the pipeline reads, all optional. */
export interface ShopifyHeaders {
  topic: string | undefined;
  shop: string | undefined;
  webhookId: string | undefined;
  eventId: string | undefined;
  triggeredAt: string | undefined;
  apiVersion: string | undefined;
}

/** Returns the attribute whose name matches `name` ignoring case, or undefined. */
export function readAttribute(
  attributes: Readonly<Record<string, string>>,
  name: string,
): string | undefined {
  const expected = name.toLowerCase();
  for (const [key, value] of Object.entries(attributes)) {
    if (key.toLowerCase() === expected && value.trim() !== '') return value.trim();
  }
  return undefined;
}

export function readShopifyHeaders(attributes: Readonly<Record<string, string>>): ShopifyHeaders {
  return {
    topic: readAttribute(attributes, 'X-Shopify-Topic'),
    shop: readAttribute(attributes, 'X-Shopify-Shop-Domain'),
    webhookId: readAttribute(attributes, 'X-Shopify-Webhook-Id'),
    eventId: readAttribute(attributes, 'X-Shopify-Event-Id'),
    triggeredAt: readAttribute(attributes, 'X-Shopify-Triggered-At'),
    apiVersion: readAttribute(attributes, 'X-Shopify-API-Version'),
  };
}

/**
 * Returns the id that deduplicates a message: Shopify's webhook id, which is the same on every
 * redelivery. Without it the Pub/Sub message id is used. Without that, a hash of topic and data
 * is used, so a message replayed from a file twice is still recognised.
 */
export function deduplicationId(message: InboundMessage, headers: ShopifyHeaders): string {
  if (headers.webhookId !== undefined) return headers.webhookId;
  if (message.messageId !== null && message.messageId !== '') return `pubsub:${message.messageId}`;

  const hash = createHash('sha256')
    .update(headers.topic ?? '')
    .update('\n')
    .update(message.data)
    .digest('hex');
  return `sha256:${hash.slice(0, 32)}`;
}
