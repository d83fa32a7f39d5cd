import { createHash } from 'node:crypto';
import type { EmailAction } from '../decision/types.js';
import { developerAlert } from '../outbox/developerAlert.js';
import type { LivenessVerdict } from './decideLiveness.js';

/**
 * Builds the `liveness_ok` or `liveness_down` email. The dedupe key carries the UTC day, such
 * as `liveness_ok:2026-12-04`, so a second run on the same day sends nothing. A down email
 * also carries a hash of the verdict's causes, which leave out counts and times, so an
 * outage with a new cause on the same day is still reported, while the same outage is
 * reported once.
 */
export function livenessEmailAction(
  verdict: Pick<LivenessVerdict, 'status' | 'causes'>,
  summary: string,
  checkedAt: Date,
): EmailAction {
  const kind = verdict.status === 'ok' ? 'liveness_ok' : 'liveness_down';
  const day = checkedAt.toISOString().slice(0, 10);
  const dedupeKey =
    kind === 'liveness_ok' ? `${kind}:${day}` : `${kind}:${day}:${causeHash(verdict.causes)}`;
  return { ...developerAlert({ dedupeKey, reason: summary }), kind };
}

function causeHash(causes: readonly string[]): string {
  const sorted = [...new Set(causes)].sort();
  return createHash('sha256').update(sorted.join('\n')).digest('hex').slice(0, 12);
}
