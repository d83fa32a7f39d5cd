import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildFixtures } from '../../scripts/build-fixtures.js';
import { parseTopic } from '../../src/shopify/topics.js';
import { fulfillmentSchema, orderSchema } from '../../src/shopify/webhookBodies.js';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const messagesDir = join(repositoryRoot, 'fixtures/messages');
const malformedFile = '11-malformed.ndjson';
const duplicateFile = '09-duplicate-delivery.ndjson';

interface PubSubMessage {
  data: string;
  attributes: Record<string, string>;
  messageId: string;
  publishTime: string;
}

interface Delivered {
  file: string;
  index: number;
  message: PubSubMessage;
  /** Attribute values keyed by lower-case name, as the service reads them. */
  headers: Map<string, string>;
  payload: string;
}

function loadFile(file: string): Delivered[] {
  const text = readFileSync(join(messagesDir, file), 'utf8');
  const lines = text.split('\n').filter((line) => line.length > 0);
  return lines.map((line, index) => {
    const message = JSON.parse(line) as PubSubMessage;
    const headers = new Map(
      Object.entries(message.attributes).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const payload = Buffer.from(message.data, 'base64').toString('utf8');
    return { file, index, message, headers, payload };
  });
}

const files = readdirSync(messagesDir)
  .filter((file) => file.endsWith('.ndjson'))
  .sort();
const delivered = files.flatMap(loadFile);
const wellFormed = delivered.filter((entry) => entry.file !== malformedFile);

function header(entry: Delivered, name: string): string {
  const value = entry.headers.get(name.toLowerCase());
  if (value === undefined) throw new Error(`${entry.file}#${entry.index} has no ${name}`);
  return value;
}

function body(entry: Delivered): Record<string, unknown> {
  return JSON.parse(entry.payload) as Record<string, unknown>;
}

/** Visits every value under `value` together with the key it is stored under. */
function visit(value: unknown, onEntry: (key: string, value: unknown) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, onEntry);
    return;
  }
  if (typeof value !== 'object' || value === null) return;

  for (const [key, child] of Object.entries(value)) {
    onEntry(key, child);
    visit(child, onEntry);
  }
}

describe('fixture messages', () => {
  it('has one file per scenario', () => {
    expect(files).toHaveLength(12);
    expect(files[0]).toBe('01-single-leg.ndjson');
  });

  it('decodes every message', () => {
    for (const entry of delivered) {
      const where = `${entry.file}#${entry.index}`;
      expect(Buffer.from(entry.payload, 'utf8').toString('base64'), where).toBe(entry.message.data);
      expect(entry.message.messageId, where).toMatch(/^\d{17}$/);
      expect(Date.parse(entry.message.publishTime), where).not.toBeNaN();
      expect(header(entry, 'X-Shopify-Shop-Domain'), where).toBe('example-furniture.myshopify.com');
      expect(header(entry, 'X-Shopify-API-Version'), where).toBe('2026-10');
      expect(header(entry, 'X-Shopify-Webhook-Id'), where).toMatch(/^[0-9a-f-]{36}$/);
      expect(header(entry, 'X-Shopify-Event-Id'), where).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.parse(header(entry, 'X-Shopify-Triggered-At')), where).not.toBeNaN();
    }
  });

  it('parses valid bodies by topic', () => {
    for (const entry of wellFormed) {
      const where = `${entry.file}#${entry.index}`;
      const topic = parseTopic(header(entry, 'X-Shopify-Topic'));
      expect(topic, where).toBeDefined();

      const schema = topic === 'fulfillments/create' ? fulfillmentSchema : orderSchema;
      const result = schema.safeParse(body(entry));
      expect(result.error?.issues ?? [], where).toEqual([]);
    }
  });

  it('rejects malformed bodies on intended field', () => {
    const [notJson, missingItems, wrongType, otherTopic] = loadFile(malformedFile);

    expect(() => JSON.parse(notJson!.payload) as unknown).toThrow(SyntaxError);

    const missing = orderSchema.safeParse(body(missingItems!));
    expect(missing.success).toBe(false);
    expect(missing.error?.issues.map((issue) => issue.path)).toEqual([['line_items']]);

    const wrong = orderSchema.safeParse(body(wrongType!));
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues.map((issue) => issue.path)).toEqual([['line_items', 0, 'quantity']]);

    expect(header(otherTopic!, 'X-Shopify-Topic')).toBe('products/update');
    expect(parseTopic(header(otherTopic!, 'X-Shopify-Topic'))).toBeUndefined();
  });

  it('repeats one webhook id only', () => {
    const byWebhookId = new Map<string, Delivered[]>();
    for (const entry of delivered) {
      const id = header(entry, 'X-Shopify-Webhook-Id');
      byWebhookId.set(id, [...(byWebhookId.get(id) ?? []), entry]);
    }
    const repeated = [...byWebhookId.values()].filter((entries) => entries.length > 1);

    expect(repeated).toHaveLength(1);
    const [first, second] = repeated[0]!;
    expect(repeated[0]).toHaveLength(2);
    expect(first!.file).toBe(duplicateFile);
    expect(second!.file).toBe(duplicateFile);
    expect(second!.message.data).toBe(first!.message.data);
    expect(second!.message.attributes).toEqual(first!.message.attributes);
    expect(second!.message.messageId).not.toBe(first!.message.messageId);
  });

  it('keeps message ids unique', () => {
    const ids = delivered.map((entry) => entry.message.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('raises updated_at through each lifecycle', () => {
    const snapshots = new Map<string, { triggeredAt: number; updatedAt: number }[]>();
    const seenWebhooks = new Set<string>();
    for (const entry of wellFormed) {
      const webhookId = header(entry, 'X-Shopify-Webhook-Id');
      if (!header(entry, 'X-Shopify-Topic').startsWith('orders/') || seenWebhooks.has(webhookId))
        continue;
      seenWebhooks.add(webhookId);

      const order = orderSchema.parse(body(entry));
      const list = snapshots.get(order.id) ?? [];
      list.push({
        triggeredAt: Date.parse(header(entry, 'X-Shopify-Triggered-At')),
        updatedAt: Date.parse(order.updated_at),
      });
      snapshots.set(order.id, list);
    }

    expect(snapshots.size).toBeGreaterThan(10);
    for (const [orderId, list] of snapshots) {
      const updatedAt = list.sort((a, b) => a.triggeredAt - b.triggeredAt).map((s) => s.updatedAt);
      for (let i = 1; i < updatedAt.length; i++) {
        expect(updatedAt[i], `order ${orderId}`).toBeGreaterThan(updatedAt[i - 1]!);
      }
    }
  });

  it('delivers out-of-order snapshots late', () => {
    const [fulfilled, created, partial] = loadFile('10-out-of-order.ndjson').map((entry) =>
      orderSchema.parse(body(entry)),
    );
    expect(fulfilled!.id).toBe(created!.id);
    expect(Date.parse(created!.updated_at)).toBeLessThan(Date.parse(fulfilled!.updated_at));
    expect(Date.parse(partial!.updated_at)).toBeLessThan(Date.parse(fulfilled!.updated_at));

    const cancelScenario = loadFile('07-cancel-before-posting.ndjson');
    const cancelled = orderSchema.parse(body(cancelScenario[1]!));
    const lateFulfilled = orderSchema.parse(body(cancelScenario[2]!));
    expect(cancelled.cancel_reason).toBe('customer');
    expect(Date.parse(lateFulfilled.updated_at)).toBeLessThan(Date.parse(cancelled.updated_at));
  });

  it('uses lower-case attribute names once', () => {
    const lowerCaseFiles = files.filter((file) =>
      loadFile(file).every((entry) =>
        Object.keys(entry.message.attributes).every((name) => name === name.toLowerCase()),
      ),
    );
    expect(lowerCaseFiles).toEqual(['05-zip-formats.ndjson']);
  });

  it('contains the ZIP and SKU edge cases', () => {
    const zips: unknown[] = [];
    const skus: unknown[] = [];
    for (const entry of wellFormed) {
      const parsed = body(entry);
      visit(parsed.shipping_address, (key, value) => {
        if (key === 'zip') zips.push(value);
      });
      visit(parsed.line_items, (key, value) => {
        if (key === 'sku') skus.push(value);
      });
    }

    expect(zips).toContain('02134-1234');
    expect(zips).toContain(2134);
    expect(zips).toContain('73301');
    expect(skus).toContain(null);
    expect(skus).toContain('');
    expect(skus).toContain(' desk-72-asm ');
  });

  it('invents all customer contact data', () => {
    for (const entry of wellFormed) {
      visit(body(entry), (key, value) => {
        const where = `${entry.file}#${entry.index} ${key}`;
        if ((key === 'email' || key === 'contact_email') && value !== null) {
          expect(value, where).toMatch(/@example\.com$/);
        }
        if (key === 'phone' && value !== null) {
          expect(value, where).toMatch(/^\+1\d{3}55501\d{2}$/);
        }
      });
    }
  });
});

describe('fixture examples', () => {
  it('parses gcloud pull output', () => {
    const path = join(repositoryRoot, 'fixtures/examples/gcloud-pull.json');
    const pulled = JSON.parse(readFileSync(path, 'utf8')) as {
      ackId: string;
      message: PubSubMessage;
    }[];

    expect(pulled).toHaveLength(2);
    for (const { ackId, message } of pulled) {
      expect(ackId.length).toBeGreaterThan(0);
      const order = orderSchema.safeParse(
        JSON.parse(Buffer.from(message.data, 'base64').toString('utf8')),
      );
      expect(order.error?.issues ?? []).toEqual([]);
      expect(message.attributes['X-Shopify-Topic']).toMatch(/^orders\//);
    }
  });

  it('parses bare order body', () => {
    const path = join(repositoryRoot, 'fixtures/examples/order-create-body.json');
    const order = orderSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    expect(order.error?.issues ?? []).toEqual([]);
  });
});

describe('buildFixtures', () => {
  it('matches committed files', async () => {
    const built = await buildFixtures();

    expect(built.length).toBe(files.length + 2);
    for (const file of built) {
      expect(readFileSync(join(repositoryRoot, file.path), 'utf8'), file.path).toBe(file.content);
    }
  });

  it('is deterministic', async () => {
    const first = await buildFixtures();
    const second = await buildFixtures();
    expect(second).toEqual(first);
  });
});
