import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Maximum prepared statements cached per connection. The store runs a few dozen distinct queries. */
const maxCachedStatements = 256;

/**
 * Kysely's `SqliteDatabase` over Node's built-in `node:sqlite`, so no native module has to be
 * built. Dates are bound as ISO 8601 strings, which sort and compare in time order.
 */
export class NodeSqliteDatabase implements SqliteDatabase {
  readonly #database: DatabaseSync;
  readonly #statements = new Map<string, NodeSqliteStatement>();

  constructor(database: DatabaseSync) {
    this.#database = database;
  }

  prepare(sql: string): SqliteStatement {
    const cached = this.#statements.get(sql);
    if (cached !== undefined) return cached;

    if (this.#statements.size >= maxCachedStatements) this.#statements.clear();
    const statement = new NodeSqliteStatement(this.#database.prepare(sql));
    this.#statements.set(sql, statement);
    return statement;
  }

  close(): void {
    this.#statements.clear();
    if (this.#database.isOpen) this.#database.close();
  }
}

class NodeSqliteStatement implements SqliteStatement {
  readonly reader: boolean;
  readonly #statement: StatementSync;

  constructor(statement: StatementSync) {
    this.#statement = statement;
    this.reader = statement.columns().length > 0;
  }

  all(parameters: readonly unknown[]): unknown[] {
    return this.#statement.all(...parameters.map(toSqliteValue));
  }

  run(parameters: readonly unknown[]): {
    changes: number | bigint;
    lastInsertRowid: number | bigint;
  } {
    const { changes, lastInsertRowid } = this.#statement.run(...parameters.map(toSqliteValue));
    return { changes, lastInsertRowid };
  }

  iterate(parameters: readonly unknown[]): IterableIterator<unknown> {
    return this.#statement.iterate(...parameters.map(toSqliteValue));
  }
}

function toSqliteValue(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint')
    return value;
  if (value instanceof Uint8Array) return value;
  throw new TypeError(`cannot bind a value of type ${typeof value} to an SQLite parameter`);
}

export interface NodeSqliteOptions {
  /** File path, or `:memory:`. The parent folder must exist. */
  path: string;
  busyTimeoutMs: number;
  /** Open without write access and leave the journal mode alone, for readers such as dry runs. */
  readOnly?: boolean;
}

/**
 * Opens the file in WAL mode with foreign keys on and the given busy timeout. A read-only
 * connection keeps the file's journal mode, because switching it would write to the file.
 */
export function openNodeSqliteDatabase(options: NodeSqliteOptions): NodeSqliteDatabase {
  const inMemory = options.path === ':memory:';
  const readOnly = options.readOnly === true;
  const database = new DatabaseSync(
    readOnly && !inMemory ? readOnlyLocation(options.path) : options.path,
    {
      timeout: options.busyTimeoutMs,
      enableForeignKeyConstraints: true,
      readOnly,
    },
  );
  database.exec(`pragma busy_timeout = ${options.busyTimeoutMs}`);
  database.exec('pragma foreign_keys = on');
  if (!inMemory && !readOnly) database.exec('pragma journal_mode = wal');
  return new NodeSqliteDatabase(database);
}

/**
 * Returns where a read-only connection opens the file. A WAL-mode reader creates the `-shm`
 * and `-wal` files beside the database, so a file with neither (closed cleanly, no writer)
 * is opened as immutable, which creates nothing. A file with them has a writer or recent
 * writes in its WAL, which an immutable reader would miss, so it is opened normally.
 */
function readOnlyLocation(filePath: string): string | URL {
  if (existsSync(`${filePath}-wal`) || existsSync(`${filePath}-shm`)) return filePath;
  const url = pathToFileURL(path.resolve(filePath));
  url.search = '?immutable=1';
  return url;
}
