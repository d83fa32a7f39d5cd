import type { PubSub } from '@google-cloud/pubsub';
import { status } from '@grpc/grpc-js';

export interface EnsureTopicAndSubscriptionOptions {
  topic: string;
  subscription: string;
  /** Defaults to `<topic>-dead-letter`. */
  deadLetterTopic?: string;
  /**
   * Subscription on the dead-letter topic, so forwarded messages are kept: Pub/Sub drops
   * messages published to a topic without subscriptions. Defaults to `<subscription>-dead-letter`.
   */
  deadLetterSubscription?: string;
  /** Deliveries before a message is dead-lettered, 5 to 100. Defaults to 5. */
  maxDeliveryAttempts?: number;
  /** Defaults to 60. */
  ackDeadlineSeconds?: number;
  /** Keep acked messages so the subscription can seek back to them. Defaults to true. */
  retainAckedMessages?: boolean;
  /** How long messages are retained, 600 to 604800 seconds. Defaults to 7 days. */
  messageRetentionSeconds?: number;
}

export interface EnsuredResources {
  topic: string;
  subscription: string;
  deadLetterTopic: string;
  deadLetterSubscription: string;
}

/**
 * Creates the topic, its dead-letter topic and subscription, and the subscription with a
 * dead-letter policy, skipping each one that already exists. An existing subscription keeps its
 * settings. Works against the emulator and against Pub/Sub itself. Returns full resource names.
 */
export async function ensureTopicAndSubscription(
  pubsub: PubSub,
  options: EnsureTopicAndSubscriptionOptions,
): Promise<EnsuredResources> {
  const deadLetterTopicId = options.deadLetterTopic ?? `${options.topic}-dead-letter`;
  const deadLetterSubscriptionId =
    options.deadLetterSubscription ?? `${options.subscription}-dead-letter`;

  const topic = pubsub.topic(options.topic);
  const deadLetterTopic = pubsub.topic(deadLetterTopicId);
  await ignoreAlreadyExists(topic.create());
  await ignoreAlreadyExists(deadLetterTopic.create());
  await ignoreAlreadyExists(deadLetterTopic.createSubscription(deadLetterSubscriptionId));

  await ignoreAlreadyExists(
    topic.createSubscription(options.subscription, {
      ackDeadlineSeconds: options.ackDeadlineSeconds ?? 60,
      retainAckedMessages: options.retainAckedMessages ?? true,
      messageRetentionDuration: { seconds: options.messageRetentionSeconds ?? 7 * 24 * 3600 },
      deadLetterPolicy: {
        deadLetterTopic: deadLetterTopic.name,
        maxDeliveryAttempts: options.maxDeliveryAttempts ?? 5,
      },
    }),
  );

  return {
    topic: topic.name,
    subscription: pubsub.subscription(options.subscription).name,
    deadLetterTopic: deadLetterTopic.name,
    deadLetterSubscription: pubsub.subscription(deadLetterSubscriptionId).name,
  };
}

async function ignoreAlreadyExists(creation: Promise<unknown>): Promise<void> {
  try {
    await creation;
  } catch (error) {
    if ((error as { code?: unknown }).code !== status.ALREADY_EXISTS) throw error;
  }
}
