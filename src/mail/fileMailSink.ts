import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { EmailAction } from '../decision/types.js';
import type { DeliveryContext, DeliveryResult } from '../outbox/sink.js';
import type { OutboxRow } from '../store/types.js';
import { MailSink } from './mailSink.js';

/** Attempts to find a free file name before the write is reported as failed and retried. */
const maxNameAttempts = 100;

/**
 * Writes each email as an `.eml` file under `MAIL_DIR`: the embedded default when `SMTP_URL` is
 * unset. The file is the complete MIME message (headers, text and HTML parts) that the SMTP sink
 * would send, built by nodemailer's stream transport, so any mail client opens it.
 */
export class FileMailSink extends MailSink {
  readonly #transport: Transporter = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
  });

  protected async send(
    message: SendMailOptions,
    action: EmailAction,
    _row: OutboxRow,
    context: DeliveryContext,
  ): Promise<DeliveryResult> {
    try {
      const info = await this.#transport.sendMail(message);
      const body = info.message as Buffer;

      await mkdir(this.mail.dir, { recursive: true });
      const file = await writeNewFile(this.mail.dir, emlBaseName(action, this.clock()), body);

      context.logger.info({ kind: action.kind, file }, 'email written to file');
      return { status: 'done', result: { file, messageId: info.messageId } };
    } catch (error) {
      const description = error instanceof Error ? error.message : String(error);
      return {
        status: 'retry',
        error: `could not write the email under ${this.mail.dir}: ${description}`,
      };
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Returns `<timestamp>-<kind>-<order name>`, such as `2026-03-14T09-26-53-589Z-spar_posted-1001`. */
export function emlBaseName(action: EmailAction, now: Date): string {
  const timestamp = now.toISOString().replace(/[:.]/g, '-');
  const order = (action.details.orderName ?? action.details.orderId ?? '').replace(
    /[^A-Za-z0-9_-]+/g,
    '',
  );
  return `${timestamp}-${action.kind}-${order === '' ? 'no-order' : order}`;
}

/** Writes to `<base>.eml`, or `<base>-2.eml` and so on when the name is taken; never overwrites. */
async function writeNewFile(dir: string, baseName: string, body: Buffer): Promise<string> {
  for (let attempt = 1; attempt <= maxNameAttempts; attempt += 1) {
    const file = path.join(dir, attempt === 1 ? `${baseName}.eml` : `${baseName}-${attempt}.eml`);
    try {
      await writeFile(file, body, { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`${maxNameAttempts} files named ${baseName}*.eml already exist`);
}
