import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { openRuntime } from '../app/runtime.js';
import type { Config } from '../config/config.js';
import { readMessageFile } from '../ingress/messageFiles.js';
import type { EventResult } from '../ingress/pipeline.js';
import type { OutboxRow } from '../store/types.js';
import { formatAction } from './replay.js';
import { renderTable } from './table.js';

const bundledMessagesDir = fileURLToPath(new URL('../../fixtures/messages/', import.meta.url));

export interface DemoOptions {
  /** Folder for the demo's database and emails; emptied at the start of each run. */
  outputDir: string;
  messagesDir?: string;
}

/**
 * Replays the bundled order lifecycles through the pipeline and the outbox on the embedded
 * defaults (SQLite file, recorded SPAR calls, .eml files) and prints a table per order.
 * The demo uses its own folder, so it starts from empty state and can be run again.
 */
export async function runDemo(
  config: Readonly<Config>,
  logger: Logger,
  options: DemoOptions,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  const outputDir = path.resolve(options.outputDir);
  const databaseFile = path.join(outputDir, 'spar-bridge-demo.db');
  const mailDir = path.join(outputDir, 'mail');
  await rm(outputDir, { recursive: true, force: true });
  await mkdir(mailDir, { recursive: true });

  const demoConfig: Readonly<Config> = {
    ...config,
    databaseUrl: `sqlite:${databaseFile}`,
    spar: { ...config.spar, baseUrl: undefined },
    mail: { ...config.mail, smtpUrl: undefined, dir: mailDir },
  };
  const runtime = await openRuntime(demoConfig, logger, { databaseUrl: demoConfig.databaseUrl });

  const messagesDir = options.messagesDir ?? bundledMessagesDir;
  const files = (await readdir(messagesDir)).filter((name) => /\.(ndjson|json)$/.test(name)).sort();
  const results: { file: string; result: EventResult }[] = [];
  try {
    for (const file of files) {
      for (const message of await readMessageFile(path.join(messagesDir, file))) {
        results.push({ file, result: await runtime.pipeline.process(message) });
      }
    }
    const drained = await runtime.dispatcher.drain(30_000);

    write(
      `spar-bridge demo: ${results.length} messages from ${files.length} files in ${messagesDir}\n`,
    );
    const rows = await runtime.store.listActions();
    for (const group of groupByOrder(results)) {
      const state =
        group.orderId === null
          ? undefined
          : await runtime.store.getOrderState(group.shop, group.orderId);
      write(renderOrder(group, state?.order?.name ?? null, rows));
    }

    write(summarize(results, rows));
    write(`Outputs:`);
    write(`  database (event log, order state, outbox): ${databaseFile}`);
    write(`  emails (.eml files):                       ${mailDir}`);
    write(`  SPAR jobs: recorded in the outbox, not sent (SPAR_BASE_URL is unset in the demo)`);
    write(
      `  inspect one message again: npm run cli -- replay --dry-run ${path.join(messagesDir, files[0] ?? '')}`,
    );
    if (!drained) write('warning: some actions were not delivered within 30 s');
    return drained ? 0 : 1;
  } finally {
    await runtime.close();
  }
}

interface OrderGroup {
  shop: string;
  orderId: string | null;
  events: { file: string; result: EventResult }[];
}

function groupByOrder(results: { file: string; result: EventResult }[]): OrderGroup[] {
  const groups = new Map<string, OrderGroup>();
  for (const entry of results) {
    const key = entry.result.orderId ?? '(none)';
    let group = groups.get(key);
    if (group === undefined) {
      group = { shop: entry.result.shop ?? '', orderId: entry.result.orderId, events: [] };
      groups.set(key, group);
    }
    group.events.push(entry);
  }
  return [...groups.values()];
}

function renderOrder(group: OrderGroup, orderName: string | null, rows: OutboxRow[]): string {
  const title =
    group.orderId === null
      ? 'Messages without a usable order id'
      : `Order ${orderName ?? '(name unknown)'} (id ${group.orderId})`;
  const table = renderTable(
    ['#', 'topic', 'outcome', 'actions', 'explanation'],
    group.events.map(({ result }, index) => [
      String(index + 1),
      result.topic ?? '(none)',
      result.outcome,
      result.actions.length === 0 ? '-' : result.actions.map(formatAction).join(', '),
      result.explanation,
    ]),
  );

  const webhookIds = new Set(group.events.map(({ result }) => result.webhookId));
  const orderRows = rows.filter((row) =>
    group.orderId === null ? webhookIds.has(row.webhookId) : row.orderId === group.orderId,
  );
  const spar = orderRows.filter((row) => row.action.type !== 'email');
  const emails = orderRows.filter((row) => row.action.type === 'email');
  const sparLine =
    spar.length === 0 ? 'none' : spar.map((row) => `${row.action.type} ${row.status}`).join(', ');
  const emailLine =
    emails.length === 0
      ? 'none'
      : emails
          .map((row) => `${row.action.type === 'email' ? row.action.kind : ''} ${row.status}`)
          .join(', ');
  return `${title}\n${table}\n  SPAR: ${sparLine}\n  emails: ${emailLine}\n`;
}

function summarize(results: { result: EventResult }[], rows: OutboxRow[]): string {
  const outcomes = new Map<string, number>();
  for (const { result } of results)
    outcomes.set(result.outcome, (outcomes.get(result.outcome) ?? 0) + 1);
  const counts = [...outcomes].map(([outcome, count]) => `${count} ${outcome}`).join(', ');
  const jobs = rows.filter((row) => row.action.type === 'spar.create').length;
  const cancels = rows.filter((row) => row.action.type === 'spar.cancel').length;
  const emails = rows.filter((row) => row.action.type === 'email').length;
  return `Summary: ${counts}; ${jobs} SPAR jobs, ${cancels} SPAR cancellations, ${emails} emails\n`;
}
