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
  /**
   * Short stable names of the reasons, without counts, times or error details, such as
   * `failed_actions`. The same outage keeps the same causes while its numbers change.
   */
  causes: string[];
  warnings: string[];
}

/** Decides whether spar-bridge is working from the gathered facts. Pure: no I/O and no clock. */
export function decideLiveness(
  facts: LivenessFacts,
  thresholds: LivenessThresholds = defaultLivenessThresholds,
): LivenessVerdict {
  const found = [...healthReasons(facts), ...outboxReasons(facts, thresholds)];
  const warnings = warningsOf(facts);
  return {
    status: found.length === 0 ? 'ok' : 'down',
    reasons: found.map(({ reason }) => reason),
    causes: found.map(({ cause }) => cause),
    warnings,
  };
}

interface Reason {
  cause: string;
  reason: string;
}

/** Names a health problem by its text before the first colon, with digits removed. */
function problemCause(problem: string): string {
  const head = problem.split(':', 1)[0] ?? problem;
  return `unhealthy:${head.replace(/\d+/g, '#').trim()}`;
}

function healthReasons({ health }: LivenessFacts): Reason[] {
  switch (health.outcome) {
    case 'unreachable':
      return [
        {
          cause: 'worker_unreachable',
          reason: `worker unreachable at ${health.url}: ${health.error}`,
        },
      ];
    case 'invalid_body':
      return [
        {
          cause: 'health_invalid',
          reason: `health endpoint ${health.url} answered HTTP ${health.httpStatus}, but its ${health.error}`,
        },
      ];
    case 'answered': {
      if (health.httpStatus === 200 && health.body.status === 'ok') return [];
      if (health.body.problems.length === 0) {
        return [
          {
            cause: `unhealthy:http_${health.httpStatus}`,
            reason: `worker unhealthy: HTTP ${health.httpStatus} with status "${health.body.status}"`,
          },
        ];
      }
      return health.body.problems.map((problem) => ({
        cause: problemCause(problem),
        reason: `worker unhealthy: ${problem}`,
      }));
    }
  }
}

function outboxReasons(facts: LivenessFacts, thresholds: LivenessThresholds): Reason[] {
  const { store, checkedAt } = facts;
  const reasons: Reason[] = [];

  if (store.recentFailures.length > 0) {
    reasons.push({
      cause: 'failed_actions',
      reason: `${plural(store.recentFailures.length, 'outbox action')} failed for good in the last 24 hours`,
    });
  }

  const oldestPendingAt = store.backlog.oldestPendingAt;
  if (
    oldestPendingAt !== null &&
    checkedAt.getTime() - oldestPendingAt.getTime() > thresholds.maxWaitingAgeMs
  ) {
    reasons.push({
      cause: 'pending_too_long',
      reason: `oldest pending action has waited ${formatAge(checkedAt.getTime() - oldestPendingAt.getTime())}, since ${formatUtc(oldestPendingAt)}`,
    });
  }

  const oldestInDoubtAt = store.oldestInDoubtAt;
  if (
    oldestInDoubtAt !== null &&
    checkedAt.getTime() - oldestInDoubtAt.getTime() > thresholds.maxWaitingAgeMs
  ) {
    reasons.push({
      cause: 'in_doubt_too_long',
      reason: `a SPAR job queued at ${formatUtc(oldestInDoubtAt)} is still in doubt: SPAR has not confirmed whether it exists`,
    });
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
