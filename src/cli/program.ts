#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { loadConfig, type Config } from '../config/config.js';
import { ConfigError, InvalidInputError, SparBridgeError } from '../errors.js';
import { handledTopics, parseTopic } from '../shopify/topics.js';
import { outboxStatuses, type OutboxStatus } from '../store/types.js';
import { createLogger, type Logger } from '../log/logger.js';
import { loadLivenessConfig } from '../liveness/livenessConfig.js';
import { runLiveness } from '../liveness/runLiveness.js';
import { writeMailPreviews } from '../mail/writeMailPreviews.js';
import { runDemo } from './demo.js';
import { runEmulator, type EmulatorCommandOptions } from './emulatorCommand.js';
import { listOutbox, retryOutbox } from './outboxCommand.js';
import { replay } from './replay.js';
import { seekSubscription } from './seek.js';
import { serve } from './serve.js';

// Google's client libraries must never probe the cloud metadata server from a developer
// machine. On Google Cloud, set METADATA_SERVER_DETECTION explicitly to enable the probe.
process.env.METADATA_SERVER_DETECTION ??= 'none';

function parsePositiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new InvalidArgumentError('expected a positive whole number');
  }
  return parsed;
}

function setUp(options: { logToStderr?: boolean; quiet?: boolean } = {}): {
  config: Readonly<Config>;
  logger: Logger;
} {
  // The demo prints its own report, so it logs only errors unless LOG_LEVEL is set.
  const config = loadConfig(
    options.quiet === true ? { LOG_LEVEL: 'error', ...process.env } : process.env,
  );
  // Commands that print results to stdout send their logs to stderr so both stay readable.
  const logger = createLogger({
    level: config.logLevel,
    ...(options.logToStderr === true ? { destination: process.stderr, pretty: false } : {}),
  });
  return { config, logger };
}

interface ReplayFlags {
  dryRun: boolean;
  blankState: boolean;
  json: boolean;
  topic?: string;
  waitSeconds: number;
  seek?: string;
}

const program = new Command()
  .exitOverride()
  .name('spar-bridge')
  .description(
    'Books furniture assembly with SPAR from Shopify order webhooks delivered through Pub/Sub.',
  )
  .showHelpAfterError();

program
  .command('serve')
  .description('Run the worker: Pub/Sub subscriber, outbox dispatcher and HTTP app (GET /healthz).')
  .action(async () => {
    const { config, logger } = setUp();
    // The deadline leaves room for a SPAR call in progress to time out on its own, so a stop
    // during an outage still closes the database cleanly. pm2's kill_timeout is set above it.
    const shutdownDeadlineMs = Math.max(8_000, config.spar.timeoutMs + 3_000);
    process.exitCode = await serve(config, logger, { shutdownDeadlineMs });
  });

program
  .command('replay')
  .description('Run Pub/Sub messages from files through the same pipeline as the worker.')
  .argument(
    '[files...]',
    'gcloud pull JSON, JSON/NDJSON Pub/Sub messages, or a bare webhook body with --topic',
  )
  .option(
    '--dry-run',
    'decide in a scratch database seeded from DATABASE_URL; no side effect',
    false,
  )
  .option(
    '--blank-state',
    'with --dry-run: decide from a blank state, to run history again under the current rules',
    false,
  )
  .option('--json', 'print one JSON object per message', false)
  .option(
    '--topic <topic>',
    'treat each FILE as a bare webhook body for this topic, e.g. orders/create',
  )
  .addOption(
    new Option(
      '--wait-seconds <seconds>',
      'how long to wait for the created actions to be delivered',
    )
      .default(60)
      .argParser(parsePositiveInt),
  )
  .option(
    '--seek <time>',
    'seek PUBSUB_SUBSCRIPTION back to this ISO 8601 time, so the running worker receives those messages again',
  )
  .action(async (files: string[], flags: ReplayFlags) => {
    const { config, logger } = setUp({ logToStderr: true });
    const { seek, ...replayFlags } = flags;
    if (seek !== undefined) {
      if (files.length > 0 || replayFlags.dryRun || replayFlags.topic !== undefined) {
        throw new InvalidInputError(
          '--seek rewinds the live subscription; it takes no FILE, --dry-run or --topic',
        );
      }
      const time = await seekSubscription(config, seek);
      process.stdout.write(
        `Subscription ${config.pubsub.subscription ?? ''} now delivers again every retained message published since ${time.toISOString()}.\n`,
      );
      return;
    }
    if (files.length === 0) {
      throw new InvalidInputError('replay needs at least one FILE, or --seek TIME');
    }
    if (replayFlags.blankState && !replayFlags.dryRun) {
      throw new InvalidInputError('--blank-state only works with --dry-run');
    }
    if (replayFlags.topic !== undefined && parseTopic(replayFlags.topic) === undefined) {
      throw new InvalidInputError(
        `--topic ${replayFlags.topic}: not a topic spar-bridge handles; use one of ${handledTopics.join(', ')}`,
      );
    }
    process.exitCode = await replay(config, logger, { files, ...replayFlags });
  });

program
  .command('demo')
  .description(
    'Replay the bundled order lifecycles on the embedded defaults and print what happened.',
  )
  .option('--out <dir>', 'folder for the demo database and emails (emptied first)', './var/demo')
  .action(async (flags: { out: string }) => {
    const { config, logger } = setUp({ logToStderr: true, quiet: true });
    process.exitCode = await runDemo(config, logger.child({ demo: true }), {
      outputDir: flags.out,
    });
  });

program
  .command('emulator')
  .description(
    "Start the local Pub/Sub emulator with the worker's topic and subscription (development only).",
  )
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .addOption(
    new Option('--port <port>', 'port to listen on').default(8085).argParser(parsePositiveInt),
  )
  .option('--project <id>', 'project id', 'spar-bridge-local')
  .option('--topic <id>', 'topic Shopify publishes to', 'shopify-orders')
  .option('--subscription <id>', 'subscription the worker reads', 'spar-bridge')
  .option('--publish <files...>', 'publish the messages of these files once started', [])
  .action(async (flags: EmulatorCommandOptions) => {
    const { logger } = setUp();
    process.exitCode = await runEmulator(flags, logger.child({ component: 'emulator' }));
  });

program
  .command('liveness')
  .description(
    'Check that the worker is up and working, and email liveness_ok or liveness_down to MAIL_DEV_TO; run once a day from cron. Exit code 0 ok, 1 down, 2 not run or not delivered.',
  )
  .option(
    '--health-url <url>',
    "URL of the worker's GET /healthz (default: LIVENESS_HEALTH_URL, else http://127.0.0.1:PORT/healthz)",
  )
  .addOption(
    new Option('--wait-seconds <seconds>', 'how long to wait for the email to be delivered')
      .default(60)
      .argParser(parsePositiveInt),
  )
  .action(async (flags: { healthUrl?: string; waitSeconds: number }) => {
    const { config, logger } = setUp({ logToStderr: true });
    const { healthUrl } = loadLivenessConfig(
      flags.healthUrl === undefined ? process.env : { LIVENESS_HEALTH_URL: flags.healthUrl },
      config.port,
    );
    process.exitCode = await runLiveness(config, logger, {
      healthUrl,
      waitSeconds: flags.waitSeconds,
    });
  });

const outbox = program.command('outbox').description('Inspect and retry outbox actions.');
outbox
  .command('list')
  .description('List outbox actions (SPAR calls and emails) with their delivery state.')
  .addOption(
    new Option('--status <status>', 'only actions with this status').choices([...outboxStatuses]),
  )
  .action(async (flags: { status?: OutboxStatus }) => {
    const { config, logger } = setUp({ logToStderr: true });
    process.exitCode = await listOutbox(config, logger, flags);
  });
outbox
  .command('retry')
  .description(
    'Queue failed actions again once their cause is fixed; the email reporting a SPAR call is retried with it.',
  )
  .argument('[ids...]', 'outbox ids from `spar-bridge outbox list --status failed`')
  .option('--all-failed', 'retry every failed action', false)
  .addOption(
    new Option(
      '--wait-seconds <seconds>',
      'deliver them now and wait this long for the result',
    ).argParser(parsePositiveInt),
  )
  .action(async (ids: string[], flags: { allFailed: boolean; waitSeconds?: number }) => {
    const { config, logger } = setUp({ logToStderr: true });
    const parsedIds = ids.map((id) => {
      if (!/^\d+$/.test(id)) throw new InvalidInputError(`outbox id ${id}: expected a number`);
      return Number(id);
    });
    process.exitCode = await retryOutbox(config, logger, { ids: parsedIds, ...flags });
  });

const mail = program.command('mail').description('Email tools.');
mail
  .command('preview')
  .description('Render the email templates with sample data to HTML and text files.')
  .argument('[kind]', 'one email kind, such as spar_posted; every kind when omitted')
  .option('--out <dir>', 'folder for the preview files', './var/mail-preview')
  .action(async (kind: string | undefined, flags: { out: string }) => {
    const written = await writeMailPreviews({
      dir: flags.out,
      ...(kind === undefined ? {} : { kind }),
    });
    for (const file of written) process.stdout.write(`${file}\n`);
  });

try {
  await program.parseAsync();
} catch (error) {
  // Expected failures print their message, which states what to fix, without a stack trace:
  // exit 2 for invalid configuration or input, 1 for anything else the service classified.
  if (error instanceof CommanderError) {
    // Commander has printed the problem already; help and version requests are not errors.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof ConfigError || error instanceof InvalidInputError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  } else if (error instanceof SparBridgeError) {
    process.stderr.write(`${error.code}: ${error.message}\n`);
    process.exitCode = error.code === 'CATALOG_UNAVAILABLE' ? 2 : 1;
  } else if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
    process.stderr.write(`${error.message}: set PORT to a free port\n`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
