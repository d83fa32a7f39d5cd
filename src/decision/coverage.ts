import type { Catalog } from '../catalog/catalog.js';
import type { ShopifyOrder } from '../shopify/webhookBodies.js';
import { normalizeZip } from './normalize.js';

export interface Coverage {
  covered: boolean;
  /** Normalised 5-digit ZIP of the shipping address, or null when missing or malformed. */
  zip: string | null;
  /** Upper-cased country code of the shipping address, or null when missing. */
  countryCode: string | null;
  /** Why the order is not covered, in words; null when covered. */
  reason: string | null;
}

/**
 * Whether SPAR serves the order's shipping address: a US address whose normalised ZIP is in
 * the coverage list. A missing address, a missing or malformed ZIP, or another country is
 * not covered.
 */
export function coverageOf(
  order: Pick<ShopifyOrder, 'shipping_address'>,
  catalog: Catalog,
): Coverage {
  const address = order.shipping_address;
  if (address === null || address === undefined) {
    return { covered: false, zip: null, countryCode: null, reason: 'no shipping address' };
  }

  const zip = normalizeZip(address.zip);
  const country = address.country_code?.trim().toUpperCase() ?? '';
  const countryCode = country === '' ? null : country;
  if (countryCode !== 'US') {
    return {
      covered: false,
      zip,
      countryCode,
      reason:
        countryCode === null ? 'shipping country missing' : `country ${countryCode} is not US`,
    };
  }
  if (zip === null) return { covered: false, zip, countryCode, reason: 'ZIP missing or malformed' };
  if (!catalog.coverageZips.has(zip))
    return { covered: false, zip, countryCode, reason: `ZIP ${zip} not covered` };
  return { covered: true, zip, countryCode, reason: null };
}
