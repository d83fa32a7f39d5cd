import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from './databaseSchema.js';

/** What the one query layer of the store needs to know about the database behind it. */
export interface StoreDialect {
  name: 'sqlite' | 'postgres';
  /**
   * Whether `SELECT … FOR UPDATE [SKIP LOCKED]` exists. SQLite has no row locks and needs
   * none: every write transaction holds the lock on the whole file.
   */
  supportsRowLocks: boolean;
  /** Column types that differ by dialect. */
  types: { timestamp: 'text' | 'timestamptz'; json: 'text' | 'jsonb' };
  /** Schema for Kysely's migration tables; undefined keeps Kysely's default. */
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

  // Kysely's Migrator looks for its tables in every schema unless told which one, and would
  // then read another schema's migration history. The tables belong in the schema that
  // `search_path` selects, as ours do.
  async migrationTableSchema(db) {
    const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
      db,
    );
    const schema = result.rows[0]?.schema ?? null;
    if (schema === null) {
      throw new Error(
        'no schema on the search_path exists; create it or fix the search_path option of DATABASE_URL',
      );
    }
    return schema;
  },
};
