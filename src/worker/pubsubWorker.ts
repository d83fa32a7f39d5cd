import { Duration, PubSub, type Message, type Subscription } from '@google-cloud/pubsub';
import type { Logger } from 'pino';
import { isRetriable } from '../errors.js';
import { readShopifyHeaders, type InboundMessage } from '../ingress/inboundMessage.js';
import type { Pipeline } from '../ingress/pipeline.js';
import { retryDelayMs } from '../outbox/backoff.js';
import { developerAlert } from '../outbox/developerAlert.js';
import type { Store } from '../store/types.js';

export interface PubSubWorkerOptions {
  projectId: string;
  subscription: string;
  /** host:port of a Pub/Sub emulator; unset uses Google Cloud with Application Default Credentials. */
  emulatorHost: string | undefined;
  /**
   * Messages the client leases at once. Each leased message keeps its body in memory and a
   * slot in the per-order queue. The default of 20 is an estimate for a small VM; `npm run
   * bench` measures RSS at this setting.
   */
  maxMessages: number;
  /** Delivery attempts after which the subscription's dead-letter policy takes the message. */
  deadLetterAttempts: number;
  pipeline: Pipeline;
  store: Store;
  logger: Logger;
  /** Called after each committed message, to wake the outbox dispatcher. */
  onCommitted?: () => void;
  /** Interval between lookups of the subscription that check Pub/Sub is reachable. Default 60 s. */
  probeIntervalMs?: number;
}

/** Application-level health of the subscriber, served at `GET /healthz`. */
export interface SubscriberHealth {
  stream: 'starting' | 'open' | 'reopening' | 'closed';
  lastMessageAt: string | null;
  lastAckAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
  inFlight: number;
  received: number;
  acked: number;
  nacked: number;
  reopenCount: number;
  /** Last successful lookup of the subscription. */
  lastProbeAt: string | null;
  /**
   * Reason the last lookup failed, or null. The streaming client retries an unreachable
   * service without an `error` event, so this is how an outage shows while the stream
   * still looks open.
   */
  probeError: string | null;
}

/**
 * Consumes the Shopify order events of one Pub/Sub subscription. A message is acked only
 * after its outcome is committed and nacked on a transient failure; every path ends in one
 * of the two. Subscriber errors re-open the subscription with backoff.
 */
export class PubSubWorker {
  readonly #options: PubSubWorkerOptions;
  readonly #client: PubSub;
  #subscription: Subscription | null = null;
  readonly #inFlight = new Set<Promise<void>>();
  #stopping = false;
  #reopenTimer: NodeJS.Timeout | null = null;
  #consecutiveErrors = 0;
  readonly health: SubscriberHealth = {
    stream: 'starting',
    lastMessageAt: null,
    lastAckAt: null,
    lastErrorAt: null,
    lastError: null,
    inFlight: 0,
    received: 0,
    acked: 0,
    nacked: 0,
    reopenCount: 0,
    lastProbeAt: null,
    probeError: null,
  };
  #probeTimer: NodeJS.Timeout | null = null;

  constructor(options: PubSubWorkerOptions) {
    this.#options = options;
    this.#client = new PubSub({
      projectId: options.projectId,
      ...(options.emulatorHost === undefined
        ? {}
        : { apiEndpoint: options.emulatorHost, emulatorMode: true }),
    });
  }

  /** Opens the subscription. Calling it again while open has no effect. */
  start(): void {
    if (this.#subscription !== null || this.#stopping) return;
    this.#open();

    if (this.#probeTimer === null) {
      void this.#probe();
      this.#probeTimer = setInterval(() => {
        void this.#probe();
      }, this.#options.probeIntervalMs ?? 60_000);
      this.#probeTimer.unref();
    }
  }

  /**
   * Stops pulling, lets in-flight messages finish (or nacks them at `deadlineMs`), and flushes
   * pending acks before it resolves. Closing the subscription and waiting for handlers share
   * the one `deadlineMs` budget, so the caller's shutdown deadline holds.
   */
  async stop(deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    this.#stopping = true;
    if (this.#reopenTimer !== null) clearTimeout(this.#reopenTimer);
    if (this.#probeTimer !== null) clearInterval(this.#probeTimer);
    const subscription = this.#subscription;
    this.#subscription = null;
    if (subscription !== null) {
      subscription.removeAllListeners('message');
      await Promise.race([subscription.close(), delay(deadlineMs)]);
    }
    this.health.stream = 'closed';
    await Promise.race([
      Promise.allSettled([...this.#inFlight]),
      delay(Math.max(0, deadline - Date.now())),
    ]);
    await this.#client.close();
  }

  async #probe(): Promise<void> {
    try {
      await this.#client.subscription(this.#options.subscription).getMetadata({ timeout: 10_000 });
      this.health.lastProbeAt = new Date().toISOString();
      if (this.health.probeError !== null) {
        this.#options.logger.info(
          { subscription: this.#options.subscription },
          'Pub/Sub reachable again',
        );
      }
      this.health.probeError = null;
    } catch (error) {
      if (this.#stopping) return;
      const message = summarizeError(error);
      if (this.health.probeError === null) {
        this.#options.logger.warn(
          { err: error, subscription: this.#options.subscription },
          'Pub/Sub subscription lookup failed; check the network and the subscription name',
        );
      }
      this.health.probeError = message;
    }
  }

  #open(): void {
    const { logger } = this.#options;
    const subscription = this.#client.subscription(this.#options.subscription, {
      flowControl: { maxMessages: this.#options.maxMessages, allowExcessMessages: false },
      // In @google-cloud/pubsub 6.2.0, `Subscriber.ack` (build/src/subscriber.js) waits for
      // `AckQueue.onFlush` before `_inventory.remove`, so a flow-control slot is freed only
      // after the batch holding the ack is sent. At the default 100 ms delay, 20 slots cap a
      // worker near 200 msg/s whatever the handler does. The delay applies to modAcks and
      // nacks too.
      batching: { maxMilliseconds: 10 },
      // On close, keep leasing and let handlers ack or nack the messages they have. Past the
      // timeout the client nacks the rest, so Pub/Sub redelivers them at once.
      closeOptions: { behavior: 'WAIT', timeout: Duration.from({ seconds: 5 }) },
    });
    this.#subscription = subscription;

    subscription.on('message', (message: Message) => {
      const handled = this.#handle(message);
      this.#inFlight.add(handled);
      this.health.inFlight = this.#inFlight.size;
      void handled.finally(() => {
        this.#inFlight.delete(handled);
        this.health.inFlight = this.#inFlight.size;
      });
    });
    subscription.on('error', (error: Error) => {
      this.#onError(subscription, error);
    });
    subscription.on('close', () => {
      if (this.#subscription === subscription) this.health.stream = 'closed';
    });

    this.health.stream = 'open';
    logger.info(
      {
        subscription: this.#options.subscription,
        maxMessages: this.#options.maxMessages,
        emulator: this.#options.emulatorHost ?? null,
      },
      'subscription opened',
    );
  }

  #onError(subscription: Subscription, error: Error): void {
    const { logger } = this.#options;
    this.#consecutiveErrors += 1;
    this.health.lastError = summarizeError(error);
    this.health.lastErrorAt = new Date().toISOString();
    if (this.#stopping || this.#subscription !== subscription) return;

    const delayMs = retryDelayMs(this.#consecutiveErrors, {
      baseDelayMs: 1_000,
      maxDelayMs: 60_000,
    });
    logger.error(
      { err: error, attempt: this.#consecutiveErrors, delayMs },
      'subscriber error; re-opening the subscription',
    );
    this.health.stream = 'reopening';
    this.#subscription = null;
    subscription.removeAllListeners();
    subscription.on('error', () => undefined);
    void subscription.close().catch((closeError: unknown) => {
      logger.warn({ err: closeError }, 'closing the failed subscription failed');
    });

    this.#reopenTimer = setTimeout(() => {
      this.#reopenTimer = null;
      if (this.#stopping) return;
      this.health.reopenCount += 1;
      this.#open();
    }, delayMs);
  }

  async #handle(message: Message): Promise<void> {
    const deliveryAttempt = message.deliveryAttempt > 0 ? message.deliveryAttempt : null;
    const logger = this.#options.logger.child({ messageId: message.id, deliveryAttempt });
    this.health.received += 1;
    this.health.lastMessageAt = new Date().toISOString();

    try {
      await this.#options.pipeline.process(toInboundMessage(message, deliveryAttempt));
      message.ack();
      this.#consecutiveErrors = 0;
      this.health.acked += 1;
      this.health.lastAckAt = new Date().toISOString();
      this.#options.onCommitted?.();
    } catch (error) {
      message.nack();
      this.health.nacked += 1;
      const lastAttempt =
        deliveryAttempt !== null && deliveryAttempt >= this.#options.deadLetterAttempts;
      logger.error(
        { err: error, retriable: isRetriable(error), lastAttempt },
        lastAttempt
          ? 'message failed on its last attempt; it goes to the dead-letter topic'
          : 'message failed; nacked for redelivery',
      );
      if (lastAttempt) await this.#alertDeadLetter(message, error);
    }
  }

  async #alertDeadLetter(message: Message, error: unknown): Promise<void> {
    const headers = readShopifyHeaders(message.attributes);
    const shop = headers.shop ?? '';
    const alert = developerAlert({
      dedupeKey: `error:dead-letter:${message.id}`,
      reason:
        `message ${message.id} failed ${message.deliveryAttempt} times and was dead-lettered: ` +
        `${error instanceof Error ? error.message : String(error)}. ` +
        'Fix the cause, then replay it from the dead-letter subscription.',
      shop,
      webhookId: headers.webhookId ?? null,
      topic: headers.topic ?? null,
    });
    try {
      await this.#options.store.enqueueActions(`pubsub:${message.id}`, shop, null, [alert]);
    } catch (alertError) {
      this.#options.logger.error(
        { err: alertError, messageId: message.id },
        'dead-letter alert could not be queued',
      );
    }
  }
}

function toInboundMessage(message: Message, deliveryAttempt: number | null): InboundMessage {
  return {
    messageId: message.id,
    data: message.data,
    attributes: message.attributes,
    publishTime: message.publishTime.toISOString(),
    deliveryAttempt,
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Returns the first line of an error message, at most 300 characters. gRPC errors repeat
 * every earlier attempt in their message, which would flood /healthz and the liveness email.
 */
function summarizeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n', 1)[0] ?? '';
  return firstLine.length <= 300 ? firstLine : `${firstLine.slice(0, 299)}…`;
}
