import type { EmailDetails, LegSummary } from '../../decision/types.js';
import { orderAdminUrl } from '../shopifyAdminUrl.js';
import type { EmailFact } from './emailContent.js';

/** Returns how subjects and headings name the order: `#1001`, or the id when the name is unknown. */
export function orderLabel(details: EmailDetails): string {
  if (details.orderName !== null && details.orderName !== '') return details.orderName;
  if (details.orderId !== null && details.orderId !== '') return `order ${details.orderId}`;
  return 'unknown order';
}

/** Returns the facts every order email starts with: name, id, admin link and shop. */
export function orderFacts(details: EmailDetails): EmailFact[] {
  const facts: EmailFact[] = [
    { label: 'Order', value: details.orderName ?? '(unknown)' },
    { label: 'Order id', value: details.orderId ?? '(unknown)' },
  ];

  const adminUrl = orderAdminUrl(details.shop, details.orderId);
  if (adminUrl !== null)
    facts.push({ label: 'Shopify admin', value: 'Open the order', href: adminUrl });

  facts.push({ label: 'Shop', value: details.shop });
  return facts;
}

/** Returns a one-line description of a leg for text lists: `2 × DESK-OAK (Oak desk)`. */
export function describeLeg(leg: LegSummary): string {
  const title = leg.title !== null && leg.title !== '' ? ` (${leg.title})` : '';
  return `${leg.quantity} × ${leg.sku}${title}`;
}

/** True when every unit of the leg has shipped. */
export function isLegShipped(leg: LegSummary): boolean {
  return leg.fulfilledQuantity >= leg.quantity;
}

/** Counts assembly units over all legs, so `2 × desk + 1 × chair` is 3. */
export function unitCount(legs: readonly LegSummary[]): number {
  return legs.reduce((sum, leg) => sum + leg.quantity, 0);
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
