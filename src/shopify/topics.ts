/** The Shopify webhook topics spar-bridge acts on, in REST form (`orders/create`). */
export const handledTopics = [
  'orders/create',
  'orders/partially_fulfilled',
  'orders/fulfilled',
  'fulfillments/create',
  'orders/cancelled',
  'app/uninstalled',
] as const;

export type Topic = (typeof handledTopics)[number];

/** The GraphQL enum name of each topic, used when subscribing. */
export const graphqlTopicNames: Record<Topic, string> = {
  'orders/create': 'ORDERS_CREATE',
  'orders/partially_fulfilled': 'ORDERS_PARTIALLY_FULFILLED',
  'orders/fulfilled': 'ORDERS_FULFILLED',
  'fulfillments/create': 'FULFILLMENTS_CREATE',
  'orders/cancelled': 'ORDERS_CANCELLED',
  'app/uninstalled': 'APP_UNINSTALLED',
};

/**
 * Normalises a topic as Shopify may spell it (`orders/create`, `ORDERS_CREATE`,
 * `Orders/Create`) to the REST form. Returns undefined for a topic spar-bridge does not handle.
 */
export function parseTopic(raw: string | undefined): Topic | undefined {
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  const lower = trimmed.toLowerCase();
  const fromRest = handledTopics.find((topic) => topic === lower);
  if (fromRest !== undefined) return fromRest;

  const upper = trimmed.toUpperCase();
  return handledTopics.find((topic) => graphqlTopicNames[topic] === upper);
}
