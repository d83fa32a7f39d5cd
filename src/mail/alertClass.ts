import type { EmailAction } from '../decision/types.js';

const maxClassLength = 200;

/**
 * Returns the class an alert is counted under for rate limiting: its kind plus its reason with
 * the parts that differ between repeats of one fault removed (quoted values, order names,
 * numbers, hex ids). `order 123: timeout after 3 attempts` and `order 456: timeout after 5
 * attempts` share a class.
 */
export function alertClassOf(action: EmailAction): string {
  const reason = (action.details.reason ?? '')
    .toLowerCase()
    .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '"…"')
    .replace(/#[\w-]+/g, '#…')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '…')
    .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/g, '…')
    .replace(/\d+/g, '…')
    .replace(/\s+/g, ' ')
    .trim();
  return `${action.kind}:${reason.slice(0, maxClassLength)}`;
}
