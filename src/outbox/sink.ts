import type { Logger } from 'pino';
import type { OutboxRow, Store } from '../store/types.js';

/**
 * Result of one delivery attempt, decided by the sink. The dispatcher turns it into the next
 * outbox state: `retry` schedules another attempt with backoff (or after `retryAfterMs`),
 * `in_doubt` makes the next attempt look the SPAR job up before any new POST, and `failed`
 * is final and alerts the developers. `deferred` is not a failure: the sink chose to wait
 * (an alert held by the rate limit), so the row waits until `until` without a warning.
 */
export type DeliveryResult =
  | { status: 'done'; result?: Record<string, unknown> }
  | { status: 'retry'; error: string; retryAfterMs?: number }
  | { status: 'in_doubt'; error: string }
  | { status: 'deferred'; reason: string; until: Date }
  | { status: 'failed'; error: string };

export interface DeliveryContext {
  store: Store;
  logger: Logger;
}

/** Delivers one kind of outbox action: SPAR calls or emails. Never throws for expected failures. */
export interface ActionSink {
  deliver(row: OutboxRow, context: DeliveryContext): Promise<DeliveryResult>;
}
