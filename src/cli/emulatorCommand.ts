import type { Logger } from 'pino';
import {
  emulatorClient,
  ensureTopicAndSubscription,
  publishFixtureFiles,
  startEmulator,
} from '../emulator/index.js';
import { InvalidInputError } from '../errors.js';

export interface EmulatorCommandOptions {
  host: string;
  port: number;
  project: string;
  topic: string;
  subscription: string;
  /** Fixture files to publish once the topic exists. */
  publish: string[];
}

/**
 * Starts the local Pub/Sub emulator with the topic and subscription the worker reads, publishes
 * the given files, prints the variables `spar-bridge serve` needs, and runs until SIGINT or
 * SIGTERM.
 */
export async function runEmulator(
  options: EmulatorCommandOptions,
  logger: Logger,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({ host: options.host, port: options.port, logger });
  } catch (error) {
    throw new InvalidInputError(
      `cannot listen on ${options.host}:${options.port} (${(error as Error).message}); ` +
        'is another emulator running? Choose a free port with --port',
      { cause: error },
    );
  }
  const client = emulatorClient(emulator.host, options.project);
  try {
    await ensureTopicAndSubscription(client, {
      topic: options.topic,
      subscription: options.subscription,
    });
  } finally {
    await client.close();
  }

  write(`Pub/Sub emulator listening on ${emulator.host}`);
  write(`  topic projects/${options.project}/topics/${options.topic}`);
  write(`  subscription projects/${options.project}/subscriptions/${options.subscription}`);
  if (options.publish.length > 0) {
    const published = await publishFixtureFiles({
      emulatorHost: emulator.host,
      projectId: options.project,
      topic: options.topic,
      files: options.publish,
    });
    write(`  published ${published} messages from ${options.publish.length} files`);
  }
  write('Run the worker against it in another terminal:');
  write(
    `  PUBSUB_EMULATOR_HOST=${emulator.host} PUBSUB_PROJECT_ID=${options.project} ` +
      `PUBSUB_SUBSCRIPTION=${options.subscription} npm run cli -- serve`,
  );
  write('Press Ctrl+C to stop the emulator.');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => {
      resolve();
    });
    process.once('SIGTERM', () => {
      resolve();
    });
  });
  await emulator.close();
  return 0;
}
