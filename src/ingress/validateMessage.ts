import type { z } from 'zod';
import type { OrderEvent } from '../decision/types.js';
import { fulfillmentSchema, orderSchema, shopSchema } from '../shopify/webhookBodies.js';
import type { Topic } from '../shopify/topics.js';

export type ValidatedBody =
  | { ok: true; event: OrderEvent; orderId: string }
  | { ok: true; event: null; orderId: null; uninstalledShop: string | null }
  | { ok: false; reason: string; orderId: string | null };

/**
 * How far an order's `updated_at` may lie after the message was sent. Shopify stamps both
 * from its own clock, so more than clock jitter means a corrupt or hand-made body.
 */
export const maxUpdatedAtLeadMs = 60 * 60_000;

/**
 * Parses and validates a webhook body for its topic. The failure reason names the field,
 * such as `line_items[0].quantity: expected number, received string`. An order body whose
 * `updated_at` lies more than `maxUpdatedAtLeadMs` after `sentAt` is rejected too: because
 * rules decide from the newest `updated_at`, such a body would make every later real
 * snapshot of the order look stale.
 */
export function validateBody(topic: Topic, data: Buffer, sentAt?: Date): ValidatedBody {
  let body: unknown;
  try {
    body = JSON.parse(data.toString('utf8'));
  } catch (error) {
    return {
      ok: false,
      reason: `message data is not valid JSON: ${(error as Error).message}`,
      orderId: null,
    };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, reason: 'message data is not a JSON object', orderId: null };
  }

  if (topic === 'app/uninstalled') {
    const shop = shopSchema.safeParse(body);
    return shop.success
      ? {
          ok: true,
          event: null,
          orderId: null,
          uninstalledShop: shop.data.myshopify_domain ?? shop.data.domain ?? null,
        }
      : { ok: false, reason: describeIssues(shop.error), orderId: null };
  }

  if (topic === 'fulfillments/create') {
    const fulfillment = fulfillmentSchema.safeParse(body);
    if (!fulfillment.success) {
      return {
        ok: false,
        reason: describeIssues(fulfillment.error),
        orderId: readOrderId(body, 'order_id'),
      };
    }
    return {
      ok: true,
      event: { kind: 'fulfillment', topic, fulfillment: fulfillment.data },
      orderId: fulfillment.data.order_id,
    };
  }

  const order = orderSchema.safeParse(body);
  if (!order.success)
    return { ok: false, reason: describeIssues(order.error), orderId: readOrderId(body, 'id') };

  const updatedAtMs = Date.parse(order.data.updated_at);
  if (sentAt !== undefined && updatedAtMs - sentAt.getTime() > maxUpdatedAtLeadMs) {
    return {
      ok: false,
      reason:
        `invalid webhook body: updated_at ${order.data.updated_at} is later than the message ` +
        `was sent (${sentAt.toISOString()}); check the clock of whatever produced it`,
      orderId: order.data.id,
    };
  }
  return { ok: true, event: { kind: 'order', topic, order: order.data }, orderId: order.data.id };
}

function describeIssues(error: z.ZodError): string {
  const shown = error.issues
    .slice(0, 3)
    .map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return `invalid webhook body: ${shown.join('; ')}${more}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/**
 * Reads the order id field of a body that may be invalid otherwise, so a rejection can still
 * be found by order. Returns null when the field is missing or not a numeric id.
 */
export function readOrderId(body: object, field: 'id' | 'order_id'): string | null {
  const value = (body as Record<string, unknown>)[field];
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  return null;
}
