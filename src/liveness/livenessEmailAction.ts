import type { EmailAction } from '../decision/types.js';
import type { LivenessVerdict } from './decideLiveness.js';

/**
 * Builds the `liveness_ok` or `liveness_down` email. The dedupe key carries the UTC day, such
 * as `liveness_ok:2026-12-04`, so the outbox accepts one email of each kind per day and a
 * second run on the same day sends nothing.
 */
export function livenessEmailAction(
  status: LivenessVerdict['status'],
  summary: string,
  checkedAt: Date,
): EmailAction {
  const kind = status === 'ok' ? 'liveness_ok' : 'liveness_down';
  return {
    type: 'email',
    kind,
    dedupeKey: `${kind}:${checkedAt.toISOString().slice(0, 10)}`,
    details: {
      shop: '',
      orderId: null,
      orderName: null,
      legs: [],
      zip: null,
      countryCode: null,
      cancelReason: null,
      reason: summary,
      webhookId: null,
      topic: null,
    },
  };
}
