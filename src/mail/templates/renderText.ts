import type { LegSummary } from '../../decision/types.js';
import type { EmailContent } from './emailContent.js';
import { formatPrice, legTotal } from './money.js';

/** Renders the plain-text part: the same facts as the HTML part, readable in any client. */
export function renderText(content: EmailContent): string {
  const blocks: string[] = [`${content.heading}\n${'='.repeat(content.heading.length)}`];

  blocks.push(...content.paragraphs);

  if (content.facts.length > 0) {
    const width = Math.max(...content.facts.map((fact) => fact.label.length)) + 2;
    blocks.push(
      content.facts
        .map((fact) => `${`${fact.label}:`.padEnd(width)}${fact.href ?? fact.value}`)
        .join('\n'),
    );
  }

  if (content.legs !== null) {
    const { rows, showShipped } = content.legs;
    blocks.push(
      ['Assembly items:', ...rows.map((leg) => `- ${legLine(leg, showShipped)}`)].join('\n'),
    );
  }

  for (const list of content.lists) {
    blocks.push([`${list.title}:`, ...list.items.map((item) => `- ${item}`)].join('\n'));
  }

  if (content.preformatted !== null) blocks.push(content.preformatted.trim());

  blocks.push(`-- \n${content.footer}`);
  return `${blocks.join('\n\n')}\n`;
}

function legLine(leg: LegSummary, showShipped: boolean): string {
  const title = leg.title !== null && leg.title !== '' ? ` "${leg.title}"` : '';
  const shipped = showShipped ? `, shipped ${leg.fulfilledQuantity} of ${leg.quantity}` : '';
  const total = legTotal(leg);
  const price = `assembly ${formatPrice(leg.assemblyPrice)} each${total === null ? '' : ` (${total})`}`;
  return `${leg.sku}${title}: quantity ${leg.quantity}${shipped}, ${price}`;
}
