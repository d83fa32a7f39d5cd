/** Capped exponential backoff with full jitter, shared by every retry in the service. */
export interface BackoffPolicy {
  /** Delay ceiling before jitter for the first retry. */
  baseDelayMs: number;
  /** Upper bound for any delay. */
  maxDelayMs: number;
}

export const defaultBackoff: BackoffPolicy = { baseDelayMs: 2_000, maxDelayMs: 15 * 60_000 };

/**
 * Returns the delay before retry number `attempt` (1 for the first retry): a random value
 * between half and all of `min(maxDelayMs, baseDelayMs * 2^(attempt - 1))`. Keeping half
 * spreads retries of many actions apart without ever retrying at once.
 */
export function retryDelayMs(
  attempt: number,
  policy: BackoffPolicy = defaultBackoff,
  random = Math.random,
): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
