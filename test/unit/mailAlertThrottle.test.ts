import { describe, expect, it } from 'vitest';
import { alertClassOf } from '../../src/mail/alertClass.js';
import { AlertThrottle } from '../../src/mail/alertThrottle.js';
import { sampleEmailAction } from '../../src/mail/sampleEmailActions.js';

const hourMs = 60 * 60_000;

function clockAt(start: string): { now: () => Date; advance: (ms: number) => void } {
  let nowMs = Date.parse(start);
  return { now: () => new Date(nowMs), advance: (ms) => (nowMs += ms) };
}

describe('alertClassOf', () => {
  it('ignores ids and numbers', () => {
    const first = sampleEmailAction('error', {
      reason: 'email:spar_posted for order 5800000000101: still not delivered after 3 attempts',
    });
    const second = sampleEmailAction('error', {
      reason: 'email:spar_posted for order 5800000000202: still not delivered after 9 attempts',
    });

    expect(alertClassOf(first)).toBe(alertClassOf(second));
  });

  it('ignores quoted values and uuids', () => {
    const first = sampleEmailAction('error', {
      reason: 'message b54557e4-0000-4000-8000-000000000001 rejected: field "zip" invalid',
    });
    const second = sampleEmailAction('error', {
      reason: 'message 0f0e0d0c-1111-4222-8333-444455556666 rejected: field "sku" invalid',
    });

    expect(alertClassOf(first)).toBe(alertClassOf(second));
  });

  it('separates different faults', () => {
    const timeout = sampleEmailAction('error', { reason: 'SPAR create timed out' });
    const invalid = sampleEmailAction('error', {
      reason: 'Pub/Sub message rejected: invalid JSON',
    });

    expect(alertClassOf(timeout)).not.toBe(alertClassOf(invalid));
  });
});

describe('AlertThrottle', () => {
  it('sends the first alert of a class', () => {
    const throttle = new AlertThrottle({ clock: clockAt('2026-12-01T10:00:00Z').now });

    expect(throttle.admit(1, 'a')).toEqual({ verdict: 'send' });
  });

  it('holds repeats until the window ends', () => {
    const clock = clockAt('2026-12-01T10:00:00Z');
    const throttle = new AlertThrottle({ clock: clock.now });
    throttle.admit(1, 'a');

    clock.advance(10 * 60_000);

    expect(throttle.admit(2, 'a')).toEqual({
      verdict: 'hold',
      retryAt: new Date('2026-12-01T11:00:00Z'),
    });
    expect(throttle.admit(3, 'b')).toEqual({ verdict: 'send' });
  });

  it('resends the window opener on retry', () => {
    const throttle = new AlertThrottle({ clock: clockAt('2026-12-01T10:00:00Z').now });
    throttle.admit(1, 'a');

    expect(throttle.admit(1, 'a')).toEqual({ verdict: 'send' });
  });

  it('summarises held alerts after the window', () => {
    const clock = clockAt('2026-12-01T10:00:00Z');
    const throttle = new AlertThrottle({ clock: clock.now });
    throttle.admit(1, 'a');
    clock.advance(5 * 60_000);
    throttle.admit(2, 'a');
    clock.advance(5 * 60_000);
    throttle.admit(3, 'a');
    throttle.admit(4, 'a');

    clock.advance(hourMs);

    expect(throttle.admit(3, 'a')).toEqual({
      verdict: 'send',
      repeats: { count: 2, since: new Date('2026-12-01T10:05:00Z') },
    });
    expect(throttle.admit(2, 'a')).toEqual({ verdict: 'summarised', summaryRowId: 3 });
    expect(throttle.admit(4, 'a')).toEqual({ verdict: 'summarised', summaryRowId: 3 });
  });

  it('keeps the summary across retries', () => {
    const clock = clockAt('2026-12-01T10:00:00Z');
    const throttle = new AlertThrottle({ clock: clock.now });
    throttle.admit(1, 'a');
    throttle.admit(2, 'a');
    throttle.admit(3, 'a');
    clock.advance(hourMs);
    const first = throttle.admit(2, 'a');

    throttle.settle(2, 'retry');
    clock.advance(60_000);

    expect(throttle.admit(2, 'a')).toEqual(first);
    throttle.settle(2, 'done');
    clock.advance(2 * hourMs);
    expect(throttle.admit(2, 'a')).toEqual({ verdict: 'send' });
  });

  it('uses the configured window', () => {
    const clock = clockAt('2026-12-01T10:00:00Z');
    const throttle = new AlertThrottle({ clock: clock.now, windowMs: 60_000 });
    throttle.admit(1, 'a');

    clock.advance(60_000);

    expect(throttle.admit(2, 'a')).toEqual({ verdict: 'send' });
  });
});
