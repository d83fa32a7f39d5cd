import { createHash } from 'node:crypto';
import type { EmailAction } from '../decision/types.js';

const fallbackDomain = 'spar-bridge.invalid';

/**
 * Returns a Message-ID that depends only on shop, order id and dedupe key. An email sent again
 * after a retry, or after a crash between sending and recording, carries the same id, so mail
 * clients and people can recognise it as the same message.
 */
export function messageIdFor(action: EmailAction, from: string): string {
  const { shop, orderId } = action.details;
  const digest = createHash('sha256')
    .update(JSON.stringify([shop, orderId, action.dedupeKey]))
    .digest('hex')
    .slice(0, 32);
  return `<${action.kind}.${digest}@${senderDomain(from)}>`;
}

/** Takes the domain of `MAIL_FROM` (`Name <user@example.com>` or `user@example.com`). */
function senderDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return match?.[1] ?? fallbackDomain;
}
