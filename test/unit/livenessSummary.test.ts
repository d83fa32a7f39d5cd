import { describe, expect, it } from 'vitest';
import { decideLiveness } from '../../src/liveness/decideLiveness.js';
import type { LivenessFacts } from '../../src/liveness/livenessFacts.js';
import { formatLivenessSummary } from '../../src/liveness/livenessSummary.js';
import { livenessEmailAction } from '../../src/liveness/livenessEmailAction.js';

const checkedAt = new Date('2026-12-04T08:00:00Z');
const url = 'http://127.0.0.1:3000/healthz';

const healthyFacts: LivenessFacts = {
  checkedAt,
  health: {
    outcome: 'answered',
    url,
    httpStatus: 200,
    body: {
      status: 'ok',
      problems: [],
      subscriber: {
        stream: 'open',
        lastMessageAt: '2026-12-04T07:48:00.000Z',
        lastAckAt: '2026-12-04T07:48:01.000Z',
        received: 41,
        acked: 40,
        nacked: 1,
        reopenCount: 1,
      },
      idle: false,
      dispatcherLastStepAt: '2026-12-04T07:59:59.000Z',
    },
  },
  store: {
    windowStart: new Date('2026-12-03T08:00:00Z'),
    eventsByOutcome: { applied: 38, stale: 1, ignored: 2 },
    eventCount: 41,
    eventsTruncated: false,
    newestEventAt: new Date('2026-12-04T07:48:00Z'),
    backlog: { pending: 1, inFlight: 0, inDoubt: 0, failed: 2, oldestPendingAt: checkedAt },
    recentFailures: [],
    oldestInDoubtAt: null,
  },
};

const downFacts: LivenessFacts = {
  ...healthyFacts,
  health: { outcome: 'unreachable', url, error: 'connect ECONNREFUSED 127.0.0.1:3000' },
  store: {
    ...healthyFacts.store,
    eventsTruncated: true,
    recentFailures: [
      {
        outboxId: 12,
        action: 'spar.create',
        orderId: '5800000000001',
        failedAt: new Date('2026-12-04T06:30:00Z'),
      },
    ],
  },
};

describe('formatLivenessSummary', () => {
  it('ok headline and counts', () => {
    const lines = formatLivenessSummary(healthyFacts, decideLiveness(healthyFacts)).split('\n');

    expect(lines[0]).toBe('All liveness checks passed.');
    expect(lines).toContain('Checked at: 2026-12-04 08:00 UTC');
    expect(lines).toContain(`Health endpoint: ${url}, HTTP 200, status ok`);
    expect(lines).toContain(
      'Subscription: stream open, 41 received, 40 acked, 1 nacked, 1 reopen since the worker started',
    );
    expect(lines).toContain(
      'Last message received by the worker: 2026-12-04 07:48 UTC (12 minutes ago)',
    );
    expect(lines).toContain(
      'Events received in the last 24 hours: 41 (applied 38, stale 1, ignored 2)',
    );
    expect(lines).toContain('Newest event received: 2026-12-04 07:48 UTC (12 minutes ago)');
    expect(lines).toContain(
      'Outbox: 1 pending, 0 in flight, 0 in doubt, 2 failed (2 of them before the last 24 hours)',
    );
  });

  it('down headline is the first reason', () => {
    const verdict = decideLiveness(downFacts);
    const lines = formatLivenessSummary(downFacts, verdict).split('\n');

    expect(lines[0]).toBe(`worker unreachable at ${url}: connect ECONNREFUSED 127.0.0.1:3000`);
    expect(lines).toContain('- 1 outbox action failed for good in the last 24 hours');
    expect(lines).toContain(
      `Health endpoint: ${url}, no answer (connect ECONNREFUSED 127.0.0.1:3000)`,
    );
    expect(lines).toContain(
      'Failed: outbox action 12, spar.create for order 5800000000001, at 2026-12-04 06:30 UTC',
    );
    expect(
      lines.some((line) => line.startsWith('Events received in the last 24 hours: at least 41')),
    ).toBe(true);
  });
});

describe('livenessEmailAction', () => {
  const checkedAt = new Date('2026-12-04T23:59:59Z');

  it('dedupe key per UTC day', () => {
    const action = livenessEmailAction({ status: 'ok', causes: [] }, 'summary', checkedAt);

    expect(action.kind).toBe('liveness_ok');
    expect(action.dedupeKey).toBe('liveness_ok:2026-12-04');
    expect(action.details.reason).toBe('summary');
    expect(action.details.orderId).toBeNull();
  });

  it('down key changes with the cause', () => {
    const unreachable = { status: 'down' as const, causes: ['worker_unreachable'] };
    const failed = { status: 'down' as const, causes: ['failed_actions'] };

    const first = livenessEmailAction(unreachable, 'summary', checkedAt);
    const second = livenessEmailAction(failed, 'summary', checkedAt);

    expect(first.kind).toBe('liveness_down');
    expect(first.dedupeKey).toMatch(/^liveness_down:2026-12-04:[0-9a-f]{12}$/);
    expect(second.dedupeKey).not.toBe(first.dedupeKey);
  });

  it('down key is the same for the same causes', () => {
    const first = livenessEmailAction(
      { status: 'down', causes: ['failed_actions', 'pending_too_long'] },
      'summary one',
      checkedAt,
    );
    const second = livenessEmailAction(
      { status: 'down', causes: ['pending_too_long', 'failed_actions'] },
      'summary two',
      checkedAt,
    );

    expect(second.dedupeKey).toBe(first.dedupeKey);
  });
});
