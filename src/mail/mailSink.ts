import type { SendMailOptions } from 'nodemailer';
import type { Config } from '../config/config.js';
import type { EmailAction } from '../decision/types.js';
import type { ActionSink, DeliveryContext, DeliveryResult } from '../outbox/sink.js';
import type { OutboxRow } from '../store/types.js';
import { alertClassOf } from './alertClass.js';
import { AlertThrottle, type ThrottleVerdict } from './alertThrottle.js';
import { buildMailMessage } from './buildMailMessage.js';

export interface MailSinkOptions {
  mail: Readonly<Config['mail']>;
  /** Clock for message dates and the alert rate limit; tests pass a controllable one. */
  clock?: () => Date;
  /** Minimum time between two `error` emails of one class. Default one hour. */
  alertWindowMs?: number;
}

/**
 * Shared delivery of email actions: rate limits `error` alerts, builds the message, and hands it
 * to the subclass, which sends or stores it. Subclasses catch send failures and return them as
 * results.
 */
export abstract class MailSink implements ActionSink {
  protected readonly mail: Readonly<Config['mail']>;
  protected readonly clock: () => Date;
  readonly #throttle: AlertThrottle;

  constructor(options: MailSinkOptions) {
    this.mail = options.mail;
    this.clock = options.clock ?? (() => new Date());
    this.#throttle = new AlertThrottle({ windowMs: options.alertWindowMs, clock: this.clock });
  }

  async deliver(row: OutboxRow, context: DeliveryContext): Promise<DeliveryResult> {
    const action = row.action;
    if (action.type !== 'email')
      return { status: 'failed', error: `mail sink cannot deliver a ${action.type} action` };

    const now = this.clock();
    const verdict: ThrottleVerdict =
      action.kind === 'error'
        ? this.#throttle.admit(row.id, alertClassOf(action))
        : { verdict: 'send' };

    if (verdict.verdict === 'summarised') {
      context.logger.info(
        { summaryOutboxId: verdict.summaryRowId },
        'alert counted in a summary email',
      );
      return { status: 'done', result: { summarisedIn: verdict.summaryRowId } };
    }
    if (verdict.verdict === 'hold') {
      return {
        status: 'deferred',
        reason: `held by the alert rate limit until ${verdict.retryAt.toISOString()}`,
        until: verdict.retryAt,
      };
    }

    const message = buildMailMessage(action, this.mail, { now, repeats: verdict.repeats });
    const result = await this.send(message, action, row, context);

    if (action.kind === 'error') this.#throttle.settle(row.id, result.status);
    return result;
  }

  /** Sends or stores one built message. Returns a result for expected failures instead of throwing. */
  protected abstract send(
    message: SendMailOptions,
    action: EmailAction,
    row: OutboxRow,
    context: DeliveryContext,
  ): Promise<DeliveryResult>;

  /** Releases the sink's resources. Safe to call more than once. */
  abstract close(): Promise<void>;
}
