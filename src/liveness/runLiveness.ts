import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { openRuntime, type Runtime } from '../app/runtime.js';
import type { Config } from '../config/config.js';
import type { OutboxRow } from '../store/types.js';
import { checkLiveness } from './checkLiveness.js';
import { livenessEmailAction } from './livenessEmailAction.js';
import { formatLivenessSummary } from './livenessSummary.js';

/** Exit codes of the liveness command. A nonzero code lets the cron job raise its own alert. */
export const livenessExitCodes = {
  /** spar-bridge works, and the `liveness_ok` email was delivered or already sent today. */
  ok: 0,
  /** spar-bridge is down, and the `liveness_down` email was delivered or already sent today. */
  down: 1,
  /** The check could not run, or its email could not be delivered. */
  notRun: 2,
} as const;

/** Outbox source of liveness emails, in place of a webhook id. */
export const livenessSource = 'liveness';

export interface RunLivenessOptions {
  /** Full URL of the worker's `GET /healthz`, from `loadLivenessConfig` or `--health-url`. */
  healthUrl: string;
  /** How long to wait for the email to be delivered. Default 60 seconds. */
  waitSeconds?: number;
  /** Deadline of the health request. Default 10 seconds. */
  healthTimeoutMs?: number;
  /** Time of the check, which also picks the UTC day of the dedupe key. */
  clock?: () => Date;
  /** Receives the result line. Default: stdout. */
  print?: (line: string) => void;
  /** Receives the line that explains why the check or its email failed. Default: stderr. */
  printError?: (line: string) => void;
}

interface Output {
  print: (line: string) => void;
  printError: (line: string) => void;
}

const defaultWaitSeconds = 60;
const defaultHealthTimeoutMs = 10_000;
/** Pause between delivery attempts while the email waits for a retry or for the worker. */
const pollIntervalMs = 250;

/**
 * Runs the daily liveness check: requests the worker's health, reads the event log and the
 * outbox, queues one `liveness_ok` or `liveness_down` email for the developers and delivers it.
 * Resolves with an exit code from `livenessExitCodes`, and never rejects.
 */
export async function runLiveness(
  config: Readonly<Config>,
  logger: Logger,
  options: RunLivenessOptions,
): Promise<number> {
  const output: Output = {
    print: options.print ?? ((line) => void process.stdout.write(`${line}\n`)),
    printError: options.printError ?? ((line) => void process.stderr.write(`${line}\n`)),
  };
  const log = logger.child({ component: 'liveness' });

  // No recovery of in-flight rows: those may be deliveries the running worker has in progress.
  let runtime: Runtime;
  try {
    runtime = await openRuntime(config, logger, { databaseUrl: config.databaseUrl });
  } catch (error) {
    log.error({ err: error }, 'liveness check could not open the runtime');
    output.printError(`liveness check could not run: ${messageOf(error)}`);
    return livenessExitCodes.notRun;
  }

  try {
    return await checkAndSend(runtime, config, log, options, output);
  } catch (error) {
    log.error({ err: error }, 'liveness check failed');
    output.printError(`liveness check could not run: ${messageOf(error)}`);
    return livenessExitCodes.notRun;
  } finally {
    await runtime.close();
  }
}

async function checkAndSend(
  runtime: Runtime,
  config: Readonly<Config>,
  log: Logger,
  options: RunLivenessOptions,
  { print, printError }: Output,
): Promise<number> {
  const waitSeconds = options.waitSeconds ?? defaultWaitSeconds;
  const now = (options.clock ?? (() => new Date()))();

  const { facts, verdict } = await checkLiveness(runtime.store, {
    healthUrl: options.healthUrl,
    healthTimeoutMs: options.healthTimeoutMs ?? defaultHealthTimeoutMs,
    now,
  });
  log.info(
    { status: verdict.status, reasons: verdict.reasons, warnings: verdict.warnings },
    'liveness checked',
  );

  const summary = formatLivenessSummary(facts, verdict);
  const action = livenessEmailAction(verdict, summary, now);
  const verdictCode = verdict.status === 'ok' ? livenessExitCodes.ok : livenessExitCodes.down;
  const day = now.toISOString().slice(0, 10);

  const inserted = await runtime.store.enqueueActions(livenessSource, '', null, [action]);
  const queuedEarlier = inserted.length === 0;
  if (queuedEarlier) {
    const earlier = await findLivenessRow(runtime, action.dedupeKey);
    if (earlier?.status === 'done') {
      log.info({ dedupeKey: action.dedupeKey }, 'liveness email already sent today');
      print(`${action.kind} for ${day} was already sent earlier today; nothing sent`);
      return verdictCode;
    }
    // The earlier run's email is still waiting, so this run delivers that one, with its summary.
  }

  const row = await deliverAndWait(runtime, action.dedupeKey, Date.now() + waitSeconds * 1_000);
  const what = queuedEarlier ? `${action.kind} for ${day}, queued by an earlier run,` : action.kind;
  if (row?.status === 'done') {
    log.info({ outboxId: row.id, kind: action.kind }, 'liveness email delivered');
    print(`${what} ${destinationOf(row, config)}: ${summary.split('\n', 1)[0] ?? ''}`);
    return verdictCode;
  }
  if (row?.status === 'failed') {
    printError(`${what} could not be delivered: ${row.lastError ?? 'no error recorded'}`);
    return livenessExitCodes.notRun;
  }
  const lastError = row?.lastError == null ? '' : ` (last error: ${row.lastError})`;
  printError(
    `${what} was not delivered within ${waitSeconds} s${lastError}; it stays queued and the worker sends it once it can`,
  );
  return livenessExitCodes.notRun;
}

/**
 * Delivers due outbox actions until the liveness email is delivered or failed, or the deadline
 * passes. The running worker may claim the email first, so the row is read back each round
 * rather than trusting this process's own deliveries.
 */
async function deliverAndWait(
  runtime: Runtime,
  dedupeKey: string,
  deadlineMs: number,
): Promise<OutboxRow | undefined> {
  for (;;) {
    // NOTE: a step claims every due action, not only this email, so while the worker is down
    // this process also delivers its backlog, as `replay` does. A kill during such a delivery
    // leaves the row in flight until the worker's next start settles it.
    const attempted = await runtime.dispatcher.step();
    const row = await findLivenessRow(runtime, dedupeKey);
    if (row === undefined || row.status === 'done' || row.status === 'failed') return row;

    const remainingMs = deadlineMs - Date.now();
    if (remainingMs <= 0) return row;
    if (attempted === 0) await delay(Math.min(pollIntervalMs, remainingMs));
  }
}

/** Actions of no order are stored with an empty order id, so the unique key still applies. */
function findLivenessRow(runtime: Runtime, dedupeKey: string): Promise<OutboxRow | undefined> {
  return runtime.store.findAction('', '', dedupeKey);
}

function destinationOf(row: OutboxRow, config: Readonly<Config>): string {
  const file = row.result?.file;
  if (typeof file === 'string') return `written to ${file}`;
  return `sent to ${config.mail.devTo.join(', ')} by SMTP`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
