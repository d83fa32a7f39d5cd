import { describe, expect, it } from 'vitest';
import { decideLiveness, type LivenessVerdict } from '../../src/liveness/decideLiveness.js';
import type { HealthBody, HealthProbe } from '../../src/liveness/fetchHealth.js';
import type { LivenessFacts, StoreFacts } from '../../src/liveness/livenessFacts.js';

const checkedAt = new Date('2026-12-04T08:00:00Z');
const url = 'http://127.0.0.1:3000/healthz';
const minutesAgo = (minutes: number): Date => new Date(checkedAt.getTime() - minutes * 60_000);

const healthyBody: HealthBody = {
  status: 'ok',
  problems: [],
  subscriber: {
    stream: 'open',
    lastMessageAt: minutesAgo(12).toISOString(),
    lastAckAt: minutesAgo(12).toISOString(),
    received: 40,
    acked: 40,
    nacked: 0,
    reopenCount: 0,
  },
  idle: false,
  dispatcherLastStepAt: minutesAgo(0).toISOString(),
};

const healthy: HealthProbe = { outcome: 'answered', url, httpStatus: 200, body: healthyBody };

const quietStore: StoreFacts = {
  windowStart: minutesAgo(24 * 60),
  eventsByOutcome: { applied: 38, ignored: 2 },
  eventCount: 40,
  eventsTruncated: false,
  newestEventAt: minutesAgo(12),
  backlog: { pending: 0, inFlight: 0, inDoubt: 0, failed: 0, oldestPendingAt: null },
  recentFailures: [],
  oldestInDoubtAt: null,
};

function facts(health: HealthProbe, store: Partial<StoreFacts> = {}): LivenessFacts {
  return { checkedAt, health, store: { ...quietStore, ...store } };
}

interface Case {
  name: string;
  facts: LivenessFacts;
  expected: Omit<LivenessVerdict, 'causes'>;
}

const cases: Case[] = [
  {
    name: 'healthy worker, quiet outbox',
    facts: facts(healthy),
    expected: { status: 'ok', reasons: [], warnings: [] },
  },
  {
    name: 'worker unreachable',
    facts: facts({ outcome: 'unreachable', url, error: 'connect ECONNREFUSED 127.0.0.1:3000' }),
    expected: {
      status: 'down',
      reasons: [`worker unreachable at ${url}: connect ECONNREFUSED 127.0.0.1:3000`],
      warnings: [],
    },
  },
  {
    name: 'health 503 with problems',
    facts: facts({
      outcome: 'answered',
      url,
      httpStatus: 503,
      body: {
        ...healthyBody,
        status: 'unhealthy',
        problems: [
          'subscription stream is closed',
          'outbox dispatcher has not run for over 5 minutes',
        ],
      },
    }),
    expected: {
      status: 'down',
      reasons: [
        'worker unhealthy: subscription stream is closed',
        'worker unhealthy: outbox dispatcher has not run for over 5 minutes',
      ],
      warnings: [],
    },
  },
  {
    name: 'health 503 without problems',
    facts: facts({
      outcome: 'answered',
      url,
      httpStatus: 503,
      body: { ...healthyBody, status: 'unhealthy' },
    }),
    expected: {
      status: 'down',
      reasons: ['worker unhealthy: HTTP 503 with status "unhealthy"'],
      warnings: [],
    },
  },
  {
    name: 'health body not JSON',
    facts: facts({ outcome: 'invalid_body', url, httpStatus: 200, error: 'body is not JSON' }),
    expected: {
      status: 'down',
      reasons: [`health endpoint ${url} answered HTTP 200, but its body is not JSON`],
      warnings: [],
    },
  },
  {
    name: 'action failed today',
    facts: facts(healthy, {
      backlog: { ...quietStore.backlog, failed: 3 },
      recentFailures: [
        {
          outboxId: 7,
          action: 'email:spar_posted',
          orderId: '5800000000001',
          failedAt: minutesAgo(90),
        },
      ],
    }),
    expected: {
      status: 'down',
      reasons: ['1 outbox action failed for good in the last 24 hours'],
      warnings: [],
    },
  },
  {
    name: 'only older failures',
    facts: facts(healthy, { backlog: { ...quietStore.backlog, failed: 2 } }),
    expected: { status: 'ok', reasons: [], warnings: [] },
  },
  {
    name: 'pending for over an hour',
    facts: facts(healthy, {
      backlog: { ...quietStore.backlog, pending: 4, oldestPendingAt: minutesAgo(61) },
    }),
    expected: {
      status: 'down',
      reasons: ['oldest pending action has waited 1 hour, since 2026-12-04 06:59 UTC'],
      warnings: [],
    },
  },
  {
    name: 'pending for under an hour',
    facts: facts(healthy, {
      backlog: { ...quietStore.backlog, pending: 4, oldestPendingAt: minutesAgo(59) },
    }),
    expected: { status: 'ok', reasons: [], warnings: [] },
  },
  {
    name: 'SPAR job in doubt for hours',
    facts: facts(healthy, {
      backlog: { ...quietStore.backlog, inDoubt: 1 },
      oldestInDoubtAt: minutesAgo(180),
    }),
    expected: {
      status: 'down',
      reasons: [
        'a SPAR job queued at 2026-12-04 05:00 UTC is still in doubt: SPAR has not confirmed whether it exists',
      ],
      warnings: [],
    },
  },
  {
    name: 'no events in a day',
    facts: facts(
      { ...healthy, body: { ...healthyBody, idle: true } },
      { eventsByOutcome: {}, eventCount: 0, newestEventAt: minutesAgo(26 * 60) },
    ),
    expected: {
      status: 'ok',
      reasons: [],
      warnings: ['no event received in the last 24 hours'],
    },
  },
  {
    name: 'subscriber idle, events replayed',
    facts: facts({ ...healthy, body: { ...healthyBody, idle: true } }),
    expected: {
      status: 'ok',
      reasons: [],
      warnings: ['the worker has received no Pub/Sub message for over 24 hours'],
    },
  },
  {
    name: 'no subscription configured',
    facts: facts({ ...healthy, body: { ...healthyBody, subscriber: null } }),
    expected: {
      status: 'ok',
      reasons: [],
      warnings: ['the worker runs without a Pub/Sub subscription (PUBSUB_SUBSCRIPTION unset)'],
    },
  },
  {
    name: 'rejected events',
    facts: facts(healthy, { eventsByOutcome: { applied: 38, rejected: 2 } }),
    expected: {
      status: 'ok',
      reasons: [],
      warnings: ['2 events rejected in the last 24 hours; the error emails name them'],
    },
  },
  {
    name: 'unreachable and failing',
    facts: facts(
      { outcome: 'unreachable', url, error: 'no answer within 10000 ms' },
      {
        backlog: {
          pending: 2,
          inFlight: 0,
          inDoubt: 0,
          failed: 1,
          oldestPendingAt: minutesAgo(120),
        },
        recentFailures: [
          {
            outboxId: 9,
            action: 'spar.create',
            orderId: '5800000000002',
            failedAt: minutesAgo(30),
          },
        ],
      },
    ),
    expected: {
      status: 'down',
      reasons: [
        `worker unreachable at ${url}: no answer within 10000 ms`,
        '1 outbox action failed for good in the last 24 hours',
        'oldest pending action has waited 2 hours, since 2026-12-04 06:00 UTC',
      ],
      warnings: [],
    },
  },
];

describe('decideLiveness', () => {
  it.each(cases)('$name', ({ facts: input, expected }) => {
    const verdict = decideLiveness(input);

    expect(verdict.status).toBe(expected.status);
    expect(verdict.reasons).toEqual(expected.reasons);
    expect(verdict.warnings).toEqual(expected.warnings);
  });

  it('keeps causes while counts and ages change', () => {
    const failure = (outboxId: number) => ({
      outboxId,
      action: 'spar.create',
      orderId: String(outboxId),
      failedAt: minutesAgo(30),
    });
    const pending = (minutes: number) => ({
      ...quietStore.backlog,
      pending: 1,
      oldestPendingAt: minutesAgo(minutes),
    });

    const morning = decideLiveness(
      facts(healthy, { recentFailures: [failure(1)], backlog: pending(61) }),
    );
    const afternoon = decideLiveness(
      facts(healthy, { recentFailures: [failure(1), failure(2)], backlog: pending(300) }),
    );

    expect(morning.reasons).not.toEqual(afternoon.reasons);
    expect(morning.causes).toEqual(['failed_actions', 'pending_too_long']);
    expect(afternoon.causes).toEqual(morning.causes);
  });

  it('applies a custom threshold', () => {
    const input = facts(healthy, {
      backlog: { ...quietStore.backlog, pending: 1, oldestPendingAt: minutesAgo(10) },
    });

    const verdict = decideLiveness(input, { maxWaitingAgeMs: 5 * 60_000 });

    expect(verdict.status).toBe('down');
  });
});
