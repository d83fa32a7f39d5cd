import type { OutboxRow, OutboxStatus } from './types.js';

/**
 * An outbox row as `Store.claimDueActions` returns it. Its `status` is `in_flight`, and
 * `claimedFrom` is the status it had before the claim. When that is `in_doubt`, a SPAR sink
 * must look the job up before it posts again.
 */
export interface ClaimedOutboxRow extends OutboxRow {
  claimedFrom: Extract<OutboxStatus, 'pending' | 'in_doubt'>;
}

/** Returns true when `row` was claimed from `in_doubt`, so its earlier attempt may have succeeded. */
export function wasClaimedInDoubt(row: OutboxRow): boolean {
  return 'claimedFrom' in row && (row as ClaimedOutboxRow).claimedFrom === 'in_doubt';
}
