import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { outboxStatuses } from './types.js';
import type { StoreDialect } from './storeDialect.js';

/**
 * Migrations, in code so the build needs no SQL files. Kysely applies them in name order.
 * Never edit one that has shipped. Add the next instead.
 */
function migrationsFor(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001_event_log_state_outbox': { up: (db) => createInitialTables(db, dialect) },
  };
}

async function createInitialTables(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const { timestamp, json } = dialect.types;

  await db.schema
    .createTable('events')
    .ifNotExists()
    .addColumn('webhook_id', 'text', (col) => col.primaryKey())
    .addColumn('message_id', 'text')
    .addColumn('topic', 'text')
    .addColumn('shop', 'text')
    .addColumn('order_id', 'text')
    .addColumn('outcome', 'text')
    .addColumn('explanation', 'text')
    .addColumn('delivery_attempt', 'integer')
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('received_at', timestamp, (col) => col.notNull())
    .addColumn('processed_at', timestamp)
    .execute();
  await db.schema
    .createIndex('events_order')
    .ifNotExists()
    .on('events')
    .columns(['order_id', 'received_at'])
    .execute();
  await db.schema
    .createIndex('events_received')
    .ifNotExists()
    .on('events')
    .column('received_at')
    .execute();

  await db.schema
    .createTable('order_states')
    .ifNotExists()
    .addColumn('shop', 'text', (col) => col.notNull())
    .addColumn('order_id', 'text', (col) => col.notNull())
    .addColumn('state', json)
    .addColumn('updated_at', timestamp, (col) => col.notNull())
    .addPrimaryKeyConstraint('order_states_pkey', ['shop', 'order_id'])
    .execute();

  const statusList = sql.join(outboxStatuses.map((status) => sql.lit(status)));
  await db.schema
    .createTable('outbox')
    .ifNotExists()
    .addColumn('id', 'integer', (col) =>
      dialect.name === 'sqlite'
        ? col.primaryKey().autoIncrement()
        : col.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('webhook_id', 'text', (col) => col.notNull())
    .addColumn('shop', 'text', (col) => col.notNull())
    .addColumn('order_id', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('dedupe_key', 'text', (col) => col.notNull())
    .addColumn('action', json, (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('next_attempt_at', timestamp, (col) => col.notNull())
    .addColumn('last_error', 'text')
    .addColumn('result', json)
    .addColumn('created_at', timestamp, (col) => col.notNull())
    .addColumn('updated_at', timestamp, (col) => col.notNull())
    // The last line of defence against posting a SPAR job or sending an email twice.
    .addUniqueConstraint('outbox_dedupe', ['shop', 'order_id', 'dedupe_key'])
    .addCheckConstraint('outbox_status', sql`status in (${statusList})`)
    .execute();
  await db.schema
    .createIndex('outbox_due')
    .ifNotExists()
    .on('outbox')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('outbox_webhook')
    .ifNotExists()
    .on('outbox')
    .column('webhook_id')
    .execute();
  await db.schema
    .createIndex('outbox_order')
    .ifNotExists()
    .on('outbox')
    .column('order_id')
    .execute();
}

export function migrationProviderFor(dialect: StoreDialect): MigrationProvider {
  return { getMigrations: () => Promise.resolve(migrationsFor(dialect)) };
}
