import { formatUtc } from '../mail/templates/renderEmail.js';
import { formatAge, plural } from './formatAge.js';
import type { LivenessFacts } from './livenessFacts.js';

export interface LivenessThresholds {
  /** A pending or in-doubt action queued longer ago than this means deliveries are stuck. */
  maxWaitingAgeMs: number;
}

/**
 * One hour: the dispatcher retries within minutes, and the longest intended hold, an `error`
 * alert kept back by the rate limit, lasts one hour.
 */
export const defaultLivenessThresholds: LivenessThresholds = { maxWaitingAgeMs: 60 * 60_000 };

/**
 * Result of the check. `down` when any reason exists. Warnings are worth reading but do not
 * mean the service is down, such as a day without orders.
 */
export interface LivenessVerdict {
  status: 'ok' | 'down';
  reasons: string[];
  warnings: string[];
}

/** Decides whether spar-bridge is working from the gathered facts. Pure: no I/O and no clock. */
export function decideLiveness(
  facts: LivenessFacts,
  thresholds: LivenessThresholds = defaultLivenessThresholds,
): LivenessVerdict {
  const reasons = [...healthReasons(facts), ...outboxReasons(facts, thresholds)];
  const warnings = warningsOf(facts);
  return { status: reasons.length === 0 ? 'ok' : 'down', reasons, warnings };
}

function healthReasons({ health }: LivenessFacts): string[] {
  switch (health.outcome) {
    case 'unreachable':
      return [`worker unreachable at ${health.url}: ${health.error}`];
    case 'invalid_body':
      return [
        `health endpoint ${health.url} answered HTTP ${health.httpStatus}, but its ${health.error}`,
      ];
    case 'answered': {
      if (health.httpStatus === 200 && health.body.status === 'ok') return [];
      if (health.body.problems.length === 0) {
        return [`worker unhealthy: HTTP ${health.httpStatus} with status "${health.body.status}"`];
      }
      return health.body.problems.map((problem) => `worker unhealthy: ${problem}`);
    }
  }
}

function outboxReasons(facts: LivenessFacts, thresholds: LivenessThresholds): string[] {
  const { store, checkedAt } = facts;
  const reasons: string[] = [];

  if (store.recentFailures.length > 0) {
    reasons.push(
      `${plural(store.recentFailures.length, 'outbox action')} failed for good in the last 24 hours`,
    );
  }

  const oldestPendingAt = store.backlog.oldestPendingAt;
  if (
    oldestPendingAt !== null &&
    checkedAt.getTime() - oldestPendingAt.getTime() > thresholds.maxWaitingAgeMs
  ) {
    reasons.push(
      `oldest pending action has waited ${formatAge(checkedAt.getTime() - oldestPendingAt.getTime())}, since ${formatUtc(oldestPendingAt)}`,
    );
  }

  const oldestInDoubtAt = store.oldestInDoubtAt;
  if (
    oldestInDoubtAt !== null &&
    checkedAt.getTime() - oldestInDoubtAt.getTime() > thresholds.maxWaitingAgeMs
  ) {
    reasons.push(
      `a SPAR job queued at ${formatUtc(oldestInDoubtAt)} is still in doubt: SPAR has not confirmed whether it exists`,
    );
  }
  return reasons;
}

function warningsOf({ health, store }: LivenessFacts): string[] {
  const warnings: string[] = [];

  if (store.eventCount === 0) {
    warnings.push('no event received in the last 24 hours');
  } else if (health.outcome === 'answered' && health.body.idle) {
    warnings.push('the worker has received no Pub/Sub message for over 24 hours');
  }
  if (health.outcome === 'answered' && health.body.subscriber === null) {
    warnings.push('the worker runs without a Pub/Sub subscription (PUBSUB_SUBSCRIPTION unset)');
  }

  const rejected = store.eventsByOutcome.rejected ?? 0;
  if (rejected > 0) {
    warnings.push(
      `${plural(rejected, 'event')} rejected in the last 24 hours; the error emails name them`,
    );
  }
  return warnings;
}
