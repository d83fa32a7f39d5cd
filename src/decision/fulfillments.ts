import type { ShopifyFulfillment, ShopifyOrder } from '../shopify/webhookBodies.js';
import { currentQuantity } from './quantities.js';

/** Fulfillment statuses that mean the goods left; a missing status counts too (older bodies). */
export function fulfillmentCounts(fulfillment: ShopifyFulfillment): boolean {
  return (
    fulfillment.status === null ||
    fulfillment.status === undefined ||
    fulfillment.status === 'success'
  );
}

function timestampOf(fulfillment: ShopifyFulfillment): number {
  const parsed = Date.parse(fulfillment.updated_at ?? fulfillment.created_at ?? '');
  return Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
}

/** The more recent of two versions of one fulfillment, by `updated_at`; `preferred` on a tie. */
export function newerFulfillment(
  preferred: ShopifyFulfillment,
  other: ShopifyFulfillment | undefined,
): ShopifyFulfillment {
  if (other === undefined) return preferred;
  return timestampOf(preferred) >= timestampOf(other) ? preferred : other;
}

/**
 * Every fulfillment known for an order, one per fulfillment id: those in the order body and
 * those stored from `fulfillments/create` events. When both hold the same id, the newer
 * version (by `updated_at`) wins, so a fulfillment cancelled later stops counting; on a tie
 * the order body wins.
 */
export function mergeFulfillments(
  order: Pick<ShopifyOrder, 'fulfillments'> | null,
  stored: Readonly<Record<string, ShopifyFulfillment>>,
): ShopifyFulfillment[] {
  const byId = new Map<string, ShopifyFulfillment>(Object.entries(stored));
  for (const fulfillment of order?.fulfillments ?? []) {
    byId.set(fulfillment.id, newerFulfillment(fulfillment, byId.get(fulfillment.id)));
  }
  return [...byId.values()];
}

/** The merged fulfillments that count as shipped: status `success` or no status. */
export function countingFulfillments(
  order: Pick<ShopifyOrder, 'fulfillments'> | null,
  stored: Readonly<Record<string, ShopifyFulfillment>>,
): ShopifyFulfillment[] {
  return mergeFulfillments(order, stored).filter(fulfillmentCounts);
}

/**
 * Shipped quantity per line item id, never above the item's current quantity. Counted from
 * the fulfillments that count (see `countingFulfillments`); a line item whose
 * `fulfillment_status` is `fulfilled` counts as fully shipped even when its fulfillments
 * are not in the body.
 */
export function fulfilledQuantities(
  order: ShopifyOrder,
  stored: Readonly<Record<string, ShopifyFulfillment>>,
): Map<string, number> {
  const shipped = new Map<string, number>();
  for (const fulfillment of countingFulfillments(order, stored)) {
    for (const line of fulfillment.line_items)
      shipped.set(line.id, (shipped.get(line.id) ?? 0) + line.quantity);
  }

  const result = new Map<string, number>();
  for (const lineItem of order.line_items) {
    const quantity = currentQuantity(lineItem, order);
    const floor = lineItem.fulfillment_status === 'fulfilled' ? quantity : 0;
    result.set(lineItem.id, Math.min(quantity, Math.max(floor, shipped.get(lineItem.id) ?? 0)));
  }
  return result;
}
