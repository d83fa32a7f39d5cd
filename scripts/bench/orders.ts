/**
 * Generates many distinct Shopify order lifecycles for the benchmark from the bundled fixtures.
 * Every order in fixtures/messages/ that has both an `orders/create` and an `orders/fulfilled`
 * message becomes a template. Each generated order copies one template under a new order id,
 * order name and webhook ids. Generation is deterministic, so two runs publish the same bytes.
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readMessageFile } from '../../src/emulator/readMessageFile.js';
import { readAttribute } from '../../src/ingress/inboundMessage.js';

/** One message ready to publish. */
export interface BenchMessage {
  data: Buffer;
  attributes: Record<string, string>;
  /** The Shopify topic, as in the `X-Shopify-Topic` attribute. */
  topic: string;
}

interface OrderTemplate {
  created: { body: Record<string, unknown>; attributes: Record<string, string> };
  fulfilled: { body: Record<string, unknown>; attributes: Record<string, string> };
}

const fixturesDir = new URL('../../fixtures/messages/', import.meta.url).pathname;

/** First order id of generated orders, far above the fixtures' 6512049001xxx range. */
const firstOrderId = 7_900_000_000_000;

/** Reads the order templates: each fixture order with both a create and a fulfilled message. */
export async function loadOrderTemplates(): Promise<OrderTemplate[]> {
  const files = (await readdir(fixturesDir)).filter((name) => name.endsWith('.ndjson')).sort();
  const templates: OrderTemplate[] = [];

  for (const file of files) {
    const byOrder = new Map<unknown, Partial<OrderTemplate>>();
    for (const message of await readMessageFile(join(fixturesDir, file))) {
      const topic = readAttribute(message.attributes, 'X-Shopify-Topic');
      if (topic !== 'orders/create' && topic !== 'orders/fulfilled') continue;

      let body: unknown;
      try {
        body = JSON.parse(message.data.toString('utf8'));
      } catch {
        continue; // the malformed fixtures are not realistic load
      }
      if (typeof body !== 'object' || body === null || !('id' in body)) continue;

      const record = body as Record<string, unknown>;
      const entry = byOrder.get(record.id) ?? {};
      const part = { body: record, attributes: message.attributes };
      if (topic === 'orders/create') entry.created = part;
      else entry.fulfilled = part;
      byOrder.set(record.id, entry);
    }

    for (const entry of byOrder.values()) {
      if (entry.created !== undefined && entry.fulfilled !== undefined) {
        templates.push({ created: entry.created, fulfilled: entry.fulfilled });
      }
    }
  }

  if (templates.length === 0) {
    throw new Error(
      `No order with both orders/create and orders/fulfilled found in ${fixturesDir}`,
    );
  }
  return templates;
}

/**
 * Builds `count` orders starting at order number `first`, two messages each: `orders/create`
 * followed by `orders/fulfilled`. Orders numbered differently never share an order id or a
 * webhook id, so batches built with disjoint ranges can go to the same database.
 */
export function buildOrderMessages(
  templates: readonly OrderTemplate[],
  first: number,
  count: number,
): BenchMessage[] {
  const messages: BenchMessage[] = [];
  for (let number = first; number < first + count; number++) {
    const template = templates[number % templates.length];
    if (template === undefined) throw new Error('No order templates loaded');

    messages.push(copyAsOrder(template.created, 'orders/create', number));
    messages.push(copyAsOrder(template.fulfilled, 'orders/fulfilled', number));
  }
  return messages;
}

function copyAsOrder(part: OrderTemplate['created'], topic: string, number: number): BenchMessage {
  const id = firstOrderId + number;
  const body: Record<string, unknown> = {
    ...part.body,
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#B${number}`,
    order_number: 100_000 + number,
  };
  if (Array.isArray(part.body.fulfillments)) {
    body.fulfillments = (part.body.fulfillments as Record<string, unknown>[]).map(
      (fulfillment) => ({ ...fulfillment, order_id: id }),
    );
  }

  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(part.attributes)) {
    const lower = name.toLowerCase();
    if (lower === 'x-shopify-webhook-id') attributes[name] = uuidFrom(`webhook:${topic}:${number}`);
    else if (lower === 'x-shopify-event-id')
      attributes[name] = uuidFrom(`event:${topic}:${number}`);
    else attributes[name] = value;
  }

  return { data: Buffer.from(JSON.stringify(body)), attributes, topic };
}

/** Derives a UUID (version 4 layout) from `seed`. */
function uuidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    `${((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ].join('-');
}
