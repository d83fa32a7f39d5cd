import { eventOutcomes } from '../store/types.js';
import { formatUtc } from '../mail/templates/renderEmail.js';
import type { LivenessVerdict } from './decideLiveness.js';
import type { HealthProbe } from './fetchHealth.js';
import { formatAge, plural } from './formatAge.js';
import type { LivenessFacts, StoreFacts } from './livenessFacts.js';

/**
 * Formats the facts and verdict as the multi-line text of a liveness email. The first line is
 * the headline that the `liveness_down` subject quotes. The text contains counts, times, ids and
 * problems only, never customer data.
 */
export function formatLivenessSummary(facts: LivenessFacts, verdict: LivenessVerdict): string {
  const headline =
    verdict.status === 'ok' ? 'All liveness checks passed.' : (verdict.reasons[0] ?? 'down');
  const lines = [headline];

  if (verdict.reasons.length > 1) {
    lines.push('', 'Reasons:', ...verdict.reasons.map((reason) => `- ${reason}`));
  }
  if (verdict.warnings.length > 0) {
    lines.push('', 'Warnings:', ...verdict.warnings.map((warning) => `- ${warning}`));
  }

  lines.push(
    '',
    `Checked at: ${formatUtc(facts.checkedAt)}`,
    ...healthLines(facts.health, facts.checkedAt),
    ...storeLines(facts.store, facts.checkedAt),
  );
  return lines.join('\n');
}

function healthLines(health: HealthProbe, checkedAt: Date): string[] {
  if (health.outcome === 'unreachable') {
    return [`Health endpoint: ${health.url}, no answer (${health.error})`];
  }
  if (health.outcome === 'invalid_body') {
    return [`Health endpoint: ${health.url}, HTTP ${health.httpStatus}, ${health.error}`];
  }

  const { body } = health;
  const lines = [
    `Health endpoint: ${health.url}, HTTP ${health.httpStatus}, status ${body.status}`,
  ];
  const subscriber = body.subscriber;
  if (subscriber === null) {
    lines.push('Subscription: none configured');
  } else {
    lines.push(
      `Subscription: stream ${subscriber.stream}, ${subscriber.received} received, ${subscriber.acked} acked, ${subscriber.nacked} nacked, ${plural(subscriber.reopenCount, 'reopen')} since the worker started`,
      `Last message received by the worker: ${timeAndAge(subscriber.lastMessageAt, checkedAt)}`,
      `Last ack: ${timeAndAge(subscriber.lastAckAt, checkedAt)}`,
    );
  }
  lines.push(`Outbox dispatcher last ran: ${timeAndAge(body.dispatcherLastStepAt, checkedAt)}`);
  return lines;
}

function storeLines(store: StoreFacts, checkedAt: Date): string[] {
  const byOutcome = eventOutcomes
    .map((outcome) => [outcome, store.eventsByOutcome[outcome] ?? 0] as const)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${outcome} ${count}`);
  const count = store.eventsTruncated ? `at least ${store.eventCount}` : String(store.eventCount);
  const { backlog } = store;
  const olderFailed = backlog.failed - store.recentFailures.length;
  const olderNote = olderFailed > 0 ? ` (${olderFailed} of them before the last 24 hours)` : '';

  const lines = [
    `Events received in the last 24 hours: ${count}${byOutcome.length > 0 ? ` (${byOutcome.join(', ')})` : ''}`,
    `Newest event received: ${timeAndAge(store.newestEventAt, checkedAt)}`,
    `Outbox: ${backlog.pending} pending, ${backlog.inFlight} in flight, ${backlog.inDoubt} in doubt, ${backlog.failed} failed${olderNote}`,
    `Oldest pending action queued: ${timeAndAge(backlog.oldestPendingAt, checkedAt, 'none')}`,
  ];
  for (const failure of store.recentFailures) {
    const order = failure.orderId === null ? '' : ` for order ${failure.orderId}`;
    lines.push(
      `Failed: outbox action ${failure.outboxId}, ${failure.action}${order}, at ${formatUtc(failure.failedAt)}`,
    );
  }
  return lines;
}

/** Formats a time as UTC with its age, or `missing` when there is none. */
function timeAndAge(time: Date | string | null, checkedAt: Date, missing = 'never'): string {
  if (time === null) return missing;
  const date = typeof time === 'string' ? new Date(time) : time;
  if (Number.isNaN(date.getTime())) return String(time);
  return `${formatUtc(date)} (${formatAge(checkedAt.getTime() - date.getTime())} ago)`;
}
