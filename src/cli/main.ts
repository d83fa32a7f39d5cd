#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig, type Config } from '../config/config.js';
import { ConfigError } from '../errors.js';
import { createLogger, type Logger } from '../log/logger.js';
import { runDemo } from './demo.js';
import { replay } from './replay.js';
import { serve } from './serve.js';

// Google's client libraries must never probe the cloud metadata server from a developer
// machine; the worker sets this itself only when it talks to an emulator or reads files.
process.env.METADATA_SERVER_DETECTION ??= 'none';

function parsePositiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new InvalidArgumentError('expected a positive whole number');
  return parsed;
}

function setUp(options: { logFile?: boolean; quiet?: boolean } = {}): {
  config: Readonly<Config>;
  logger: Logger;
} {
  // The demo prints its own report; its logs stay quiet unless LOG_LEVEL asks for more.
  const config = loadConfig(
    options.quiet === true ? { LOG_LEVEL: 'error', ...process.env } : process.env,
  );
  // Commands that print results to stdout send their logs to stderr so both stay readable.
  const logger = createLogger({
    level: config.logLevel,
    ...(options.logFile === true ? { destination: process.stderr, pretty: false } : {}),
  });
  return { config, logger };
}

const program = new Command()
  .name('spar-bridge')
  .description(
    'Books furniture assembly with SPAR from Shopify order webhooks delivered through Pub/Sub.',
  )
  .showHelpAfterError();

program
  .command('replay')
  .description('Run Pub/Sub messages from files through the same pipeline as the worker.')
  .argument(
    '<files...>',
    'gcloud pull JSON, JSON/NDJSON Pub/Sub messages, or a bare webhook body with --topic',
  )
  .option('--dry-run', 'decide against a scratch database and perform no side effect', false)
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
  .action(
    async (
      files: string[],
      flags: { dryRun: boolean; json: boolean; topic?: string; waitSeconds: number },
    ) => {
      const { config, logger } = setUp({ logFile: true });
      process.exitCode = await replay(config, logger, { files, ...flags });
    },
  );

program
  .command('serve')
  .description('Run the worker: Pub/Sub subscriber, outbox dispatcher and HTTP app (GET /healthz).')
  .action(async () => {
    const { config, logger } = setUp();
    process.exitCode = await serve(config, logger, { shutdownDeadlineMs: 8_000 });
  });

program
  .command('demo')
  .description(
    'Replay the bundled order lifecycles on the embedded defaults and print what happened.',
  )
  .option('--out <dir>', 'folder for the demo database and emails (emptied first)', './var/demo')
  .action(async (flags: { out: string }) => {
    const { config, logger } = setUp({ logFile: true, quiet: true });
    process.exitCode = await runDemo(config, logger.child({ demo: true }), {
      outputDir: flags.out,
    });
  });

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
