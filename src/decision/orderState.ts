import type { ShopifyOrder } from '../shopify/webhookBodies.js';
import { fulfillmentCounts, newerFulfillment } from './fulfillments.js';
import type { OrderEvent, OrderState } from './types.js';

/** The result of folding one event into the stored state of its order (rule 7). */
export type MergeResult =
  | { kind: 'stale'; reason: string }
  | {
      kind: 'applied';
      state: OrderState;
      /** True when this event brought the first order body: the order-received emails are due. */
      firstSight: boolean;
      /** What the merge did, when worth a word in the explanation. */
      note: string | null;
    };

/** The state of an order spar-bridge has not seen before. */
export function emptyOrderState(shop: string, orderId: string): OrderState {
  return {
    shop,
    orderId,
    order: null,
    fulfillments: {},
    cancelled: null,
    sparPosted: false,
    sparCancelled: false,
    emailsSent: [],
  };
}

/** The order id an event is about. */
export function orderIdOf(event: OrderEvent): string {
  return event.kind === 'order' ? event.order.id : event.fulfillment.order_id;
}

/**
 * Folds an event into the stored state without changing `prior`. The newest order body by
 * `updated_at` is kept; an equal `updated_at` replaces it (the same snapshot again). An older
 * body is stale unless it carries something monotonic that the state lacks, a counting
 * fulfillment or a cancellation, which is then added. Nothing here undoes a fulfillment or a
 * cancellation.
 */
export function mergeEvent(prior: OrderState, event: OrderEvent): MergeResult {
  if (event.kind === 'fulfillment') {
    const { fulfillment } = event;
    const fulfillments = {
      ...prior.fulfillments,
      [fulfillment.id]: newerFulfillment(fulfillment, prior.fulfillments[fulfillment.id]),
    };
    const note =
      prior.order === null
        ? `fulfillment ${fulfillment.id} stored; order body not known yet, waiting for it`
        : null;
    return { kind: 'applied', state: { ...prior, fulfillments }, firstSight: false, note };
  }

  const incoming = event.order;
  const cancelled = mergeCancellation(prior.cancelled, cancellationOf(event.topic, incoming));
  const stored = prior.order;
  if (stored === null || Date.parse(incoming.updated_at) >= Date.parse(stored.updated_at)) {
    const state = { ...prior, order: incoming, cancelled };
    return { kind: 'applied', state, firstSight: stored === null, note: null };
  }

  return mergeOlderBody(prior, incoming, cancelled);
}

/** An older snapshot arrived late: keep the stored body, take only what it adds for good. */
function mergeOlderBody(
  prior: OrderState,
  incoming: ShopifyOrder,
  cancelled: OrderState['cancelled'],
): MergeResult {
  const storedBody = prior.order;
  const known = new Set([
    ...Object.keys(prior.fulfillments),
    ...(storedBody?.fulfillments ?? []).map((f) => f.id),
  ]);
  const unseen = (incoming.fulfillments ?? []).filter(
    (f) => fulfillmentCounts(f) && !known.has(f.id),
  );
  const newlyCancelled = prior.cancelled === null && cancelled !== null;
  const age = `updated_at ${incoming.updated_at} is older than the stored ${storedBody?.updated_at ?? 'body'}`;

  if (unseen.length === 0 && !newlyCancelled) {
    return { kind: 'stale', reason: `stale: ${age}; nothing new` };
  }

  const fulfillments = { ...prior.fulfillments };
  for (const fulfillment of unseen) fulfillments[fulfillment.id] = fulfillment;
  const added = [
    ...(unseen.length > 0 ? [`fulfillment ${unseen.map((f) => f.id).join(', ')}`] : []),
    ...(newlyCancelled ? ['the cancellation'] : []),
  ];
  return {
    kind: 'applied',
    state: { ...prior, fulfillments, cancelled },
    firstSight: false,
    note: `older snapshot (${age}): took ${added.join(' and ')} from it`,
  };
}

/** The cancellation an order event reports, if any. */
function cancellationOf(topic: string, order: ShopifyOrder): OrderState['cancelled'] {
  const cancelledAt = order.cancelled_at ?? null;
  if (topic !== 'orders/cancelled' && cancelledAt === null) return null;
  return { reason: order.cancel_reason ?? null, at: cancelledAt };
}

/** A recorded cancellation is never undone; a later report may only fill in what it lacked. */
function mergeCancellation(
  prior: OrderState['cancelled'],
  incoming: OrderState['cancelled'],
): OrderState['cancelled'] {
  if (prior === null) return incoming;
  if (incoming === null) return prior;
  return { reason: prior.reason ?? incoming.reason, at: prior.at ?? incoming.at };
}
