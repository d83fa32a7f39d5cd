import type { EmailAction } from '../../decision/types.js';
import type { EmailContent, EmailFact } from './emailContent.js';
import { orderFacts, orderLabel } from './orderFacts.js';

/** Kinds the developers receive. */
export type AlertEmailKind = 'error' | 'liveness_ok' | 'liveness_down';

type ContentWithoutFooter = Omit<EmailContent, 'footer'>;

const subjectReasonMaxLength = 80;

/** Builds the content of an operational email to the developers. */
export function alertContent(action: EmailAction & { kind: AlertEmailKind }): ContentWithoutFooter {
  switch (action.kind) {
    case 'error':
      return errorAlert(action);
    case 'liveness_ok':
      return livenessOk(action);
    case 'liveness_down':
      return livenessDown(action);
  }
}

/** Returns the first line of a text, cut to `maxLength` characters with an ellipsis. */
export function firstLine(text: string, maxLength: number): string {
  const line = text.trim().split(/\r?\n/, 1)[0] ?? '';
  return line.length <= maxLength ? line : `${line.slice(0, maxLength - 1).trimEnd()}…`;
}

function errorAlert(action: EmailAction): ContentWithoutFooter {
  const { details } = action;
  const reason = details.reason ?? 'No reason was recorded.';
  const hasOrder = details.orderId !== null || details.orderName !== null;
  const where = hasOrder ? ` for ${orderLabel(details)}` : '';

  const facts: EmailFact[] = hasOrder ? orderFacts(details) : shopFact(details.shop);
  if (details.topic !== null) facts.push({ label: 'Topic', value: details.topic });
  if (details.webhookId !== null) facts.push({ label: 'Webhook id', value: details.webhookId });

  return {
    subject: `spar-bridge error${where}: ${firstLine(reason, subjectReasonMaxLength)}`,
    heading: `spar-bridge error${where}`,
    tone: 'alert',
    paragraphs: [
      'spar-bridge could not finish a step and needs a developer to look at it. The logs carry the same ids.',
    ],
    facts,
    legs: details.legs.length === 0 ? null : { rows: details.legs, showShipped: true },
    lists: [],
    preformatted: reason,
  };
}

function livenessOk(action: EmailAction): ContentWithoutFooter {
  return {
    subject: 'spar-bridge is running: daily check passed',
    heading: 'spar-bridge is running',
    tone: 'success',
    paragraphs: ['The daily liveness check found spar-bridge up and working.'],
    facts: shopFact(action.details.shop),
    legs: null,
    lists: [],
    preformatted: action.details.reason ?? 'The liveness check sent no summary.',
  };
}

function livenessDown(action: EmailAction): ContentWithoutFooter {
  const reason = action.details.reason ?? 'The liveness check sent no summary.';
  return {
    subject: `spar-bridge is DOWN: ${firstLine(reason, subjectReasonMaxLength)}`,
    heading: 'spar-bridge is down',
    tone: 'alert',
    paragraphs: [
      'The liveness check could not confirm that spar-bridge is working. Orders may be waiting: check the service and its logs.',
    ],
    facts: shopFact(action.details.shop),
    legs: null,
    lists: [],
    preformatted: reason,
  };
}

/** Returns the shop row, or none for alerts about the whole service, which carry no shop. */
function shopFact(shop: string): EmailFact[] {
  return shop === '' ? [] : [{ label: 'Shop', value: shop }];
}
