import { createHash } from 'node:crypto';
import type { EmailAction } from '../decision/types.js';
import { developerAlert } from '../outbox/developerAlert.js';
import type { LivenessVerdict } from './decideLiveness.js';

/**
 * Builds the `liveness_ok` or `liveness_down` email. The dedupe key carries the UTC day, such
 * as `liveness_ok:2026-12-04`, so a second run on the same day sends nothing. A down email
 * also carries a hash of its causes with the numbers removed, so an outage with a new cause
 * on the same day is still reported, while the same outage is reported once.
 */
export function livenessEmailAction(
  verdict: Pick<LivenessVerdict, 'status' | 'reasons'>,
  summary: string,
  checkedAt: Date,
): EmailAction {
  const kind = verdict.status === 'ok' ? 'liveness_ok' : 'liveness_down';
  const day = checkedAt.toISOString().slice(0, 10);
  const dedupeKey =
    kind === 'liveness_ok' ? `${kind}:${day}` : `${kind}:${day}:${causeHash(verdict.reasons)}`;
  return { ...developerAlert({ dedupeKey, reason: summary }), kind };
}

function causeHash(reasons: readonly string[]): string {
  const causes = reasons.map((reason) => reason.replace(/\d+/g, '#')).sort();
  return createHash('sha256').update(causes.join('\n')).digest('hex').slice(0, 12);
}
