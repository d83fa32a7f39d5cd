import nodemailer, {
  type SendMailOptions,
  type SMTPPoolOptions,
  type Transporter,
} from 'nodemailer';
import type { EmailAction } from '../decision/types.js';
import { ConfigError } from '../errors.js';
import type { DeliveryContext, DeliveryResult } from '../outbox/sink.js';
import type { OutboxRow } from '../store/types.js';
import { developerKinds } from './mailRecipients.js';
import { MailSink, type MailSinkOptions } from './mailSink.js';
import { smtpDeliveryResult } from './smtpDeliveryResult.js';

/**
 * Pool settings sized for Gmail. Google Workspace allows 2,000 messages a day per user (500 for
 * trial accounts) and 100 recipients per message sent through smtp.gmail.com, counted over a
 * rolling 24 hours (https://support.google.com/a/answer/166852). Google publishes no per-minute
 * limit; one connection and at most 5 messages per 10 seconds keeps bursts, such as a replay,
 * far from abuse detection. The rate does not cap the daily count: a few emails per order and
 * the alert rate limit do.
 */
export const gmailSafePoolOptions = {
  maxConnections: 1,
  rateLimit: 5,
  rateDelta: 10_000,
} as const satisfies SMTPPoolOptions;

/**
 * Timeouts in milliseconds so a stalled server cannot hang the dispatcher. `socketTimeout` ends
 * a silent connection; a server that trickles bytes resets it, so every send also gets an
 * overall deadline (`sendTimeoutMs`).
 */
export const smtpTimeouts = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
  dnsTimeout: 10_000,
} as const satisfies SMTPPoolOptions;

const defaultSendTimeoutMs = 60_000;

export interface SmtpMailSinkOptions extends MailSinkOptions {
  /** Overrides of the pool and timeout settings; tests use them to run fast. */
  transport?: Partial<
    Pick<SMTPPoolOptions, keyof typeof gmailSafePoolOptions | keyof typeof smtpTimeouts>
  >;
  /** Deadline for one send, including the wait for a rate-limit slot. Default 60 seconds. */
  sendTimeoutMs?: number;
}

/**
 * Sends email actions through one pooled, rate-limited SMTP transport built from `SMTP_URL`
 * (`smtp://` or `smtps://`). A 5xx rejection of the message or its recipients is `failed`.
 * Connection errors, timeouts and 4xx replies are `retry`, so an outage delays mail but does
 * not drop it.
 */
export class SmtpMailSink extends MailSink {
  readonly #transport: Transporter;
  readonly #sendTimeoutMs: number;

  constructor(options: SmtpMailSinkOptions) {
    super(options);

    const url = options.mail.smtpUrl;
    if (url === undefined)
      throw new ConfigError(
        'SMTP_URL: missing; the SMTP mail sink needs smtp://HOST:PORT or smtps://USER:PASSWORD@HOST:465',
      );

    this.#sendTimeoutMs = options.sendTimeoutMs ?? defaultSendTimeoutMs;
    this.#transport = nodemailer.createTransport({
      url,
      pool: true,
      ...gmailSafePoolOptions,
      ...smtpTimeouts,
      ...options.transport,
    });
  }

  protected async send(
    message: SendMailOptions,
    action: EmailAction,
    _row: OutboxRow,
    context: DeliveryContext,
  ): Promise<DeliveryResult> {
    const recipients = Array.isArray(message.to) ? message.to : [];
    if (recipients.length === 0) {
      const variable = developerKinds.has(action.kind) ? 'MAIL_DEV_TO' : 'MAIL_OPS_TO';
      return {
        status: 'failed',
        error: `no recipients for ${action.kind} emails; set ${variable}`,
      };
    }

    try {
      const info = await this.#transport.sendMail({
        ...message,
        signal: AbortSignal.timeout(this.#sendTimeoutMs),
      });
      const rejectedCount = Array.isArray(info.rejected) ? info.rejected.length : 0;
      if (rejectedCount > 0) {
        context.logger.warn(
          { kind: action.kind, rejectedCount },
          'smtp server rejected some recipients',
        );
      }
      return { status: 'done', result: { messageId: info.messageId, rejectedCount } };
    } catch (error) {
      const result = smtpDeliveryResult(error);
      if ((error as { code?: unknown }).code === 'EAUTH') {
        context.logger.warn(
          { kind: action.kind },
          'smtp login rejected; check the user and app password in SMTP_URL',
        );
      }
      return result;
    }
  }

  close(): Promise<void> {
    this.#transport.close();
    return Promise.resolve();
  }
}
