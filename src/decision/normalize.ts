/**
 * Normalisers for the raw values the business rules compare: SKUs, ZIP codes and prices.
 * The catalog and the order go through the same functions, so they always agree. None of
 * them throws; a value that cannot be understood becomes null.
 */

export { currentQuantity } from './quantities.js';
export { countingFulfillments, fulfilledQuantities, mergeFulfillments } from './fulfillments.js';

/** Trims and upper-cases a SKU. A missing or blank SKU is null and never matches. */
export function normalizeSku(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const sku = raw.trim().toUpperCase();
  return sku === '' ? null : sku;
}

/**
 * `02134`, `02134-1234`, `02134 1234`, or the same without leading zeros (`2134`,
 * `2134-1234`). Digits that lost zeros start with a non-zero digit, and the lowest ZIP is
 * 00501, so at least 3 digits remain.
 */
const zipWithOptionalPlusFour = /^(\d{5}|[1-9]\d{2,3})(?:[\s-]+\d{4})?$/;

/** A ZIP+4 written without its separator (`021341234`), possibly without leading zeros. */
const zipPlusFourDigits = /^(?:\d{9}|[1-9]\d{6,7})$/;

/**
 * Returns the 5-digit US ZIP as a string, or null when the value is missing or malformed.
 *
 * Accepts `"02134"`, `" 02134 "`, `"02134-1234"`, `"021341234"`, and values that lost their
 * leading zeros on the way through a number or a spreadsheet (`2134`, `"2134"`, `501` is
 * `00501`). Anything shorter, longer, zero-led but short, or with other characters is null.
 */
export function normalizeZip(raw: string | number | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number' && (!Number.isSafeInteger(raw) || raw < 0)) return null;

  const text = String(raw).trim();
  const short = zipWithOptionalPlusFour.exec(text);
  if (short?.[1] !== undefined) return short[1].padStart(5, '0');

  if (zipPlusFourDigits.test(text)) return text.padStart(9, '0').slice(0, 5);
  return null;
}

/** `149`, `149.5`, `149.00`, `1299.00`, `1,299.00`, each optionally after a `$`. */
const priceFormat = /^\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

/**
 * Parses a price written by people (`149`, `149.00`, `$1,299.00`) into whole cents. Returns
 * null for an empty, negative or otherwise invalid value, so a missing price can never
 * become 0.
 */
export function parsePriceCents(raw: string): number | null {
  const match = priceFormat.exec(raw.trim());
  if (match?.[1] === undefined) return null;

  const dollars = Number(match[1].replaceAll(',', ''));
  const cents = Number((match[2] ?? '').padEnd(2, '0'));
  const total = dollars * 100 + cents;
  return Number.isSafeInteger(total) ? total : null;
}

/** Formats whole cents as a decimal string with two places and no grouping: `149.00`. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(Math.round(cents));
  const dollars = Math.floor(absolute / 100);
  const remainder = absolute % 100;
  return `${sign}${dollars}.${String(remainder).padStart(2, '0')}`;
}
