import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Kysely, PostgresDialect, type Dialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { ConfigError } from '../errors.js';
import type { DatabaseSchema } from './databaseSchema.js';
import { NodeSqliteDialect } from './nodeSqliteDialect.js';
import { SqlStore } from './sqlStore.js';
import { postgresStoreDialect, sqliteStoreDialect, type StoreDialect } from './storeDialect.js';
import type { Store } from './types.js';

/** How long SQLite waits for another connection's write lock before it reports the file busy. */
const sqliteBusyTimeoutMs = 5000;

export interface CreateStoreOptions {
  /** `sqlite:PATH`, `sqlite::memory:`, or `postgres://USER@HOST:PORT/DATABASE`. */
  databaseUrl: string;
  logger: Logger;
  /**
   * Open for reading only: SQLite opens the file read-only, and PostgreSQL sessions default
   * to read-only transactions. Writes then fail, and nothing in the file or database changes.
   */
  readOnly?: boolean;
}

/**
 * Opens the database named by `databaseUrl` and returns the store over it. Nothing is
 * migrated here: call `migrate()` before first use. A PostgreSQL connection is made on the
 * first query, so a wrong address surfaces there.
 */
export async function createStore(options: CreateStoreOptions): Promise<Store> {
  const logger = options.logger.child({ component: 'store' });
  const readOnly = options.readOnly === true;
  const { dialect, storeDialect, sqlitePath } = dialectFor(options.databaseUrl, logger, readOnly);
  if (sqlitePath !== undefined && sqlitePath !== ':memory:' && !readOnly) {
    await mkdir(path.dirname(path.resolve(sqlitePath)), { recursive: true });
  }

  const db = new Kysely<DatabaseSchema>({ dialect });
  return new SqlStore(db, storeDialect, logger);
}

function dialectFor(
  databaseUrl: string,
  logger: Logger,
  readOnly: boolean,
): { dialect: Dialect; storeDialect: StoreDialect; sqlitePath?: string } {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const pool = new pg.Pool({ connectionString: databaseUrl });
    if (readOnly) {
      pool.on('connect', (client) => {
        client.query('SET default_transaction_read_only = on').catch((error: unknown) => {
          logger.warn({ err: error }, 'could not make the database session read-only');
        });
      });
    }
    // An idle client that loses its connection emits 'error' on the pool, and an unhandled
    // 'error' event ends the process. The next query gets a fresh connection.
    pool.on('error', (error) => {
      logger.warn({ err: error }, 'idle database connection failed');
    });
    return { dialect: new PostgresDialect({ pool }), storeDialect: postgresStoreDialect };
  }

  const sqlitePath = sqlitePathOf(databaseUrl);
  if (sqlitePath !== undefined) {
    return {
      dialect: new NodeSqliteDialect({
        path: sqlitePath,
        busyTimeoutMs: sqliteBusyTimeoutMs,
        readOnly,
      }),
      storeDialect: sqliteStoreDialect,
      sqlitePath,
    };
  }

  const scheme = databaseUrl.split(':')[0] ?? '';
  throw new ConfigError(
    `DATABASE_URL has the unsupported scheme "${scheme}:"; expected sqlite:PATH or postgres://USER@HOST:PORT/DATABASE`,
  );
}

/**
 * Returns the file path of `sqlite:PATH` (also `sqlite://PATH`), `:memory:`, or undefined for
 * a URL that is not SQLite. Throws `ConfigError` for `sqlite:` without a path.
 */
export function sqlitePathOf(databaseUrl: string): string | undefined {
  if (!databaseUrl.startsWith('sqlite:')) return undefined;

  let filePath = databaseUrl.slice('sqlite:'.length);
  if (filePath.startsWith('//')) filePath = filePath.slice(2);
  if (filePath !== '') return filePath;

  throw new ConfigError(
    'DATABASE_URL "sqlite:" has no file path; expected sqlite:./var/spar-bridge.db or sqlite::memory:',
  );
}
