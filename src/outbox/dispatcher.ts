import type { Logger } from 'pino';
import type { OutboxRow, Store } from '../store/types.js';
import { actionLabel } from './actionLabel.js';
import { defaultBackoff, retryDelayMs, type BackoffPolicy } from './backoff.js';
import { developerAlert } from './developerAlert.js';
import { reportedCallOf } from './sparReportEmails.js';
import type { ActionSink, DeliveryResult } from './sink.js';

export interface DispatcherOptions {
  store: Store;
  sinks: { spar: ActionSink; email: ActionSink };
  logger: Logger;
  backoff?: BackoffPolicy;
  /** Actions claimed per step. */
  batchSize?: number;
  /**
   * Orders whose actions are delivered at the same time within a step. Actions of one order
   * always go one after another, in the order they were queued. Default 4.
   */
  orderConcurrency?: number;
  /** Pause between steps when nothing was due. */
  pollIntervalMs?: number;
  /** An action still not delivered this long after it was queued alerts the developers once. */
  alertAfterMs?: number;
  clock?: () => Date;
}

/**
 * Delivers outbox actions: claims the due rows, hands each to its sink, and stores the
 * outcome on the row. Retries survive restarts because attempts and the next attempt time
 * live on the row. Permanent failures and actions stuck past `alertAfterMs` queue an `error`
 * email for the developers.
 */
export class Dispatcher {
  readonly #options: Required<Omit<DispatcherOptions, 'clock'>> & { clock: () => Date };
  #running = false;
  #stepInProgress: Promise<number> | null = null;
  #wake: (() => void) | null = null;
  #loop: Promise<void> | null = null;
  lastStepAt: Date | null = null;

  constructor(options: DispatcherOptions) {
    this.#options = {
      backoff: defaultBackoff,
      batchSize: 20,
      orderConcurrency: 4,
      pollIntervalMs: 1_000,
      alertAfterMs: 6 * 60 * 60_000,
      clock: () => new Date(),
      ...options,
    };
  }

  /** Starts the delivery loop. Calling it twice has no effect. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Wakes the loop at once, for example after new actions were committed. */
  notify(): void {
    this.#wake?.();
  }

  /** Stops the loop after the step in progress finishes. Safe to call more than once. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    this.#loop = null;
  }

  /** Claims and delivers one batch of due actions. Returns how many were attempted. */
  async step(): Promise<number> {
    if (this.#stepInProgress !== null) return this.#stepInProgress;
    this.#stepInProgress = this.#deliverBatch().finally(() => {
      this.#stepInProgress = null;
    });
    return this.#stepInProgress;
  }

  /**
   * Delivers until no action is due or `timeoutMs` passes; used by `replay` and the demo.
   * Returns false when actions were still waiting at the deadline.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const attempted = await this.step();
      const backlog = await this.#options.store.outboxBacklog();
      const waiting = backlog.pending + backlog.inDoubt + backlog.inFlight;
      if (waiting === 0) return true;
      if (Date.now() >= deadline) return false;
      if (attempted === 0)
        await this.#pause(
          Math.min(this.#options.pollIntervalMs, Math.max(0, deadline - Date.now())),
        );
    }
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let attempted = 0;
      try {
        attempted = await this.step();
      } catch (error) {
        this.#options.logger.error(
          { err: error },
          'outbox step failed; retrying after the poll interval',
        );
      }
      if (attempted === 0) await this.#pause(this.#options.pollIntervalMs);
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = null;
        done();
      };
    });
  }

  async #deliverBatch(): Promise<number> {
    const now = this.#options.clock();
    this.lastStepAt = now;
    const rows = await this.#options.store.claimDueActions(now, this.#options.batchSize);

    // SPAR calls take a network round trip each, so a backlog after an outage drains several
    // orders at once. Within an order the rows stay sequential: a cancel must follow its
    // create, and spar_posted waits for the create it reports.
    const queues = [...groupByOrder(rows).values()];
    const workers = Array.from(
      { length: Math.min(this.#options.orderConcurrency, queues.length) },
      async () => {
        for (let queue = queues.shift(); queue !== undefined; queue = queues.shift()) {
          for (const row of queue) await this.#deliver(row);
        }
      },
    );
    await Promise.all(workers);
    return rows.length;
  }

  async #deliver(row: OutboxRow): Promise<void> {
    const { store } = this.#options;
    const logger = this.#options.logger.child({
      outboxId: row.id,
      shop: row.shop,
      orderId: row.orderId,
      action: actionLabel(row.action),
      attempt: row.attempts,
    });

    const sink = row.action.type === 'email' ? this.#options.sinks.email : this.#options.sinks.spar;
    const startedAt = performance.now();
    // A held email never reached its sink; when its SPAR call failed, that call alerted already.
    const heldResult = await this.#checkPrerequisite(row);
    let result: DeliveryResult;
    try {
      result = heldResult ?? (await sink.deliver(row, { store, logger }));
    } catch (error) {
      // A sink reports expected failures as results; anything thrown is unexpected, so it is
      // retried like a transient failure rather than lost.
      logger.error({ err: error }, 'sink threw; the action will be retried');
      result = { status: 'retry', error: error instanceof Error ? error.message : String(error) };
    }
    const durationMs = Math.round(performance.now() - startedAt);
    const now = this.#options.clock();

    switch (result.status) {
      case 'done':
        await store.updateAction(row.id, {
          status: 'done',
          lastError: null,
          result: result.result ?? null,
        });
        logger.info({ durationMs, result: result.result }, 'action delivered');
        return;
      case 'failed':
        await store.updateAction(row.id, { status: 'failed', lastError: result.error });
        logger.error(
          { durationMs, error: result.error },
          'action failed permanently; developers alerted',
        );
        if (heldResult === undefined) {
          await this.#alert(row, `permanent failure: ${result.error}`, `error:failed:${row.id}`);
        }
        return;
      case 'deferred':
        await store.updateAction(row.id, { status: 'pending', nextAttemptAt: result.until });
        logger.debug({ reason: result.reason, until: result.until }, 'action deferred');
        return;
      case 'retry':
      case 'in_doubt': {
        const delayMs =
          result.status === 'retry' && result.retryAfterMs !== undefined
            ? result.retryAfterMs
            : retryDelayMs(row.attempts, this.#options.backoff);
        const nextAttemptAt = new Date(now.getTime() + delayMs);
        await store.updateAction(row.id, {
          status: result.status === 'in_doubt' ? 'in_doubt' : 'pending',
          nextAttemptAt,
          lastError: result.error,
        });
        logger.warn(
          { durationMs, error: result.error, nextAttemptAt, inDoubt: result.status === 'in_doubt' },
          'action not delivered; will retry',
        );
        if (now.getTime() - row.createdAt.getTime() >= this.#options.alertAfterMs) {
          await this.#alert(
            row,
            `still not delivered after ${row.attempts} attempts: ${result.error}`,
            `error:stuck:${row.id}`,
          );
        }
        return;
      }
    }
  }

  /**
   * Holds an email that reports a SPAR call until that call is done: the owners must not read
   * "sent to SPAR" while the job is still retrying or was rejected. Returns undefined when the
   * email may go now.
   */
  async #checkPrerequisite(row: OutboxRow): Promise<DeliveryResult | undefined> {
    if (row.action.type !== 'email' || row.orderId === null) return undefined;
    const required = reportedCallOf(row.action.kind);
    if (required === undefined) return undefined;

    const call = await this.#options.store.findAction(row.shop, row.orderId, required);
    if (call === undefined || call.status === 'done') return undefined;
    if (call.status === 'failed') {
      return { status: 'failed', error: `${required} failed, so this email is not sent` };
    }
    return {
      status: 'deferred',
      reason: `waiting for ${required} to be delivered`,
      until: new Date(this.#options.clock().getTime() + this.#options.pollIntervalMs * 5),
    };
  }

  /** Returns the order's name (`#1001`) for an alert, so the developers can find it. */
  async #orderName(row: OutboxRow): Promise<string | null> {
    if (row.action.type === 'email') return row.action.details.orderName;
    if (row.orderId === null) return null;
    const state = await this.#options.store.getOrderState(row.shop, row.orderId);
    return state?.order?.name ?? null;
  }

  async #alert(row: OutboxRow, reason: string, dedupeKey: string): Promise<void> {
    // An undeliverable alert must not queue an alert about itself, or a broken SMTP server
    // would fill the outbox.
    if (row.action.type === 'email' && row.action.kind === 'error') return;

    const alert = developerAlert({
      dedupeKey,
      reason: `${actionLabel(row.action)} for order ${row.orderId ?? '(none)'}: ${reason}`,
      shop: row.shop,
      orderId: row.orderId,
      orderName: await this.#orderName(row),
      webhookId: row.webhookId,
    });
    await this.#options.store.enqueueActions(`outbox:${row.id}`, row.shop, row.orderId, [alert]);
  }
}

/** Groups claimed rows by order, keeping the claim order (by id) within each group. */
function groupByOrder(rows: readonly OutboxRow[]): Map<string, OutboxRow[]> {
  const groups = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    // Rows without an order (service alerts) each form a group of their own.
    const key = row.orderId === null ? `row:${row.id}` : `${row.shop}\n${row.orderId}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  }
  return groups;
}
