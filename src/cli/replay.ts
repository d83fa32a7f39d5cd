import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { InboundMessage } from '../ingress/inboundMessage.js';
import { readMessageFile } from '../ingress/messageFiles.js';
import type { EventResult } from '../ingress/pipeline.js';
import type { ActionSummary } from '../ingress/actionSummary.js';
import { openRuntime } from '../app/runtime.js';
import { actionLabel } from '../outbox/actionLabel.js';
import { DryRunSeeder, processSeeded } from './dryRunSeeder.js';
import type { OutboxRow } from '../store/types.js';

export interface ReplayOptions {
  files: string[];
  topic?: string;
  dryRun: boolean;
  /** With `dryRun`: decide from a blank state instead of copying the stored one. */
  blankState?: boolean;
  json: boolean;
  /** How long to wait for the created actions to be delivered, without --dry-run. */
  waitSeconds: number;
}

/** One delivery result as replay reports it after the wait. */
interface DeliveryReport {
  webhookId: string;
  action: string;
  status: OutboxRow['status'];
  attempts: number;
  lastError: string | null;
  result: Record<string, unknown> | null;
}

/**
 * Runs every message of the files through the worker's pipeline, in order, and prints one
 * result per message. Returns the process exit code. It is 0 when every message was
 * processed, rejected ones included, because rejecting is the expected handling of bad input.
 * It is 1 when a message could not be processed, a delivery failed, or deliveries were still
 * waiting at the deadline.
 */
export async function replay(
  config: Readonly<Config>,
  logger: Logger,
  options: ReplayOptions,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  writeReport: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  // Every file is read and parsed before anything is recorded, so a bad file later in the
  // list fails the run before earlier files' actions are committed and left undelivered.
  const inputs: { file: string; messages: InboundMessage[] }[] = [];
  for (const file of options.files) {
    const topic = options.topic === undefined ? {} : { topic: options.topic };
    const messages = await readMessageFile(file, topic);
    if (messages.length === 0) writeReport(`warning: ${file} contains no messages`);
    inputs.push({ file, messages });
  }

  const runtime = await openRuntime(config, logger, {
    // A dry run decides against a scratch database seeded from the real one, so it records
    // every decision and leaves the real event log, order state and outbox untouched.
    databaseUrl: options.dryRun ? 'sqlite::memory:' : config.databaseUrl,
  });
  let seeder: DryRunSeeder | undefined;
  try {
    seeder =
      options.dryRun && options.blankState !== true
        ? await DryRunSeeder.open(config.databaseUrl, runtime.store, logger)
        : undefined;
  } catch (error) {
    await runtime.close();
    throw error;
  }

  let exitCode = 0;
  const results: EventResult[] = [];
  try {
    for (const { file, messages } of inputs) {
      for (const message of messages) {
        try {
          const result = await processSeeded(runtime.pipeline, seeder, message);
          results.push(result);
          write(
            options.json ? JSON.stringify(toJson(result)) : formatResult(results.length, result),
          );
        } catch (error) {
          exitCode = 1;
          logger.error(
            { err: error, file, messageId: message.messageId },
            'message could not be processed',
          );
          write(
            options.json
              ? JSON.stringify({
                  messageId: message.messageId,
                  outcome: 'error',
                  error: (error as Error).message,
                })
              : `#${results.length + 1} error: ${(error as Error).message}`,
          );
        }
      }
    }

    if (!options.dryRun && results.some((result) => result.actions.length > 0)) {
      const drained = await runtime.dispatcher.drain(options.waitSeconds * 1000);
      const deliveries = await collectDeliveries(runtime.store, results);
      // With --json, stdout contains exactly one object per message, so delivery reports go to
      // stderr, as JSON lines too.
      for (const delivery of deliveries) {
        if (options.json) writeReport(JSON.stringify({ delivery }));
        else write(formatDelivery(delivery));
      }
      if (deliveries.some((delivery) => delivery.status === 'failed')) exitCode = 1;
      if (!drained) {
        exitCode = 1;
        const warning =
          `some actions were still waiting after ${options.waitSeconds}s; ` +
          'they stay in the outbox and `spar-bridge serve` delivers them';
        if (options.json) writeReport(JSON.stringify({ warning }));
        else write(`warning: ${warning}`);
      }
    }
  } finally {
    await seeder?.close();
    await runtime.close();
  }
  return exitCode;
}

function toJson(result: EventResult): Record<string, unknown> {
  return {
    messageId: result.messageId,
    webhookId: result.webhookId,
    topic: result.topic,
    orderId: result.orderId,
    outcome: result.outcome,
    actions: result.actions,
    explanation: result.explanation,
  };
}

function formatResult(index: number, result: EventResult): string {
  const actions =
    result.actions.length === 0 ? 'no actions' : result.actions.map(formatAction).join(', ');
  return [
    `#${index} ${result.topic ?? '(no topic)'} order ${result.orderId ?? '-'}: ${result.outcome}`,
    `    ${result.explanation}`,
    `    actions: ${actions}`,
  ].join('\n');
}

export function formatAction(action: ActionSummary): string {
  switch (action.type) {
    case 'email':
      return `email ${action.kind}`;
    case 'spar.cancel':
      return `SPAR cancel (${action.reason})`;
    case 'spar.create':
      return `SPAR job [${action.items.map((item) => `${item.sku} x${item.quantity} @ ${item.assemblyPrice}`).join('; ')}]`;
  }
}

async function collectDeliveries(
  store: Awaited<ReturnType<typeof openRuntime>>['store'],
  results: EventResult[],
): Promise<DeliveryReport[]> {
  const reports: DeliveryReport[] = [];
  for (const result of results) {
    if (result.actions.length === 0) continue;
    const rows = await store.listActions({ webhookId: result.webhookId });
    for (const row of rows) {
      reports.push({
        webhookId: row.webhookId,
        action: actionLabel(row.action),
        status: row.status,
        attempts: row.attempts,
        lastError: row.lastError,
        result: row.result,
      });
    }
  }
  return reports;
}

function formatDelivery(delivery: DeliveryReport): string {
  const detail =
    delivery.status === 'done' ? JSON.stringify(delivery.result ?? {}) : (delivery.lastError ?? '');
  return `delivery ${delivery.action} (webhook ${delivery.webhookId}): ${delivery.status} after ${delivery.attempts} attempt(s) ${detail}`;
}
