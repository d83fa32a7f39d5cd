import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { beforeEach } from 'vitest';

export type TestDatabaseName = 'sqlite' | 'postgres';

/** A fresh, empty database for one test. */
export interface TestDatabase {
  name: TestDatabaseName;
  /** `DATABASE_URL` of the database: a file in a new temporary folder, or a new PostgreSQL schema. */
  url: string;
  /** Deletes the folder or drops the schema. With `keep` it only prints where they are. */
  cleanup(options?: { keep?: boolean }): Promise<void>;
}

export interface TestDatabaseKind {
  name: TestDatabaseName;
  create(): Promise<TestDatabase>;
}

/** Server for PostgreSQL tests. Set `TEST_POSTGRES_URL` to an empty string to skip them. */
const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Returns one entry per database the suite runs against, for `describe.each`. */
export function testDatabases(): TestDatabaseKind[] {
  const kinds: TestDatabaseKind[] = [{ name: 'sqlite', create: createSqliteTestDatabase }];
  if (postgresUrl !== '')
    kinds.push({ name: 'postgres', create: () => createPostgresTestDatabase(postgresUrl) });
  return kinds;
}

/**
 * Creates a fresh database of `kind` before each test of the calling suite and removes it
 * after the test, unless the test failed. Returns a getter for the current test's database.
 */
export function useTestDatabase(kind: TestDatabaseKind): () => TestDatabase {
  let current: TestDatabase | undefined;

  beforeEach(async (context) => {
    const database = await kind.create();
    current = database;
    context.onTestFinished(async (finished) => {
      await database.cleanup({ keep: finished.task.result?.state === 'fail' });
    });
  });

  return () => {
    if (current === undefined)
      throw new Error(
        'useTestDatabase: no database exists outside a test; call the getter inside a test',
      );
    return current;
  };
}

async function createSqliteTestDatabase(): Promise<TestDatabase> {
  const folder = await mkdtemp(path.join(tmpdir(), 'spar-bridge-test-'));
  const file = path.join(folder, 'store.db');
  return {
    name: 'sqlite',
    url: `sqlite:${file}`,
    async cleanup(options = {}) {
      if (options.keep === true) {
        process.stderr.write(`kept SQLite test database ${file}\n`);
        return;
      }
      await rm(folder, { recursive: true, force: true });
    },
  };
}

async function createPostgresTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const schema = `test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await runAdminQuery(serverUrl, `create schema ${schema}`);

  const separator = serverUrl.includes('?') ? '&' : '?';
  const searchPath = encodeURIComponent(`-c search_path=${schema}`);
  return {
    name: 'postgres',
    url: `${serverUrl}${separator}options=${searchPath}`,
    async cleanup(options = {}) {
      if (options.keep === true) {
        process.stderr.write(`kept PostgreSQL test schema ${schema} in ${serverUrl}\n`);
        return;
      }
      await runAdminQuery(serverUrl, `drop schema if exists ${schema} cascade`);
    },
  };
}

async function runAdminQuery(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
