import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { openRuntime } from '../app/runtime.js';
import type { Config } from '../config/config.js';
import { InvalidInputError } from '../errors.js';
import { reportEmailOf } from '../outbox/sparReportEmails.js';
import { sqlitePathOf } from '../store/createStore.js';
import type { OutboxRow, OutboxStatus, Store } from '../store/types.js';
import { renderTable } from './table.js';

/** Prints the outbox rows, newest last, optionally only those with `status`. */
export async function listOutbox(
  config: Readonly<Config>,
  logger: Logger,
  options: { status?: OutboxStatus },
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  requireExistingDatabase(config.databaseUrl);
  const runtime = await openRuntime(config, logger, { databaseUrl: config.databaseUrl });
  try {
    const rows = await runtime.store.listActions(
      options.status === undefined ? {} : { status: options.status },
    );
    if (rows.length === 0) {
      write(
        `no outbox actions${options.status === undefined ? '' : ` with status ${options.status}`}`,
      );
      return 0;
    }
    write(
      renderTable(
        ['id', 'status', 'action', 'order', 'attempts', 'updated', 'last error'],
        rows.map((row) => [
          String(row.id),
          row.status,
          describeRow(row),
          row.orderId ?? '-',
          String(row.attempts),
          row.updatedAt.toISOString(),
          row.lastError ?? '',
        ]),
      ),
    );
    return 0;
  } finally {
    await runtime.close();
  }
}

/**
 * Puts failed actions back in the queue after their cause was fixed (a wrong SPAR key, a
 * rejected address), with the email that reports a retried SPAR call. With `waitSeconds`
 * it also delivers them and reports the result; otherwise the running worker delivers them.
 */
export async function retryOutbox(
  config: Readonly<Config>,
  logger: Logger,
  options: { ids: number[]; allFailed: boolean; waitSeconds?: number },
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  if (options.ids.length === 0 && !options.allFailed) {
    throw new InvalidInputError('outbox retry needs action ids, or --all-failed');
  }
  requireExistingDatabase(config.databaseUrl);

  const runtime = await openRuntime(config, logger, { databaseUrl: config.databaseUrl });
  try {
    const failed = await runtime.store.listActions({ status: 'failed' });
    const selected = options.allFailed
      ? failed
      : failed.filter((row) => options.ids.includes(row.id));
    const missing = options.ids.filter((id) => !failed.some((row) => row.id === id));
    if (missing.length > 0) {
      throw new InvalidInputError(
        `not failed or not found: ${missing.join(', ')}; see \`spar-bridge outbox list --status failed\``,
      );
    }

    if (selected.length === 0) {
      write('no failed actions; nothing to retry');
      return 0;
    }
    const retried = await requeue(runtime.store, selected, failed);
    write(`queued again: ${retried.map((row) => `${row.id} (${describeRow(row)})`).join(', ')}`);

    if (options.waitSeconds === undefined) {
      write('the running worker delivers them; or run this again with --wait-seconds N');
      return 0;
    }
    const drained = await runtime.dispatcher.drain(options.waitSeconds * 1000);
    const after = await runtime.store.listActions();
    let exitCode = drained ? 0 : 1;
    for (const row of after.filter((candidate) => retried.some((r) => r.id === candidate.id))) {
      write(
        `${row.id} ${describeRow(row)}: ${row.status}${row.lastError === null ? '' : ` (${row.lastError})`}`,
      );
      if (row.status !== 'done') exitCode = 1;
    }
    return exitCode;
  } finally {
    await runtime.close();
  }
}

async function requeue(
  store: Store,
  selected: OutboxRow[],
  failed: OutboxRow[],
): Promise<OutboxRow[]> {
  const now = new Date();
  const retried = new Map<number, OutboxRow>();
  for (const row of selected) {
    retried.set(row.id, row);
    const kind = reportEmailOf(row.type);
    const email = failed.find(
      (candidate) =>
        candidate.orderId === row.orderId &&
        candidate.shop === row.shop &&
        candidate.action.type === 'email' &&
        candidate.action.kind === kind,
    );
    if (email !== undefined) retried.set(email.id, email);
  }
  for (const row of retried.values()) {
    await store.updateAction(row.id, { status: 'pending', nextAttemptAt: now, lastError: null });
  }
  return [...retried.values()].sort((a, b) => a.id - b.id);
}

/**
 * Rejects a SQLite path that does not exist: opening it would create an empty database, and
 * a typo in DATABASE_URL would read as an empty outbox.
 */
function requireExistingDatabase(databaseUrl: string): void {
  const sqlitePath = sqlitePathOf(databaseUrl);
  if (sqlitePath === undefined || sqlitePath === ':memory:' || existsSync(sqlitePath)) return;
  throw new InvalidInputError(`DATABASE_URL: no database file at ${sqlitePath}; check the path`);
}

function describeRow(row: OutboxRow): string {
  return row.action.type === 'email' ? `email ${row.action.kind}` : row.action.type;
}
