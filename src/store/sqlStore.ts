import { Migrator, type Kysely, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Action, OrderState } from '../decision/types.js';
import type { ClaimedOutboxRow } from './claimedOutboxRow.js';
import type { DatabaseSchema } from './databaseSchema.js';
import { dedupeKeyOf } from './dedupeKey.js';
import { migrationProviderFor } from './migrationProvider.js';
import { toDate, toEventLogRow, toOrderState, toOutboxRow } from './rowMappers.js';
import type { StoreDialect } from './storeDialect.js';
import { isUniqueViolation, toTransientDatabaseError } from './transientDatabaseError.js';
import type {
  EventDecision,
  EventLogRow,
  InboxEvent,
  OutboxBacklog,
  OutboxRow,
  OutboxStatus,
  OutboxUpdate,
  RecordedEvent,
  Store,
} from './types.js';

type Executor = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

const defaultEventListLimit = 100;
const claimableStatuses: OutboxStatus[] = ['pending', 'in_doubt'];

/**
 * The store over any Kysely dialect. All SQL is here and written once. What differs between
 * SQLite and PostgreSQL is described by `StoreDialect` and the Kysely dialect behind `db`.
 */
export class SqlStore implements Store {
  readonly #db: Kysely<DatabaseSchema>;
  readonly #dialect: StoreDialect;
  readonly #logger: Logger;
  #closed = false;

  constructor(db: Kysely<DatabaseSchema>, dialect: StoreDialect, logger: Logger) {
    this.#db = db;
    this.#dialect = dialect;
    this.#logger = logger;
  }

  async migrate(): Promise<void> {
    await this.#guard(async () => {
      const migrator = new Migrator({
        db: this.#db,
        provider: migrationProviderFor(this.#dialect),
        migrationTableSchema: await this.#dialect.migrationTableSchema(this.#db),
      });
      const { error, results = [] } = await migrator.migrateToLatest();
      if (error !== undefined)
        throw error instanceof Error ? error : new Error('migration failed', { cause: error });

      const applied = results
        .filter((result) => result.status === 'Success')
        .map((result) => result.migrationName);
      if (applied.length > 0)
        this.#logger.info(
          { migrations: applied, dialect: this.#dialect.name },
          'database migrated',
        );
    });
  }

  async recordEvent(
    event: InboxEvent,
    decide: (state: OrderState | undefined) => EventDecision,
  ): Promise<RecordedEvent> {
    try {
      return await this.#transaction((trx) => this.#recordEventIn(trx, event, decide));
    } catch (error) {
      // ON CONFLICT DO NOTHING turns a racing insert of the same webhook id into no row, so
      // PostgreSQL should not raise this. If it does, the event is still a duplicate, not an error.
      if (isUniqueViolation(error, 'events_pkey'))
        return this.#guard(() => this.#duplicateOf(this.#db, event.webhookId));
      throw error;
    }
  }

  async #recordEventIn(
    trx: Transaction<DatabaseSchema>,
    event: InboxEvent,
    decide: (state: OrderState | undefined) => EventDecision,
  ): Promise<RecordedEvent> {
    const inserted = await trx
      .insertInto('events')
      .values({
        webhook_id: event.webhookId,
        message_id: event.messageId,
        topic: event.topic,
        shop: event.shop,
        order_id: event.orderId,
        delivery_attempt: event.deliveryAttempt,
        body: event.body,
        received_at: event.receivedAt,
      })
      .onConflict((conflict) => conflict.column('webhook_id').doNothing())
      .returning('webhook_id')
      .executeTakeFirst();
    if (inserted === undefined) return this.#duplicateOf(trx, event.webhookId);

    const state =
      event.shop !== null && event.orderId !== null
        ? await this.#lockOrderState(trx, event.shop, event.orderId)
        : undefined;

    const decision = decide(state);
    const now = new Date();

    if (decision.state !== undefined) await this.#saveOrderState(trx, decision.state, now);

    const shop = event.shop ?? decision.state?.shop ?? '';
    const orderId = event.orderId ?? decision.state?.orderId ?? null;
    const actions = await this.#insertActions(
      trx,
      event.webhookId,
      shop,
      orderId,
      decision.actions,
      now,
    );

    await trx
      .updateTable('events')
      .set({ outcome: decision.outcome, explanation: decision.explanation, processed_at: now })
      .where('webhook_id', '=', event.webhookId)
      .execute();

    return { outcome: decision.outcome, explanation: decision.explanation, actions };
  }

  async #duplicateOf(db: Executor, webhookId: string): Promise<RecordedEvent> {
    const earlier = await db
      .selectFrom('events')
      .select('outcome')
      .where('webhook_id', '=', webhookId)
      .executeTakeFirst();
    const earlierOutcome = earlier?.outcome ?? 'outcome unknown';
    return {
      outcome: 'duplicate',
      explanation: `webhook ${webhookId} already processed (${earlierOutcome})`,
      actions: [],
    };
  }

  /**
   * Reads the order's state and, in PostgreSQL, locks its row until the transaction ends, so
   * concurrent events for one order are decided one after the other. The row is created first
   * when missing, because `FOR UPDATE` cannot lock a row that does not exist yet.
   */
  async #lockOrderState(
    trx: Transaction<DatabaseSchema>,
    shop: string,
    orderId: string,
  ): Promise<OrderState | undefined> {
    if (this.#dialect.supportsRowLocks) {
      await trx
        .insertInto('order_states')
        .values({ shop, order_id: orderId, state: null, updated_at: new Date() })
        .onConflict((conflict) => conflict.columns(['shop', 'order_id']).doNothing())
        .execute();
    }

    const row = await trx
      .selectFrom('order_states')
      .select('state')
      .where('shop', '=', shop)
      .where('order_id', '=', orderId)
      .$if(this.#dialect.supportsRowLocks, (query) => query.forUpdate())
      .executeTakeFirst();
    return toOrderState(row?.state);
  }

  async #saveOrderState(
    trx: Transaction<DatabaseSchema>,
    state: OrderState,
    now: Date,
  ): Promise<void> {
    const json = JSON.stringify(state);
    await trx
      .insertInto('order_states')
      .values({ shop: state.shop, order_id: state.orderId, state: json, updated_at: now })
      .onConflict((conflict) =>
        conflict.columns(['shop', 'order_id']).doUpdateSet({ state: json, updated_at: now }),
      )
      .execute();
  }

  /** Inserts actions one by one, so each one whose dedupe key exists is dropped on its own. */
  async #insertActions(
    trx: Transaction<DatabaseSchema>,
    source: string,
    shop: string,
    orderId: string | null,
    actions: Action[],
    now: Date,
  ): Promise<Action[]> {
    const inserted: Action[] = [];
    for (const action of actions) {
      const row = await trx
        .insertInto('outbox')
        .values({
          webhook_id: source,
          shop,
          order_id: orderId ?? '',
          type: action.type,
          dedupe_key: dedupeKeyOf(action),
          action: JSON.stringify(action),
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          created_at: now,
          updated_at: now,
        })
        .onConflict((conflict) => conflict.columns(['shop', 'order_id', 'dedupe_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (row !== undefined) inserted.push(action);
    }
    return inserted;
  }

  enqueueActions(
    source: string,
    shop: string,
    orderId: string | null,
    actions: Action[],
  ): Promise<Action[]> {
    return this.#transaction((trx) =>
      this.#insertActions(trx, source, shop, orderId, actions, new Date()),
    );
  }

  getOrderState(shop: string, orderId: string): Promise<OrderState | undefined> {
    return this.#guard(async () => {
      const row = await this.#db
        .selectFrom('order_states')
        .select('state')
        .where('shop', '=', shop)
        .where('order_id', '=', orderId)
        .executeTakeFirst();
      return toOrderState(row?.state);
    });
  }

  getEvent(webhookId: string): Promise<EventLogRow | undefined> {
    return this.#guard(async () => {
      const row = await this.#db
        .selectFrom('events')
        .selectAll()
        .where('webhook_id', '=', webhookId)
        .executeTakeFirst();
      return row === undefined ? undefined : toEventLogRow(row);
    });
  }

  /** Returns events newest first, by the time they were received. */
  listEvents(options: { orderId?: string; limit?: number } = {}): Promise<EventLogRow[]> {
    const { orderId, limit = defaultEventListLimit } = options;
    return this.#guard(async () => {
      const rows = await this.#db
        .selectFrom('events')
        .selectAll()
        .$if(orderId !== undefined, (query) => query.where('order_id', '=', orderId ?? ''))
        .orderBy('received_at', 'desc')
        .orderBy('webhook_id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toEventLogRow);
    });
  }

  /**
   * Claims due `pending` and `in_doubt` rows, oldest id first. The returned rows are
   * `ClaimedOutboxRow`s: `claimedFrom` is the status before the claim. In PostgreSQL, rows
   * another dispatcher is claiming are skipped instead of waited for.
   */
  claimDueActions(now: Date, limit: number): Promise<ClaimedOutboxRow[]> {
    if (limit <= 0) return Promise.resolve([]);

    return this.#transaction(async (trx) => {
      const due = await trx
        .selectFrom('outbox')
        .select(['id', 'status'])
        .where('status', 'in', claimableStatuses)
        .where('next_attempt_at', '<=', now)
        .orderBy('id')
        .limit(limit)
        .$if(this.#dialect.supportsRowLocks, (query) => query.forUpdate().skipLocked())
        .execute();
      if (due.length === 0) return [];

      const claimedFrom = new Map(
        due.map((row) => [row.id, row.status as ClaimedOutboxRow['claimedFrom']]),
      );
      const rows = await trx
        .updateTable('outbox')
        .set((eb) => ({ status: 'in_flight', attempts: eb('attempts', '+', 1), updated_at: now }))
        .where('id', 'in', [...claimedFrom.keys()])
        .returningAll()
        .execute();

      return rows
        .map((row) => ({ ...toOutboxRow(row), claimedFrom: claimedFrom.get(row.id) ?? 'pending' }))
        .sort((left, right) => left.id - right.id);
    });
  }

  updateAction(id: number, update: OutboxUpdate): Promise<void> {
    return this.#transaction(async (trx) => {
      const result = await trx
        .updateTable('outbox')
        .set({
          status: update.status,
          updated_at: new Date(),
          ...(update.nextAttemptAt !== undefined && { next_attempt_at: update.nextAttemptAt }),
          ...(update.lastError !== undefined && { last_error: update.lastError }),
          ...(update.result !== undefined && {
            result: update.result === null ? null : JSON.stringify(update.result),
          }),
        })
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new Error(`outbox action ${id} not found`);
    });
  }

  /** Returns actions in the order they were queued. */
  listActions(
    options: { orderId?: string; webhookId?: string; status?: OutboxStatus } = {},
  ): Promise<OutboxRow[]> {
    const { orderId, webhookId, status } = options;
    return this.#guard(async () => {
      const rows = await this.#db
        .selectFrom('outbox')
        .selectAll()
        .$if(orderId !== undefined, (query) => query.where('order_id', '=', orderId ?? ''))
        .$if(webhookId !== undefined, (query) => query.where('webhook_id', '=', webhookId ?? ''))
        .$if(status !== undefined, (query) => query.where('status', '=', status ?? 'pending'))
        .orderBy('id')
        .execute();
      return rows.map(toOutboxRow);
    });
  }

  findAction(shop: string, orderId: string, dedupeKey: string): Promise<OutboxRow | undefined> {
    return this.#guard(async () => {
      const row = await this.#db
        .selectFrom('outbox')
        .selectAll()
        .where('shop', '=', shop)
        .where('order_id', '=', orderId)
        .where('dedupe_key', '=', dedupeKey)
        .executeTakeFirst();
      return row === undefined ? undefined : toOutboxRow(row);
    });
  }

  recoverInFlight(now: Date): Promise<number> {
    return this.#transaction(async (trx) => {
      const result = await trx
        .updateTable('outbox')
        .set((eb) => ({
          status: eb.case().when('type', '=', 'spar.create').then('in_doubt').else('pending').end(),
          next_attempt_at: now,
          updated_at: now,
        }))
        .where('status', '=', 'in_flight')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
  }

  /** Counts rows by status. `oldestPendingAt` is when the oldest `pending` row was queued. */
  outboxBacklog(): Promise<OutboxBacklog> {
    return this.#guard(async () => {
      const counts = await this.#db
        .selectFrom('outbox')
        .select((eb) => ['status', eb.fn.countAll().as('count')])
        .where('status', 'in', ['pending', 'in_flight', 'in_doubt', 'failed'])
        .groupBy('status')
        .execute();
      const oldest = await this.#db
        .selectFrom('outbox')
        .select((eb) => eb.fn.min('created_at').as('created_at'))
        .where('status', '=', 'pending')
        .executeTakeFirst();

      const countOf = (status: OutboxStatus): number =>
        Number(counts.find((row) => row.status === status)?.count ?? 0);
      const oldestPendingAt = oldest?.created_at ?? null;
      return {
        pending: countOf('pending'),
        inFlight: countOf('in_flight'),
        inDoubt: countOf('in_doubt'),
        failed: countOf('failed'),
        oldestPendingAt: oldestPendingAt === null ? null : toDate(oldestPendingAt),
      };
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;

    this.#closed = true;
    await this.#db.destroy();
  }

  #transaction<T>(work: (trx: Transaction<DatabaseSchema>) => Promise<T>): Promise<T> {
    return this.#guard(() => this.#db.transaction().execute(work));
  }

  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toTransientDatabaseError(error);
    }
  }
}
