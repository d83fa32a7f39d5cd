import type { ShopifyLineItem, ShopifyOrder } from '../shopify/webhookBodies.js';

/**
 * The quantity of a line item that is still part of the order. Shopify's `current_quantity`
 * already excludes order edits and refunds; older bodies without it fall back to `quantity`
 * minus the refunded quantities. A fully removed item has current quantity 0.
 */
export function currentQuantity(
  lineItem: ShopifyLineItem,
  order: Pick<ShopifyOrder, 'refunds'>,
): number {
  if (lineItem.current_quantity !== null && lineItem.current_quantity !== undefined) {
    return lineItem.current_quantity;
  }

  const refunded = (order.refunds ?? [])
    .flatMap((refund) => refund.refund_line_items ?? [])
    .filter((refundLine) => refundLine.line_item_id === lineItem.id)
    .reduce((sum, refundLine) => sum + refundLine.quantity, 0);
  return Math.max(0, lineItem.quantity - refunded);
}
