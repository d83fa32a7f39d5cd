import type { NodemailerError } from 'nodemailer';
import type { DeliveryResult } from '../outbox/sink.js';

/** Nodemailer codes for a message that can never be sent as built, however often it is retried. */
const unsendableCodes = new Set(['ECONFIG', 'EMAXRECIPIENTS', 'EFILEACCESS', 'EURLACCESS', 'EOTP']);

/** SMTP commands whose permanent reply rejects this message or its recipients, not the session. */
const messageCommands = new Set(['MAIL FROM', 'RCPT TO', 'DATA']);

/**
 * Maps a failed send to a delivery result. A 5xx reply to MAIL FROM, RCPT TO or the message data
 * is permanent (`failed`): the server rejected this message or its recipients. Everything else is
 * `retry`: connection errors, timeouts, aborted sends, 4xx replies such as 421, and rejected
 * credentials, because an operator can fix those and the mail must wait, not be lost.
 */
export function smtpDeliveryResult(error: unknown): DeliveryResult {
  const smtpError = error as NodemailerError;
  const description = describeSmtpError(smtpError);

  if (smtpError.code !== undefined && unsendableCodes.has(smtpError.code))
    return { status: 'failed', error: description };

  const rejectsMessage =
    smtpError.responseCode !== undefined &&
    smtpError.responseCode >= 500 &&
    smtpError.permanent !== false &&
    smtpError.code !== 'EAUTH' &&
    (smtpError.command === undefined || messageCommands.has(commandName(smtpError.command)));
  if (rejectsMessage) return { status: 'failed', error: description };

  return { status: 'retry', error: description };
}

/** Describes an SMTP failure for the outbox row and logs, without the message or credentials. */
export function describeSmtpError(error: NodemailerError): string {
  const parts = [
    error.code ?? error.name,
    error.command === undefined ? null : `during ${commandName(error.command)}`,
    error.responseCode === undefined ? null : `reply ${error.responseCode}`,
  ].filter((part) => part !== null);
  const response = error.response ?? error.message;
  return `${parts.join(' ')}: ${response.replace(/\s+/g, ' ').trim().slice(0, 300)}`;
}

/** Returns `RCPT TO` for `RCPT TO:<ops@example.com>`, so addresses stay out of the comparison. */
function commandName(command: string): string {
  return command.split(':', 1)[0]?.trim().toUpperCase() ?? '';
}
