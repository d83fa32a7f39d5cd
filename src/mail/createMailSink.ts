import type { MailSink, MailSinkOptions } from './mailSink.js';
import { FileMailSink } from './fileMailSink.js';
import { SmtpMailSink } from './smtpMailSink.js';

/** Returns the SMTP sink when `SMTP_URL` is set, else the sink that writes `.eml` files. */
export function createMailSink(options: MailSinkOptions): MailSink {
  return options.mail.smtpUrl === undefined ? new FileMailSink(options) : new SmtpMailSink(options);
}
