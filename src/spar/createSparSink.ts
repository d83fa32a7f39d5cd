import type { Config } from '../config/config.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { ActionSink } from '../outbox/sink.js';
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitOpenEvent,
} from './circuitBreaker.js';
import { RecordingSparSink } from './recordingSparSink.js';
import { createSparClient } from './sparClient.js';
import { SparSink } from './sparSink.js';

export interface CreateSparSinkOptions {
  spar: Config['spar'];
  logger: Logger;
  breaker?: Omit<CircuitBreakerOptions, 'clock'>;
  /** Called once each time the breaker opens; the wiring queues one `error` email here. */
  onBreakerOpen?: (event: CircuitOpenEvent) => void;
}

/**
 * Builds the SPAR sink the configuration asks for: a `SparSink` when `SPAR_BASE_URL` is set,
 * otherwise a `RecordingSparSink` that logs actions and sends nothing.
 */
export function createSparSink(options: CreateSparSinkOptions): ActionSink {
  const { spar, logger } = options;
  if (spar.baseUrl === undefined) {
    logger.info({}, 'SPAR_BASE_URL is unset; spar actions are recorded, not sent');
    return new RecordingSparSink();
  }
  if (spar.apiKey === undefined) {
    throw new ConfigError('SPAR_API_KEY: missing; it is required when SPAR_BASE_URL is set');
  }

  const client = createSparClient({
    baseUrl: spar.baseUrl,
    apiKey: spar.apiKey,
    timeoutMs: spar.timeoutMs,
    logger: logger.child({ component: 'spar' }),
  });
  const breaker = new CircuitBreaker(options.breaker);
  breaker.on('open', (event) => {
    logger.error(event, 'spar circuit breaker opened; calls paused until a probe succeeds');
    try {
      options.onBreakerOpen?.(event);
    } catch (error) {
      // The callback runs inside a SPAR delivery; its failure must not replace that result.
      logger.error({ err: error }, 'spar circuit breaker alert failed');
    }
  });
  breaker.on('close', () => {
    logger.info({}, 'spar circuit breaker closed; calls resumed');
  });

  return new SparSink({ client, breaker });
}
