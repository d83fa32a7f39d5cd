import type { Action, OrderState } from '../decision/types.js';

export const eventOutcomes = ['applied', 'duplicate', 'stale', 'ignored', 'rejected'] as const;
export type EventOutcome = (typeof eventOutcomes)[number];

/**
 * Delivery state of an outbox action.
 * - `pending`: waiting for `nextAttemptAt`.
 * - `in_flight`: claimed by a dispatcher; after a crash it is settled, never blindly repeated.
 * - `in_doubt`: a SPAR create whose result is unknown; it must be looked up before any new POST.
 * - `done`, `failed`: final. `failed` means a permanent error that the developers were alerted to.
 */
export const outboxStatuses = ['pending', 'in_flight', 'in_doubt', 'done', 'failed'] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

/** A message as it enters the event log (the inbox). */
export interface InboxEvent {
  /** `X-Shopify-Webhook-Id`, or a stand-in derived from the message when it is missing. */
  webhookId: string;
  messageId: string | null;
  topic: string | null;
  shop: string | null;
  orderId: string | null;
  /** Raw message data as received; the event log keeps it so history can be replayed. */
  body: string;
  deliveryAttempt: number | null;
  receivedAt: Date;
}

/** Decision for one event, computed by the caller of `Store.recordEvent`. */
export interface EventDecision {
  outcome: Exclude<EventOutcome, 'duplicate'>;
  explanation: string;
  /** New order state to store; omitted when the order state does not change. */
  state?: OrderState;
  actions: Action[];
}

export interface RecordedEvent {
  outcome: EventOutcome;
  explanation: string;
  /** Actions this event added to the outbox; empty for duplicates. */
  actions: Action[];
}

export interface OutboxRow {
  id: number;
  webhookId: string;
  shop: string;
  orderId: string | null;
  type: Action['type'];
  dedupeKey: string;
  action: Action;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  /** Sink-specific result, such as `{ "sparJobId": "SPR-1" }`. */
  result: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface OutboxUpdate {
  status: OutboxStatus;
  nextAttemptAt?: Date;
  lastError?: string | null;
  result?: Record<string, unknown> | null;
}

export interface EventLogRow {
  webhookId: string;
  messageId: string | null;
  topic: string | null;
  shop: string | null;
  orderId: string | null;
  outcome: EventOutcome | null;
  explanation: string | null;
  deliveryAttempt: number | null;
  receivedAt: Date;
  processedAt: Date | null;
}

export interface OutboxBacklog {
  pending: number;
  inFlight: number;
  inDoubt: number;
  failed: number;
  oldestPendingAt: Date | null;
}

/** Persistence for the event log, order state and outbox; SQLite and PostgreSQL implement it. */
export interface Store {
  /** Creates or upgrades the schema. Safe to call on every start. */
  migrate(): Promise<void>;

  /**
   * Records one event in one transaction. When the webhook id is already in the event log the
   * result is `duplicate` and `decide` is not called. Otherwise `decide` receives the stored
   * state of the order (locked for the transaction) and its result is committed together:
   * outcome, new state and outbox actions. An action whose dedupe key already exists for the
   * order is dropped, so it can never be queued twice; the returned `actions` are only the
   * ones actually inserted.
   */
  recordEvent(
    event: InboxEvent,
    decide: (state: OrderState | undefined) => EventDecision,
  ): Promise<RecordedEvent>;

  /**
   * Queues actions outside an event, such as an alert raised by the dispatcher. `source`
   * takes the place of the webhook id. Actions whose dedupe key exists for the order are
   * dropped; returns the ones inserted.
   */
  enqueueActions(
    source: string,
    shop: string,
    orderId: string | null,
    actions: Action[],
  ): Promise<Action[]>;

  getOrderState(shop: string, orderId: string): Promise<OrderState | undefined>;
  getEvent(webhookId: string): Promise<EventLogRow | undefined>;
  listEvents(options?: { orderId?: string; limit?: number }): Promise<EventLogRow[]>;

  /** Claims up to `limit` actions due at `now`: marks them `in_flight` and counts the attempt. */
  claimDueActions(now: Date, limit: number): Promise<OutboxRow[]>;
  updateAction(id: number, update: OutboxUpdate): Promise<void>;
  listActions(options?: {
    orderId?: string;
    webhookId?: string;
    status?: OutboxStatus;
  }): Promise<OutboxRow[]>;
  findAction(shop: string, orderId: string, dedupeKey: string): Promise<OutboxRow | undefined>;
  /**
   * Settles actions left `in_flight` by a process that died: a `spar.create` becomes
   * `in_doubt` (it must be looked up before any new POST), anything else becomes `pending`.
   * Returns how many rows changed.
   */
  recoverInFlight(now: Date): Promise<number>;
  outboxBacklog(): Promise<OutboxBacklog>;

  close(): Promise<void>;
}
