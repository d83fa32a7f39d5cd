import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import pino, { type Logger } from 'pino';
import { GrpcStatusError } from './grpcErrors.js';
import { loadPubSubProto } from './loadPubSubProto.js';
import { PubSubBroker } from './PubSubBroker.js';
import { publisherService } from './publisherService.js';
import { subscriberService } from './subscriberService.js';
import type { SubscriptionStats } from './subscriptionStats.js';

export interface EmulatorOptions {
  /** Interface to listen on. Defaults to 127.0.0.1, so nothing outside this machine reaches it. */
  host?: string;
  /** Port to listen on; 0, the default, picks a free one. */
  port?: number;
  /** Defaults to a silent logger. */
  logger?: Logger;
}

/** A running emulator. */
export interface PubSubEmulator {
  /** `HOST:PORT`, the value PUBSUB_EMULATOR_HOST and the client's `apiEndpoint` expect. */
  readonly host: string;
  readonly port: number;

  /** Counts for a subscription, by full name or, when unique, by its short id. */
  stats(subscription: string): SubscriptionStats;

  /**
   * Resolves with the stats once `predicate` holds for the subscription, checking after every
   * change. Rejects after `timeoutMs` (default 10000) with the last stats in the message.
   */
  waitForStats(
    subscription: string,
    predicate: (stats: SubscriptionStats) => boolean,
    options?: { timeoutMs?: number },
  ): Promise<SubscriptionStats>;

  /** Ends every open stream and stops the server; calling it again does nothing. */
  close(): Promise<void>;
}

/** Lease expiry runs on this period, so deadlines are honoured to within about this much. */
const tickIntervalMs = 100;
const ticksPerRetentionSweep = 100;
const shutdownGraceMs = 2000;

/** Starts the in-memory Pub/Sub emulator. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<PubSubEmulator> {
  const host = options.host ?? '127.0.0.1';
  const logger = (options.logger ?? pino({ level: 'silent' })).child({
    component: 'pubsub-emulator',
  });
  const broker = new PubSubBroker(logger);
  const services = loadPubSubProto();

  const server = new Server();
  server.addService(services.publisher, publisherService(broker, logger));
  server.addService(services.subscriber, subscriberService(broker, logger));
  const port = await bind(server, `${host}:${options.port ?? 0}`);

  let ticks = 0;
  const ticker = setInterval(() => {
    ticks += 1;
    broker.tick(Date.now(), ticks % ticksPerRetentionSweep === 0);
  }, tickIntervalMs);
  ticker.unref();

  const address = `${host}:${port}`;
  // Logged as `host`: the logger redacts `address` fields, which hold customer addresses.
  logger.info({ host: address }, 'pubsub emulator listening');

  let closing: Promise<void> | undefined;
  return {
    host: address,
    port,
    stats: (subscription) => findSubscription(broker, subscription).stats(),
    waitForStats: (subscription, predicate, waitOptions) =>
      waitForStats(broker, subscription, predicate, waitOptions?.timeoutMs ?? 10_000),
    close: () => {
      closing ??= close(server, broker, ticker, logger);
      return closing;
    },
  };
}

function bind(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) => {
      if (error) reject(error);
      else resolve(port);
    });
  });
}

async function close(
  server: Server,
  broker: PubSubBroker,
  ticker: NodeJS.Timeout,
  logger: Logger,
): Promise<void> {
  clearInterval(ticker);

  const shutdown = new GrpcStatusError(status.UNAVAILABLE, 'The emulator is shutting down.');
  for (const subscription of broker.allSubscriptions()) {
    for (const consumer of subscription.attachedConsumers()) consumer.abort(shutdown);
  }

  // Clients may hold calls open; after the grace period they are cut off.
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, shutdownGraceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
  logger.info('pubsub emulator stopped');
}

function findSubscription(broker: PubSubBroker, name: string) {
  if (name.includes('/')) return broker.getSubscription(name);

  const matches = broker
    .allSubscriptions()
    .filter((subscription) => subscription.name.endsWith(`/${name}`));
  const [match] = matches;
  if (match === undefined || matches.length > 1) {
    throw new Error(
      `Subscription ${name} not found or ambiguous: pass projects/PROJECT/subscriptions/${name}`,
    );
  }
  return match;
}

function waitForStats(
  broker: PubSubBroker,
  subscription: string,
  predicate: (stats: SubscriptionStats) => boolean,
  timeoutMs: number,
): Promise<SubscriptionStats> {
  return new Promise((resolve, reject) => {
    // Runs inside broker change notifications, so it must not throw into a gRPC handler.
    const check = (): void => {
      try {
        const stats = findSubscription(broker, subscription).stats();
        if (!predicate(stats)) return;
        finish();
        resolve(stats);
      } catch (error) {
        finish();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };

    const stopListening = broker.onChange(check);
    const timer = setTimeout(() => {
      finish();
      const stats = broker
        .allSubscriptions()
        .find((state) => state.name.endsWith(subscription))
        ?.stats();
      reject(
        new Error(
          `Timed out after ${timeoutMs} ms waiting for stats of ${subscription}; last: ${JSON.stringify(stats)}`,
        ),
      );
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      stopListening();
    };

    check();
  });
}
