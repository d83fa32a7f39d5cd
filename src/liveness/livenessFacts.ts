import type { EventOutcome, OutboxBacklog } from '../store/types.js';
import type { HealthProbe } from './fetchHealth.js';

/** One outbox action that failed for good, without its error text, which may quote a server. */
export interface FailedActionSummary {
  outboxId: number;
  /** `email:<kind>` or the SPAR action type. */
  action: string;
  orderId: string | null;
  failedAt: Date;
}

/** Facts from the event log and the outbox at the time of the check. */
export interface StoreFacts {
  /** Start of the counting window: 24 hours before the check. */
  windowStart: Date;
  /** Events received since `windowStart`, by outcome. */
  eventsByOutcome: Partial<Record<EventOutcome, number>>;
  eventCount: number;
  /** True when the window held more events than were read, so the counts are a lower bound. */
  eventsTruncated: boolean;
  /** When the newest event in the log was received, at any time. */
  newestEventAt: Date | null;
  backlog: OutboxBacklog;
  /** Actions that failed for good since `windowStart`. */
  recentFailures: FailedActionSummary[];
  /** When the oldest SPAR job still in doubt was queued. */
  oldestInDoubtAt: Date | null;
}

/** Everything the liveness decision reads, gathered once. */
export interface LivenessFacts {
  checkedAt: Date;
  health: HealthProbe;
  store: StoreFacts;
}
