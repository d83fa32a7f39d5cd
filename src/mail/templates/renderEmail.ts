import type { EmailAction } from '../../decision/types.js';
import { alertContent, type AlertEmailKind } from './alertContent.js';
import type { EmailContent } from './emailContent.js';
import { orderContent, type OrderEmailKind } from './orderContent.js';
import { plural } from './orderFacts.js';
import { renderHtml } from './renderHtml.js';
import { renderText } from './renderText.js';

/** Alerts of the same class held back by the rate limit and summarised in this email. */
export interface RepeatSummary {
  count: number;
  /** When the first of the held alerts arrived. */
  since: Date;
}

export interface RenderOptions {
  /** Time printed in the footer; defaults to the current time. */
  now?: Date;
  repeats?: RepeatSummary;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Renders the subject, text part and HTML part of an email action. Pure: the output depends
 * only on the action and the options. Reads only the fields of `EmailDetails`, which contains
 * no customer contact data.
 */
export function renderEmail(action: EmailAction, options: RenderOptions = {}): RenderedEmail {
  const now = options.now ?? new Date();
  const body = isAlertAction(action)
    ? alertContent(action)
    : orderContent(action as EmailAction & { kind: OrderEmailKind });

  const content: EmailContent = {
    ...body,
    footer: `Sent by spar-bridge on ${formatUtc(now)}. Email kind: ${action.kind}.`,
  };

  if (options.repeats !== undefined && options.repeats.count > 0) {
    const { count, since } = options.repeats;
    content.subject = `${content.subject} (+${count} more like it)`;
    content.paragraphs = [
      ...content.paragraphs,
      `${plural(count, 'more alert')} like this since ${formatUtc(since)} were held back by the alert rate limit (one email per kind of error per hour). The logs carry each of them.`,
    ];
  }

  return { subject: content.subject, text: renderText(content), html: renderHtml(content) };
}

function isAlertAction(action: EmailAction): action is EmailAction & { kind: AlertEmailKind } {
  return (
    action.kind === 'error' || action.kind === 'liveness_ok' || action.kind === 'liveness_down'
  );
}

/** Formats a time as `2026-03-14 09:26 UTC`, the same for every reader. */
export function formatUtc(time: Date): string {
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
