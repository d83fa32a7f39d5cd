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
 * Builds the SPAR sink that the configuration selects: a `SparSink` when `SPAR_BASE_URL` is set,
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

  const sparLogger = logger.child({ component: 'spar' });
  const client = createSparClient({
    baseUrl: spar.baseUrl,
    apiKey: spar.apiKey,
    timeoutMs: spar.timeoutMs,
    logger: sparLogger,
  });
  const breaker = new CircuitBreaker(options.breaker);
  if (options.onBreakerOpen !== undefined) {
    const onBreakerOpen = options.onBreakerOpen;
    breaker.on('open', (event) => {
      try {
        onBreakerOpen(event);
      } catch (error) {
        // The callback runs inside a SPAR delivery; its failure must not replace that result.
        logger.error({ err: error }, 'spar circuit breaker alert failed');
      }
    });
  }

  return new SparSink({ client, breaker, logger: sparLogger });
}
