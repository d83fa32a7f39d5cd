import { actionLabel } from '../outbox/actionLabel.js';
import type { Store } from '../store/types.js';
import { decideLiveness, type LivenessThresholds, type LivenessVerdict } from './decideLiveness.js';
import { fetchHealth } from './fetchHealth.js';
import type { FailedActionSummary, LivenessFacts, StoreFacts } from './livenessFacts.js';

const windowMs = 24 * 60 * 60_000;

/**
 * Maximum events read to count the last 24 hours. It is far above the daily order events of one
 * furniture store (an estimate, not a measurement). Above it, the summary reports "at least".
 */
const maxEventsRead = 10_000;

export interface CheckLivenessOptions {
  /** Full URL of the worker's `GET /healthz`. */
  healthUrl: string;
  healthTimeoutMs: number;
  now: Date;
  thresholds?: LivenessThresholds;
}

export interface LivenessCheck {
  facts: LivenessFacts;
  verdict: LivenessVerdict;
}

/**
 * Gathers the facts (the worker's health over HTTP, the event log and the outbox) and decides
 * whether spar-bridge is working. An unreachable worker is a fact, not an error. Throws only
 * when the store cannot be read.
 */
export async function checkLiveness(
  store: Store,
  options: CheckLivenessOptions,
): Promise<LivenessCheck> {
  const [health, storeFacts] = await Promise.all([
    fetchHealth(options.healthUrl, options.healthTimeoutMs),
    gatherStoreFacts(store, options.now),
  ]);
  const facts: LivenessFacts = { checkedAt: options.now, health, store: storeFacts };
  return { facts, verdict: decideLiveness(facts, options.thresholds) };
}

/** Reads the event counts of the last 24 hours, the outbox backlog and its recent failures. */
export async function gatherStoreFacts(store: Store, now: Date): Promise<StoreFacts> {
  const windowStart = new Date(now.getTime() - windowMs);
  const [events, backlog, failed, inDoubt] = await Promise.all([
    store.listEvents({ limit: maxEventsRead }),
    store.outboxBacklog(),
    store.listActions({ status: 'failed' }),
    store.listActions({ status: 'in_doubt' }),
  ]);

  // `listEvents` returns the newest first, so the window is a prefix of the list.
  const recentEvents = events.filter((event) => event.receivedAt >= windowStart);
  const eventsByOutcome: StoreFacts['eventsByOutcome'] = {};
  for (const event of recentEvents) {
    if (event.outcome === null) continue;
    eventsByOutcome[event.outcome] = (eventsByOutcome[event.outcome] ?? 0) + 1;
  }

  const recentFailures: FailedActionSummary[] = failed
    .filter((row) => row.updatedAt >= windowStart)
    .map((row) => ({
      outboxId: row.id,
      action: actionLabel(row.action),
      orderId: row.orderId,
      failedAt: row.updatedAt,
    }));

  const inDoubtTimes = inDoubt.map((row) => row.createdAt.getTime());
  return {
    windowStart,
    eventsByOutcome,
    eventCount: recentEvents.length,
    eventsTruncated: events.length === maxEventsRead && recentEvents.length === events.length,
    newestEventAt: events[0]?.receivedAt ?? null,
    backlog,
    recentFailures,
    oldestInDoubtAt: inDoubtTimes.length === 0 ? null : new Date(Math.min(...inDoubtTimes)),
  };
}
