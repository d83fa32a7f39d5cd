import { setTimeout as delay } from 'node:timers/promises';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
} from 'kysely';
import { openNodeSqliteDatabase, type NodeSqliteOptions } from './nodeSqliteDatabase.js';
import { isSqliteBusyError } from './transientDatabaseError.js';

const maxBeginRetryDelayMs = 50;

/**
 * Kysely dialect for SQLite through `node:sqlite`. Unlike Kysely's `SqliteDialect` it starts
 * every transaction with `BEGIN IMMEDIATE`, so two processes writing the same file serialise
 * at the start of a transaction instead of failing when a reader upgrades to a writer.
 */
export class NodeSqliteDialect implements Dialect {
  readonly #options: NodeSqliteOptions;

  constructor(options: NodeSqliteOptions) {
    this.#options = options;
  }

  createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#options);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #busyTimeoutMs: number;

  constructor(options: NodeSqliteOptions) {
    super({ database: () => Promise.resolve(openNodeSqliteDatabase(options)) });
    this.#busyTimeoutMs = options.busyTimeoutMs;
  }

  /**
   * Takes the write lock, waiting up to the busy timeout. The wait happens here, with timers,
   * rather than in SQLite's busy handler: `node:sqlite` is synchronous, and its busy handler
   * would block the event loop, and with it any other connection to the file in this process.
   */
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const deadlineMs = Date.now() + this.#busyTimeoutMs;
    await connection.executeQuery(CompiledQuery.raw('pragma busy_timeout = 0'));

    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await connection.executeQuery(CompiledQuery.raw('begin immediate'));
          return;
        } catch (error) {
          if (!isSqliteBusyError(error) || Date.now() >= deadlineMs) throw error;
        }
        const backoffMs = Math.min(maxBeginRetryDelayMs, 2 ** attempt);
        await delay(backoffMs / 2 + Math.random() * (backoffMs / 2));
      }
    } finally {
      await connection.executeQuery(
        CompiledQuery.raw(`pragma busy_timeout = ${this.#busyTimeoutMs}`),
      );
    }
  }
}

/**
 * SQLite runs DDL inside transactions. Saying so makes Kysely's `Migrator` apply migrations
 * in one `BEGIN IMMEDIATE` transaction, which keeps two processes from migrating at once.
 */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
