import type { Logger } from 'pino';
import type { SparCancelAction, SparCreateAction } from '../decision/types.js';
import type { ActionSink, DeliveryContext, DeliveryResult } from '../outbox/sink.js';
import { wasClaimedInDoubt } from '../store/claimedOutboxRow.js';
import type { OutboxRow } from '../store/types.js';
import { CircuitBreaker } from './circuitBreaker.js';
import { sparRequests, type SparClient } from './sparClient.js';
import {
  SparCircuitOpenError,
  SparInDoubtError,
  SparTransientError,
  type SparRequestInfo,
} from './sparErrors.js';
import { toDeliveryResult } from './sparOutcome.js';
import {
  buildSparCancelBody,
  buildSparCreateBody,
  cancelIdempotencyKey,
  createIdempotencyKey,
} from './sparPayload.js';

export interface SparSinkOptions {
  client: SparClient;
  /** Shared by every call this sink makes; a default breaker is created when omitted. */
  breaker?: CircuitBreaker;
  /** Receives the breaker's open and close transitions; per-action logs go to the delivery's logger. */
  logger?: Logger;
}

// Re-exported so the wiring finds both SPAR sinks in one place.
export { RecordingSparSink } from './recordingSparSink.js';

/**
 * Delivers `spar.create` and `spar.cancel` actions to SPAR. SPAR ends up with at most one job
 * per order, because every POST for an order repeats its `Idempotency-Key` and `externalId`,
 * and any attempt after the first looks the job up before it posts again.
 */
export class SparSink implements ActionSink {
  readonly breaker: CircuitBreaker;
  readonly #client: SparClient;

  constructor(options: SparSinkOptions) {
    this.#client = options.client;
    this.breaker = options.breaker ?? new CircuitBreaker();

    const { logger } = options;
    if (logger !== undefined) {
      this.breaker.on('open', (event) => {
        logger.error(event, 'spar circuit breaker opened; calls paused until a probe succeeds');
      });
      this.breaker.on('close', () => {
        logger.info({}, 'spar circuit breaker closed; calls resumed');
      });
    }
  }

  async deliver(row: OutboxRow, context: DeliveryContext): Promise<DeliveryResult> {
    const { action } = row;
    try {
      if (action.type === 'spar.create') return await this.#create(row, action, context);
      if (action.type === 'spar.cancel') return await this.#cancel(row, action, context);
      return { status: 'failed', error: `SparSink cannot deliver ${action.type} actions` };
    } catch (error) {
      const result = toDeliveryResult(error);
      // A row that was in doubt stays in doubt until a lookup settles it.
      if (action.type === 'spar.create' && result.status === 'retry' && wasInDoubt(row)) {
        return {
          status: 'in_doubt',
          error: `SPAR_CREATE_IN_DOUBT: still unsettled (${result.error})`,
        };
      }
      return result;
    }
  }

  async #create(
    row: OutboxRow,
    action: SparCreateAction,
    context: DeliveryContext,
  ): Promise<DeliveryResult> {
    const state = await context.store.getOrderState(row.shop, action.orderId);
    const body = buildSparCreateBody(row.shop, state ?? { order: null }, action);

    // The row may have been in doubt, or in flight when a process died, and a GET costs far
    // less than a second technician at the customer's door.
    if (row.attempts > 1 || wasInDoubt(row)) {
      const job = await this.#guarded(sparRequests.lookup, () =>
        this.#client.findJobByExternalId(body.externalId),
      );
      if (job !== null) {
        context.logger.info(
          { sparJobId: job.id, sparStatus: job.status },
          'spar job found by lookup; not posted again',
        );
        return { status: 'done', result: { sparJobId: job.id, settledBy: 'lookup' } };
      }
      context.logger.info(
        {},
        'spar job not found by lookup; posting with the same idempotency key',
      );
    }

    const created = await this.#guarded(sparRequests.create, () =>
      this.#client.createJob(body, createIdempotencyKey(row.shop, action.orderId)),
    );
    context.logger.info({ sparJobId: created.jobId, existed: created.existed }, 'spar job created');
    const result: Record<string, unknown> = { sparJobId: created.jobId };
    if (created.existed) result.existed = true;
    return { status: 'done', result };
  }

  async #cancel(
    row: OutboxRow,
    action: SparCancelAction,
    context: DeliveryContext,
  ): Promise<DeliveryResult> {
    const createRow = await context.store.findAction(row.shop, action.orderId, 'spar.create');
    if (createRow === undefined) {
      return {
        status: 'failed',
        error: 'no spar.create action is stored for this order, so there is no SPAR job to cancel',
      };
    }
    if (createRow.status === 'failed') {
      return {
        status: 'failed',
        error:
          'the SPAR create of this order failed permanently, so there is no job to cancel; check the order by hand',
      };
    }
    if (createRow.status !== 'done') {
      return {
        status: 'retry',
        error: `waiting for the SPAR create of this order (${createRow.status}) to store a job id`,
      };
    }

    const jobId = createRow.result?.sparJobId;
    if (typeof jobId !== 'string') {
      if (createRow.result?.recorded === true) {
        context.logger.info({}, 'spar cancel skipped: the create was recorded, not sent');
        return {
          status: 'done',
          result: { sparJobId: null, skipped: 'the create was recorded, not sent to SPAR' },
        };
      }
      return {
        status: 'failed',
        error: 'the SPAR create of this order stored no job id, so it cannot be cancelled',
      };
    }

    const state = await context.store.getOrderState(row.shop, action.orderId);
    const body = buildSparCancelBody(state, action, row.createdAt);
    const cancelled = await this.#guarded(sparRequests.cancel(jobId), () =>
      this.#client.cancelJob(jobId, body, cancelIdempotencyKey(row.shop, action.orderId)),
    );
    context.logger.info(
      { sparJobId: jobId, alreadyCancelled: cancelled.alreadyCancelled },
      'spar job cancelled',
    );
    const result: Record<string, unknown> = { sparJobId: jobId, cancelled: true };
    if (cancelled.alreadyCancelled) result.alreadyCancelled = true;
    return { status: 'done', result };
  }

  /**
   * Makes one SPAR call through the circuit breaker. Timeouts and transient responses count as
   * failures; any response that shows SPAR is up, a permanent rejection included, counts as a
   * success.
   */
  async #guarded<T>(request: SparRequestInfo, call: () => Promise<T>): Promise<T> {
    const waitMs = this.breaker.acquire();
    if (waitMs > 0) throw new SparCircuitOpenError({ ...request, retryAfterMs: waitMs });

    try {
      const value = await call();
      this.breaker.recordSuccess();
      return value;
    } catch (error) {
      if (error instanceof SparTransientError || error instanceof SparInDoubtError) {
        this.breaker.recordFailure(`${error.code}: ${error.message}`);
      } else {
        this.breaker.recordSuccess();
      }
      throw error;
    }
  }
}

/**
 * Whether the row was in doubt before this claim. The store's `claimedFrom` is the source, and
 * the stored error covers rows handed over by a caller that did not claim them through the store.
 */
function wasInDoubt(row: OutboxRow): boolean {
  if (wasClaimedInDoubt(row)) return true;
  return !('claimedFrom' in row) && (row.lastError?.startsWith('SPAR_CREATE_IN_DOUBT') ?? false);
}
