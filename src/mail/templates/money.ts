import type { LegSummary } from '../../decision/types.js';

const decimalPrice = /^(\d+)(?:\.(\d{1,2}))?$/;

/** Parses a decimal price string such as `149.00` into cents; null when it is not one. */
function toCents(price: string): number | null {
  const match = decimalPrice.exec(price.trim());
  if (match === null) return null;

  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(2, '0'));
  return whole * 100 + fraction;
}

function formatCents(cents: number): string {
  const whole = Math.floor(cents / 100).toLocaleString('en-US');
  return `$${whole}.${String(cents % 100).padStart(2, '0')}`;
}

/** Formats a per-unit price as `$1,299.00`; a value that is not a decimal price is shown as is. */
export function formatPrice(price: string): string {
  const cents = toCents(price);
  return cents === null ? price : formatCents(cents);
}

/** Returns the assembly price of a leg times its quantity, or null when the price is not a decimal. */
export function legTotal(leg: LegSummary): string | null {
  const cents = toCents(leg.assemblyPrice);
  return cents === null ? null : formatCents(cents * leg.quantity);
}

/** Returns the assembly price of all legs together, or null when any price is not a decimal. */
export function legsTotal(legs: readonly LegSummary[]): string | null {
  let total = 0;
  for (const leg of legs) {
    const cents = toCents(leg.assemblyPrice);
    if (cents === null) return null;
    total += cents * leg.quantity;
  }
  return formatCents(total);
}
