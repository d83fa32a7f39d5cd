import type { SendMailOptions } from 'nodemailer';
import type { Config } from '../config/config.js';
import type { EmailAction } from '../decision/types.js';
import { recipientsFor } from './mailRecipients.js';
import { messageIdFor } from './messageId.js';
import { renderEmail, type RepeatSummary } from './templates/renderEmail.js';

/** Header naming the email kind, for mail filters and tests. */
export const kindHeader = 'X-Spar-Bridge-Kind';

export interface BuildMessageOptions {
  now: Date;
  repeats?: RepeatSummary;
}

/** Builds the nodemailer message of an email action: recipients, both parts and the headers. */
export function buildMailMessage(
  action: EmailAction,
  mail: Pick<Config['mail'], 'from' | 'opsTo' | 'devTo'>,
  options: BuildMessageOptions,
): SendMailOptions {
  const rendered = renderEmail(action, { now: options.now, repeats: options.repeats });

  return {
    from: mail.from,
    to: [...recipientsFor(action.kind, mail)],
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    date: options.now,
    messageId: messageIdFor(action, mail.from),
    headers: { [kindHeader]: action.kind },
  };
}
