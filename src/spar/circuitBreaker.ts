import { EventEmitter } from 'node:events';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. Default 5. */
  failureThreshold?: number;
  /** How long an open breaker rejects calls before it lets one probe through. Default 60000. */
  coolDownMs?: number;
  /** Milliseconds since the epoch; tests pass a controllable clock. */
  clock?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitOpenEvent {
  consecutiveFailures: number;
  coolDownMs: number;
  /** The failure that opened the breaker; must hold no secret or customer data. */
  lastError: string;
}

interface CircuitBreakerEvents {
  /** Emitted once when the breaker opens from `closed`, not again while probes keep failing. */
  open: [CircuitOpenEvent];
  /** Emitted when a probe succeeds and calls resume. */
  close: [];
}

/**
 * Stops calls to a failing service for a cool-down, then lets one probe through: a success
 * closes the breaker, a failure opens it for another cool-down. Callers ask `acquire` before
 * each call and report the result with `recordSuccess` or `recordFailure`.
 */
export class CircuitBreaker extends EventEmitter<CircuitBreakerEvents> {
  readonly failureThreshold: number;
  readonly coolDownMs: number;
  readonly #clock: () => number;
  #state: CircuitState = 'closed';
  #consecutiveFailures = 0;
  #openedAt = 0;
  #probeInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    super();
    this.failureThreshold = options.failureThreshold ?? 5;
    this.coolDownMs = options.coolDownMs ?? 60_000;
    this.#clock = options.clock ?? Date.now;
    if (!Number.isInteger(this.failureThreshold) || this.failureThreshold < 1) {
      throw new RangeError(
        `failureThreshold must be a positive integer, got ${this.failureThreshold}`,
      );
    }
    if (!Number.isFinite(this.coolDownMs) || this.coolDownMs < 0) {
      throw new RangeError(`coolDownMs must be a non-negative number, got ${this.coolDownMs}`);
    }
  }

  get state(): CircuitState {
    return this.#state;
  }

  get consecutiveFailures(): number {
    return this.#consecutiveFailures;
  }

  /**
   * Returns 0 when a call may go ahead now, otherwise the milliseconds to wait. Once the
   * cool-down has passed, the first caller gets the probe and later callers wait until the
   * probe reports, so exactly one call tests the service.
   */
  acquire(): number {
    if (this.#state === 'closed') return 0;

    if (this.#state === 'open') {
      const remainingMs = this.#openedAt + this.coolDownMs - this.#clock();
      if (remainingMs > 0) return remainingMs;
      this.#state = 'half_open';
    }

    if (this.#probeInFlight) return Math.max(1, Math.min(1_000, this.coolDownMs));
    this.#probeInFlight = true;
    return 0;
  }

  /** Reports a call that reached the service. Closes the breaker after a successful probe. */
  recordSuccess(): void {
    const wasProbing = this.#state === 'half_open';
    this.#consecutiveFailures = 0;
    this.#probeInFlight = false;
    this.#state = 'closed';
    if (wasProbing) this.emit('close');
  }

  /** Reports a failure that suggests the service is down. */
  recordFailure(error: string): void {
    this.#consecutiveFailures += 1;
    this.#probeInFlight = false;

    if (this.#state === 'half_open') {
      this.#open();
      return;
    }
    if (this.#state === 'closed' && this.#consecutiveFailures >= this.failureThreshold) {
      this.#open();
      this.emit('open', {
        consecutiveFailures: this.#consecutiveFailures,
        coolDownMs: this.coolDownMs,
        lastError: error,
      });
    }
  }

  #open(): void {
    this.#state = 'open';
    this.#openedAt = this.#clock();
  }
}
