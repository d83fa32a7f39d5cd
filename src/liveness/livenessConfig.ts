import { z } from 'zod';
import { ConfigError } from '../errors.js';

/** Settings of the daily liveness check, on top of the service's `Config`. */
export interface LivenessConfig {
  /** Full URL of the worker's health endpoint, such as `http://127.0.0.1:3000/healthz`. */
  healthUrl: string;
}

const healthUrlSchema = z
  .url({
    protocol: /^https?$/,
    error:
      'expected the http:// or https:// URL of the worker health endpoint, such as http://127.0.0.1:3000/healthz',
  })
  .optional();

/**
 * Reads `LIVENESS_HEALTH_URL`. Unset or empty, the check requests
 * `http://127.0.0.1:PORT/healthz` on this machine, the port `serve` listens on. Throws a `ConfigError` naming
 * the variable and the expected form.
 */
export function loadLivenessConfig(env: NodeJS.ProcessEnv, port: number): Readonly<LivenessConfig> {
  const raw = env.LIVENESS_HEALTH_URL?.trim();
  const parsed = healthUrlSchema.safeParse(raw === '' ? undefined : raw);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'invalid value';
    throw new ConfigError(
      `Invalid configuration (1 problem):\n  LIVENESS_HEALTH_URL or --health-url: ${message}\n` +
        'Fix the value and run the check again.',
    );
  }
  if (parsed.data !== undefined) return Object.freeze({ healthUrl: parsed.data });

  // PORT=0 lets `serve` pick a free port, so the check cannot know where to look.
  if (port === 0) {
    throw new ConfigError(
      'Invalid configuration (1 problem):\n  LIVENESS_HEALTH_URL: missing; it is required when PORT is 0\n' +
        'Set it to the URL of the worker health endpoint and run the check again.',
    );
  }
  return Object.freeze({ healthUrl: `http://127.0.0.1:${port}/healthz` });
}
