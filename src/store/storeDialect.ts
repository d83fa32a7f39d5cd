import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from './databaseSchema.js';

/** Properties of the database behind the store that its one query layer depends on. */
export interface StoreDialect {
  name: 'sqlite' | 'postgres';
  /**
   * Whether `SELECT … FOR UPDATE [SKIP LOCKED]` exists. SQLite has no row locks and needs
   * none: every write transaction holds the lock on the whole file.
   */
  supportsRowLocks: boolean;
  /** Column types that differ by dialect. */
  types: { timestamp: 'text' | 'timestamptz'; json: 'text' | 'jsonb' };
  /** Returns the schema for Kysely's migration tables, or undefined for Kysely's default. */
  migrationTableSchema(db: Kysely<DatabaseSchema>): Promise<string | undefined>;
}

export const sqliteStoreDialect: StoreDialect = {
  name: 'sqlite',
  supportsRowLocks: false,
  types: { timestamp: 'text', json: 'text' },
  migrationTableSchema: () => Promise.resolve(undefined),
};

export const postgresStoreDialect: StoreDialect = {
  name: 'postgres',
  supportsRowLocks: true,
  types: { timestamp: 'timestamptz', json: 'jsonb' },

  // Kysely's Migrator looks for its tables in every schema unless given one, and would then
  // read another schema's migration history. The tables belong in the schema that
  // `search_path` selects, as ours do.
  async migrationTableSchema(db) {
    const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
      db,
    );
    const schema = result.rows[0]?.schema ?? null;
    if (schema === null) {
      throw new Error(
        'no schema on the PostgreSQL search_path exists; create the schema or fix the search_path in DATABASE_URL',
      );
    }
    return schema;
  },
};
