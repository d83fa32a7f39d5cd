import type { ShopifyFulfillment, ShopifyOrder } from '../shopify/webhookBodies.js';
import { countingFulfillments } from './fulfillments.js';
import { sparItems } from './legs.js';
import type { LegSummary, SparCreateAction } from './types.js';

/**
 * The SPAR job for an order whose legs have all shipped. `fulfilledAt` is the newest
 * `created_at` among the fulfillments that shipped a leg (the order's `updated_at` when none
 * says), and tracking comes from those fulfillments, each number once.
 */
export function sparCreateAction(
  order: ShopifyOrder,
  legs: readonly LegSummary[],
  storedFulfillments: Readonly<Record<string, ShopifyFulfillment>>,
): SparCreateAction {
  const legIds = new Set(legs.map((leg) => leg.lineItemId));
  const shippedLegs = countingFulfillments(order, storedFulfillments).filter((fulfillment) =>
    fulfillment.line_items.some((line) => legIds.has(line.id)),
  );

  return {
    type: 'spar.create',
    orderId: order.id,
    items: sparItems(legs),
    fulfilledAt: newestCreatedAt(shippedLegs) ?? order.updated_at,
    tracking: trackingOf(shippedLegs),
  };
}

function newestCreatedAt(fulfillments: readonly ShopifyFulfillment[]): string | null {
  let newest: string | null = null;
  for (const { created_at: createdAt } of fulfillments) {
    if (createdAt === null || createdAt === undefined) continue;
    if (newest === null || Date.parse(createdAt) > Date.parse(newest)) newest = createdAt;
  }
  return newest;
}

function trackingOf(fulfillments: readonly ShopifyFulfillment[]): SparCreateAction['tracking'] {
  const byNumber = new Map<string, SparCreateAction['tracking'][number]>();
  for (const fulfillment of fulfillments) {
    const numbers = fulfillment.tracking_numbers?.length
      ? fulfillment.tracking_numbers
      : [fulfillment.tracking_number ?? ''];
    for (const number of numbers.map((n) => n.trim()).filter((n) => n !== '')) {
      if (!byNumber.has(number))
        byNumber.set(number, { company: fulfillment.tracking_company ?? null, number });
    }
  }
  return [...byNumber.values()];
}
