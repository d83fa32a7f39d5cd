import type { Catalog } from '../catalog/catalog.js';
import type { ShopifyFulfillment, ShopifyOrder } from '../shopify/webhookBodies.js';
import { fulfilledQuantities } from './fulfillments.js';
import { formatCents, normalizeSku } from './normalize.js';
import { currentQuantity } from './quantities.js';
import type { LegSummary, SparItem } from './types.js';

/**
 * The assembly legs of an order: line items whose SKU is an assembly SKU and whose current
 * quantity is above 0, in line item order. SKUs are spelled as the catalog spells them;
 * `fulfilledQuantity` merges the body's fulfillments with `storedFulfillments` (see
 * `fulfilledQuantities`). The SPAR payload mapping and the emails both read legs from here.
 */
export function assemblyLegs(
  order: ShopifyOrder,
  storedFulfillments: Readonly<Record<string, ShopifyFulfillment>>,
  catalog: Catalog,
): LegSummary[] {
  const shipped = fulfilledQuantities(order, storedFulfillments);
  const legs: LegSummary[] = [];

  for (const lineItem of order.line_items) {
    const sku = normalizeSku(lineItem.sku);
    const assemblySku = sku === null ? undefined : catalog.assemblySkus.get(sku);
    const quantity = currentQuantity(lineItem, order);
    if (assemblySku === undefined || quantity === 0) continue;

    legs.push({
      lineItemId: lineItem.id,
      sku: assemblySku.sku,
      title: lineItem.title ?? lineItem.name ?? null,
      quantity,
      fulfilledQuantity: shipped.get(lineItem.id) ?? 0,
      assemblyPrice: formatCents(assemblySku.assemblyPriceCents),
    });
  }
  return legs;
}

/** True when every unit of the leg has shipped. */
export function isLegFulfilled(leg: LegSummary): boolean {
  return leg.fulfilledQuantity >= leg.quantity;
}

/** The SPAR job items for a set of legs: one item per leg, priced per unit. */
export function sparItems(legs: readonly LegSummary[]): SparItem[] {
  return legs.map((leg) => ({
    sku: leg.sku,
    description: leg.title ?? leg.sku,
    quantity: leg.quantity,
    assemblyPrice: leg.assemblyPrice,
  }));
}
