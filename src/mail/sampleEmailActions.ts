import type { EmailAction, EmailDetails, EmailKind, LegSummary } from '../decision/types.js';

/*
 * Invented sample data for previews and tests: an imaginary shop, SKUs and order. No real
 * people or stores.
 */

const sampleLegs: LegSummary[] = [
  {
    lineItemId: '14500000000001',
    sku: 'DESK-OAK-160',
    title: 'Oak standing desk 160 cm',
    quantity: 1,
    fulfilledQuantity: 1,
    assemblyPrice: '149.00',
  },
  {
    lineItemId: '14500000000002',
    sku: 'CHAIR-ERGO-BLK',
    title: 'Ergonomic chair, black',
    quantity: 2,
    fulfilledQuantity: 0,
    assemblyPrice: '45.50',
  },
];

const baseDetails: EmailDetails = {
  shop: 'sample-furniture.myshopify.com',
  orderId: '5800000000001',
  orderName: '#1001',
  legs: sampleLegs,
  zip: null,
  countryCode: 'US',
  cancelReason: null,
  reason: null,
  webhookId: null,
  topic: null,
};

const allShipped = sampleLegs.map((leg) => ({ ...leg, fulfilledQuantity: leg.quantity }));

const detailsByKind: Record<EmailKind, Partial<EmailDetails>> = {
  order_received: { topic: 'orders/create' },
  order_received_no_assembly: {
    orderName: '#1002',
    orderId: '5800000000002',
    legs: [],
    topic: 'orders/create',
  },
  partial_fulfillment: { topic: 'fulfillments/create' },
  spar_posted: { legs: allShipped, topic: 'orders/fulfilled' },
  outside_coverage: { zip: '99501', topic: 'orders/create' },
  spar_cancelled: { legs: allShipped, cancelReason: 'customer', topic: 'orders/cancelled' },
  cancellation_needs_review: { legs: allShipped, cancelReason: 'fraud', topic: 'orders/cancelled' },
  error: {
    legs: [],
    reason:
      'email:spar_posted for order 5800000000001: permanent failure: RCPT TO reply 550 mailbox unavailable',
    webhookId: 'b54557e4-0000-4000-8000-000000000001',
    topic: 'orders/fulfilled',
  },
  liveness_ok: {
    orderId: null,
    orderName: null,
    legs: [],
    reason:
      'Health endpoint: ok\nLast event processed: 12 minutes ago\nOutbox: 0 pending, 0 failed',
  },
  liveness_down: {
    orderId: null,
    orderName: null,
    legs: [],
    reason:
      'Health endpoint did not answer within 10 seconds\nLast event processed: 26 hours ago\nOutbox: 14 pending, 2 failed',
  },
};

/** Returns an invented email action of the given kind, for previews and tests. */
export function sampleEmailAction(
  kind: EmailKind,
  overrides: Partial<EmailDetails> = {},
): EmailAction {
  const details: EmailDetails = { ...baseDetails, ...detailsByKind[kind], ...overrides };
  const dedupeKey = kind === 'outside_coverage' ? `${kind}:${details.zip ?? ''}` : kind;
  return { type: 'email', kind, dedupeKey, details };
}
