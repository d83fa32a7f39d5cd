import type { RepeatSummary } from './templates/renderEmail.js';
import type { DeliveryResult } from '../outbox/sink.js';

/** Decision of the mail sink about one alert. */
export type ThrottleVerdict =
  /** Send it now; `repeats` counts the held alerts this email summarises. */
  | { verdict: 'send'; repeats?: RepeatSummary }
  /** Another alert of the class went out less than a window ago: try again at `retryAt`. */
  | { verdict: 'hold'; retryAt: Date }
  /** A summary email already counted this alert; it needs no email of its own. */
  | { verdict: 'summarised'; summaryRowId: number };

export interface AlertThrottleOptions {
  /** Minimum time between two emails of one alert class. Default one hour. */
  windowMs?: number;
  clock?: () => Date;
}

interface ClassWindow {
  endsAtMs: number;
  /** The outbox row whose email opened the window; its retries are sent, not held. */
  openerRowId: number;
  /** Held outbox rows by id, with the time each was first held. */
  held: Map<number, number>;
}

/**
 * Rate limits alerts per class. The first alert of a class is sent and opens a window. Later
 * alerts of the class inside the window are held, so their outbox rows are retried when it
 * ends. The first alert of the class after the window carries the count of the held ones
 * ("N more like this since …"), and the rows it counted are then done without an email of
 * their own. A burst therefore yields one alert, then one summary per window while it lasts.
 *
 * NOTE: the windows live in process memory, so they are per process. After a restart the held
 * rows are delivered again like new alerts: one email, the rest held for another window.
 */
export class AlertThrottle {
  readonly #windowMs: number;
  readonly #clock: () => Date;
  readonly #windows = new Map<string, ClassWindow>();
  /** Held rows already counted in a summary, mapped to the row that carries the summary. */
  readonly #summarised = new Map<number, number>();
  /** Summaries assigned to rows whose email may still need retries. */
  readonly #pendingSummaries = new Map<number, RepeatSummary>();

  constructor(options: AlertThrottleOptions = {}) {
    this.#windowMs = options.windowMs ?? 60 * 60_000;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Decides what happens to the alert in outbox row `rowId` of class `alertClass`. */
  admit(rowId: number, alertClass: string): ThrottleVerdict {
    const nowMs = this.#clock().getTime();

    const summaryRowId = this.#summarised.get(rowId);
    if (summaryRowId !== undefined) {
      this.#summarised.delete(rowId);
      return { verdict: 'summarised', summaryRowId };
    }

    const pending = this.#pendingSummaries.get(rowId);
    if (pending !== undefined) return { verdict: 'send', repeats: pending };

    const window = this.#windows.get(alertClass);
    if (window !== undefined && nowMs < window.endsAtMs) {
      if (window.openerRowId === rowId) return { verdict: 'send' };

      if (!window.held.has(rowId)) window.held.set(rowId, nowMs);
      return { verdict: 'hold', retryAt: new Date(window.endsAtMs) };
    }

    this.#pruneExpired(nowMs);
    this.#windows.set(alertClass, {
      endsAtMs: nowMs + this.#windowMs,
      openerRowId: rowId,
      held: new Map(),
    });
    return this.#summarise(rowId, window?.held ?? new Map<number, number>());
  }

  /** Records the outcome of a send, so a summary is kept for the retries of a failed one. */
  settle(rowId: number, outcome: DeliveryResult['status']): void {
    if (outcome !== 'retry' && outcome !== 'deferred') this.#pendingSummaries.delete(rowId);
  }

  #summarise(rowId: number, held: ReadonlyMap<number, number>): ThrottleVerdict {
    let sinceMs = Number.POSITIVE_INFINITY;
    let count = 0;
    for (const [heldRowId, heldAtMs] of held) {
      if (heldRowId === rowId) continue;
      this.#summarised.set(heldRowId, rowId);
      sinceMs = Math.min(sinceMs, heldAtMs);
      count += 1;
    }
    if (count === 0) return { verdict: 'send' };

    const repeats: RepeatSummary = { count, since: new Date(sinceMs) };
    this.#pendingSummaries.set(rowId, repeats);
    return { verdict: 'send', repeats };
  }

  /** Drops windows that ended with nothing held, so memory stays bounded by the active classes. */
  #pruneExpired(nowMs: number): void {
    for (const [alertClass, window] of this.#windows) {
      if (window.endsAtMs <= nowMs && window.held.size === 0) this.#windows.delete(alertClass);
    }
  }
}
