import { Kysely, PostgresDialect, type Dialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
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
}

/**
 * Opens the database named by `databaseUrl` and returns the store over it. Nothing is
 * migrated here: call `migrate()` before first use. A PostgreSQL connection is made on the
 * first query, so a wrong address surfaces there.
 */
export function createStore(options: CreateStoreOptions): Promise<Store> {
  const logger = options.logger.child({ component: 'store' });
  const { dialect, storeDialect } = dialectFor(options.databaseUrl, logger);
  const db = new Kysely<DatabaseSchema>({ dialect });
  return Promise.resolve(new SqlStore(db, storeDialect, logger));
}

function dialectFor(
  databaseUrl: string,
  logger: Logger,
): { dialect: Dialect; storeDialect: StoreDialect } {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const pool = new pg.Pool({ connectionString: databaseUrl });
    // An idle client that loses its connection emits 'error' on the pool; without a listener
    // that would end the process. The next query gets a fresh connection.
    pool.on('error', (error) => {
      logger.warn({ err: error }, 'idle database connection failed');
    });
    return { dialect: new PostgresDialect({ pool }), storeDialect: postgresStoreDialect };
  }

  if (databaseUrl.startsWith('sqlite:')) {
    const path = sqlitePathOf(databaseUrl);
    return {
      dialect: new NodeSqliteDialect({ path, busyTimeoutMs: sqliteBusyTimeoutMs }),
      storeDialect: sqliteStoreDialect,
    };
  }

  throw new Error(
    `unsupported DATABASE_URL scheme in "${databaseUrl.split(':')[0] ?? ''}:"; expected sqlite:PATH or postgres://`,
  );
}

/** Returns the file path of `sqlite:PATH` (also `sqlite://PATH`), or `:memory:`. */
function sqlitePathOf(databaseUrl: string): string {
  let path = databaseUrl.slice('sqlite:'.length);
  if (path.startsWith('//')) path = path.slice(2);
  if (path === '')
    throw new Error(
      'DATABASE_URL sqlite: has no path; expected sqlite:./var/spar-bridge.db or sqlite::memory:',
    );
  return path;
}
