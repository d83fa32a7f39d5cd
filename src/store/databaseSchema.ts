import type { ColumnType, Generated } from 'kysely';

/**
 * A point in time: `timestamptz` in PostgreSQL, an ISO 8601 UTC string in SQLite (those sort
 * in time order as text). Written as `Date` and read back as `Date` or string, by dialect.
 */
type Timestamp = ColumnType<Date | string, Date, Date>;
type NullableTimestamp = ColumnType<Date | string | null, Date | null, Date | null>;

/**
 * JSON: `jsonb` in PostgreSQL, text in SQLite. Written as a JSON string and read back
 * parsed or as text, by dialect.
 */
type Json = ColumnType<unknown, string, string>;
type NullableJson = ColumnType<unknown, string | null, string | null>;

/** The event log (inbox), one row per webhook id. */
export interface EventsTable {
  webhook_id: string;
  message_id: string | null;
  topic: string | null;
  shop: string | null;
  order_id: string | null;
  /** Null only inside the transaction that records the event. */
  outcome: string | null;
  explanation: string | null;
  delivery_attempt: number | null;
  body: string;
  received_at: Timestamp;
  processed_at: NullableTimestamp;
}

export interface OrderStatesTable {
  shop: string;
  order_id: string;
  /** Null for the row PostgreSQL creates to lock an order that has no state yet. */
  state: NullableJson;
  updated_at: Timestamp;
}

export interface OutboxTable {
  id: Generated<number>;
  webhook_id: string;
  /** Empty string when the action belongs to no shop. */
  shop: string;
  /** Empty string when the action belongs to no order, so the unique key still applies. */
  order_id: string;
  type: string;
  dedupe_key: string;
  action: Json;
  status: string;
  attempts: number;
  next_attempt_at: Timestamp;
  last_error: string | null;
  result: NullableJson;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DatabaseSchema {
  events: EventsTable;
  order_states: OrderStatesTable;
  outbox: OutboxTable;
}
