import type { Server } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import { openRuntime, type Runtime } from '../app/runtime.js';
import type { Config } from '../config/config.js';
import { healthRouter } from '../web/healthRouter.js';
import { PubSubWorker } from '../worker/pubsubWorker.js';

export interface ServeOptions {
  /**
   * Time allowed for a graceful stop. pm2 sends SIGKILL after `kill_timeout` (15 s in
   * ecosystem.config.cjs), so this must stay below it.
   */
  shutdownDeadlineMs: number;
}

/**
 * Runs the long-lived worker: the Pub/Sub subscriber (when PUBSUB_SUBSCRIPTION is set), the
 * outbox dispatcher and the HTTP app. SIGINT and SIGTERM stop it gracefully; a second signal
 * forces exit. Resolves with the exit code once stopped.
 */
export async function serve(
  config: Readonly<Config>,
  logger: Logger,
  options: ServeOptions,
): Promise<number> {
  if (config.pubsub.emulatorHost !== undefined) process.env.METADATA_SERVER_DETECTION = 'none';

  // The port is taken first: a second worker started by mistake must stop here, before it
  // settles the first worker's deliveries in flight or pulls its messages.
  let runtime: Runtime | undefined;
  let worker: PubSubWorker | undefined;
  const app = express();
  app.disable('x-powered-by');
  app.use(
    healthRouter({
      subscriber: () => worker?.health,
      backlog: () =>
        runtime === undefined
          ? Promise.reject(new Error('the store is still opening'))
          : runtime.store.outboxBacklog(),
      dispatcherLastStepAt: () => runtime?.dispatcher.lastStepAt ?? null,
      idleWarningMs: 24 * 60 * 60_000,
    }),
  );
  const server = await listen(app, config.port);

  try {
    runtime = await openRuntime(config, logger, {
      databaseUrl: config.databaseUrl,
      recoverInFlight: true,
    });
  } catch (error) {
    server.close();
    throw error;
  }
  const started = runtime;
  started.dispatcher.start();

  if (config.pubsub.subscription !== undefined && config.pubsub.projectId !== undefined) {
    worker = new PubSubWorker({
      projectId: config.pubsub.projectId,
      subscription: config.pubsub.subscription,
      emulatorHost: config.pubsub.emulatorHost,
      maxMessages: config.pubsub.maxMessages,
      deadLetterAttempts: config.pubsub.deadLetterAttempts,
      pipeline: started.pipeline,
      store: started.store,
      logger: logger.child({ component: 'subscriber' }),
      onCommitted: () => {
        started.dispatcher.notify();
      },
    });
    worker.start();
  } else {
    logger.warn(
      { fix: 'set PUBSUB_PROJECT_ID and PUBSUB_SUBSCRIPTION' },
      'no Pub/Sub subscription configured; only the HTTP app and the outbox run',
    );
  }

  const address = server.address();
  logger.info(
    { port: typeof address === 'object' && address !== null ? address.port : config.port },
    'spar-bridge serving',
  );

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logger.warn({ signal }, 'second signal; exiting now');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal, deadlineMs: options.shutdownDeadlineMs }, 'stopping');

      const forced = setTimeout(() => {
        logger.error(
          { deadlineMs: options.shutdownDeadlineMs },
          'graceful stop timed out; exiting',
        );
        process.exit(1);
      }, options.shutdownDeadlineMs);
      forced.unref();

      void shutDown().then(
        () => {
          logger.info('stopped');
          logger.flush();
          resolve(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'error while stopping');
          logger.flush();
          resolve(1);
        },
      );
    };

    // Order matters: stop taking messages, finish the ones in flight, finish the outbox step
    // in progress, then close the database they all write to.
    const shutDown = async (): Promise<void> => {
      server.close();
      server.closeAllConnections();
      await worker?.stop(Math.max(1_000, options.shutdownDeadlineMs - 3_000));
      await started.close();
    };

    process.on('SIGINT', () => {
      stop('SIGINT');
    });
    process.on('SIGTERM', () => {
      stop('SIGTERM');
    });
  });
}

function listen(app: express.Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, (error?: Error) => {
      if (error !== undefined) reject(error);
      else resolve(server);
    });
  });
}
