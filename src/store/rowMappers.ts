import type { Selectable } from 'kysely';
import type { Action, OrderState } from '../decision/types.js';
import type { EventsTable, OutboxTable } from './databaseSchema.js';
import type { EventLogRow, EventOutcome, OutboxRow, OutboxStatus } from './types.js';

/** Reads a timestamp column: PostgreSQL returns a `Date`, SQLite the ISO string it stored. */
export function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

function toNullableDate(value: Date | string | null): Date | null {
  return value === null ? null : toDate(value);
}

/** Reads a JSON column: PostgreSQL returns `jsonb` parsed, SQLite the text it stored. */
export function fromJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

export function toOrderState(value: unknown): OrderState | undefined {
  if (value === null || value === undefined) return undefined;
  return fromJson(value) as OrderState;
}

export function toEventLogRow(row: Selectable<EventsTable>): EventLogRow {
  return {
    webhookId: row.webhook_id,
    messageId: row.message_id,
    topic: row.topic,
    shop: row.shop,
    orderId: row.order_id,
    outcome: row.outcome as EventOutcome | null,
    explanation: row.explanation,
    deliveryAttempt: row.delivery_attempt,
    receivedAt: toDate(row.received_at),
    processedAt: toNullableDate(row.processed_at),
  };
}

export function toOutboxRow(row: Selectable<OutboxTable>): OutboxRow {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    shop: row.shop,
    orderId: row.order_id === '' ? null : row.order_id,
    type: row.type as Action['type'],
    dedupeKey: row.dedupe_key,
    action: fromJson(row.action) as Action,
    status: row.status as OutboxStatus,
    attempts: row.attempts,
    nextAttemptAt: toDate(row.next_attempt_at),
    lastError: row.last_error,
    result: row.result === null ? null : (fromJson(row.result) as Record<string, unknown>),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}
