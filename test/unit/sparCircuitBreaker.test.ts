import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitOpenEvent } from '../../src/spar/circuitBreaker.js';

function breakerWithClock(failureThreshold = 3, coolDownMs = 1000) {
  const clock = { nowMs: 0 };
  const breaker = new CircuitBreaker({ failureThreshold, coolDownMs, clock: () => clock.nowMs });
  const opened: CircuitOpenEvent[] = [];
  let closed = 0;
  breaker.on('open', (event) => opened.push(event));
  breaker.on('close', () => {
    closed += 1;
  });
  return { breaker, clock, opened, closedCount: () => closed };
}

function fail(breaker: CircuitBreaker, times: number): void {
  for (let i = 0; i < times; i++) {
    expect(breaker.acquire()).toBe(0);
    breaker.recordFailure('SPAR_UNAVAILABLE: HTTP 503');
  }
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold', () => {
    const { breaker, opened } = breakerWithClock();

    fail(breaker, 2);

    expect(breaker.state).toBe('closed');
    expect(opened).toHaveLength(0);
  });

  it('opens at the threshold and emits once', () => {
    const { breaker, opened } = breakerWithClock();

    fail(breaker, 3);

    expect(breaker.state).toBe('open');
    expect(opened).toEqual([
      { consecutiveFailures: 3, coolDownMs: 1000, lastError: 'SPAR_UNAVAILABLE: HTTP 503' },
    ]);
  });

  it('rejects during the cool-down', () => {
    const { breaker, clock } = breakerWithClock();
    fail(breaker, 3);

    clock.nowMs = 400;

    expect(breaker.acquire()).toBe(600);
  });

  it('lets one probe through after the cool-down', () => {
    const { breaker, clock } = breakerWithClock();
    fail(breaker, 3);

    clock.nowMs = 1000;

    expect(breaker.acquire()).toBe(0);
    expect(breaker.state).toBe('half_open');
    expect(breaker.acquire()).toBeGreaterThan(0);
  });

  it('closes after a successful probe', () => {
    const { breaker, clock, closedCount } = breakerWithClock();
    fail(breaker, 3);
    clock.nowMs = 1000;
    breaker.acquire();

    breaker.recordSuccess();

    expect(breaker.state).toBe('closed');
    expect(breaker.acquire()).toBe(0);
    expect(closedCount()).toBe(1);
  });

  it('reopens silently after a failed probe', () => {
    const { breaker, clock, opened } = breakerWithClock();
    fail(breaker, 3);
    clock.nowMs = 1000;
    breaker.acquire();

    breaker.recordFailure('SPAR_TIMEOUT: timed out');

    expect(breaker.state).toBe('open');
    expect(breaker.acquire()).toBe(1000);
    expect(opened).toHaveLength(1);
  });

  it('resets the count on success', () => {
    const { breaker } = breakerWithClock();
    fail(breaker, 2);

    breaker.recordSuccess();
    fail(breaker, 2);

    expect(breaker.state).toBe('closed');
  });

  it('rejects an invalid threshold', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(RangeError);
  });
});
