import type { Logger } from 'pino';
import { alreadyExists, invalidArgument, notFound, unimplemented } from './grpcErrors.js';
import { durationToMs, msToDuration, type PreciseTime } from './protoTime.js';
import type { ProtoPubsubMessage, ProtoSubscription, ProtoTopic } from './protoTypes.js';
import {
  checkSubscriptionName,
  checkTopicName,
  deletedTopicName,
  projectOf,
} from './resourceNames.js';
import type { StoredMessage } from './storedMessage.js';
import { SubscriptionState } from './SubscriptionState.js';

const defaultAckDeadlineSeconds = 10;
const defaultMaxDeliveryAttempts = 5;
const defaultRetentionMs = 7 * 24 * 3600 * 1000;
const minRetentionMs = 10 * 60 * 1000;
const maxRetentionMs = 7 * 24 * 3600 * 1000;

/**
 * The emulator's in-memory Pub/Sub: topics, subscriptions and the messages in them. gRPC
 * handlers translate requests into calls here; errors are thrown as gRPC status errors.
 */
export class PubSubBroker {
  private readonly topics = new Map<string, ProtoTopic>();
  private readonly subscriptions = new Map<string, SubscriptionState>();
  private readonly changeListeners = new Set<() => void>();
  private readonly logger: Logger;
  private lastMessageId = 0;
  private lastPublishMs = 0;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  createTopic(topic: ProtoTopic): ProtoTopic {
    checkTopicName(topic.name);
    if (this.topics.has(topic.name)) throw alreadyExists(topic.name);

    const stored: ProtoTopic = { ...topic, labels: topic.labels };
    this.topics.set(topic.name, stored);
    this.logger.debug({ topic: topic.name }, 'topic created');
    return stored;
  }

  getTopic(name: string): ProtoTopic {
    const topic = this.topics.get(name);
    if (topic === undefined) throw notFound(name);
    return topic;
  }

  listTopics(project: string): ProtoTopic[] {
    return [...this.topics.values()].filter((topic) => projectOf(topic.name) === project);
  }

  /** Deletes a topic; its subscriptions stay and report the topic as `_deleted-topic_`. */
  deleteTopic(name: string): void {
    this.getTopic(name);
    this.topics.delete(name);
    for (const subscription of this.subscriptions.values()) {
      if (subscription.config.topic === name) subscription.config.topic = deletedTopicName;
    }
  }

  /** Stores the messages once and queues them on every subscription the topic has now. */
  publish(topicName: string, messages: readonly ProtoPubsubMessage[]): string[] {
    this.getTopic(topicName);
    if (messages.length === 0) throw invalidArgument('The request contains no messages.');

    const targets = this.subscriptionsOf(topicName);
    const messageIds: string[] = [];
    for (const message of messages) {
      if (message.data.length === 0 && Object.keys(message.attributes).length === 0) {
        throw invalidArgument('Some messages contain neither data nor attributes.');
      }
    }

    for (const message of messages) {
      const stored = this.storeMessage(message);
      for (const subscription of targets) subscription.enqueue(stored);
      messageIds.push(stored.messageId);
    }

    this.logger.debug({ topic: topicName, count: messages.length }, 'messages published');
    this.notifyChanged();
    return messageIds;
  }

  listTopicSubscriptions(topicName: string): string[] {
    this.getTopic(topicName);
    return this.subscriptionsOf(topicName).map((subscription) => subscription.name);
  }

  createSubscription(request: ProtoSubscription): ProtoSubscription {
    checkSubscriptionName(request.name);
    checkTopicName(request.topic);
    if (!this.topics.has(request.topic)) throw notFound(request.topic);
    if (this.subscriptions.has(request.name)) throw alreadyExists(request.name);

    const config = completeSubscription(request, (name) => this.topics.has(name));
    this.subscriptions.set(
      config.name,
      new SubscriptionState(config, {
        deadLetter: (message, source, deliveryAttempt) =>
          this.deadLetter(message, source, deliveryAttempt),
        changed: () => {
          this.notifyChanged();
        },
      }),
    );
    this.logger.debug({ subscription: config.name, topic: config.topic }, 'subscription created');
    return config;
  }

  getSubscription(name: string): SubscriptionState {
    const subscription = this.subscriptions.get(name);
    if (subscription === undefined) throw notFound(name);
    return subscription;
  }

  listSubscriptions(project: string): ProtoSubscription[] {
    return [...this.subscriptions.values()]
      .filter((subscription) => projectOf(subscription.name) === project)
      .map((subscription) => subscription.config);
  }

  /** Removes a subscription; the caller ends the streams that were attached to it. */
  deleteSubscription(name: string): SubscriptionState {
    const subscription = this.getSubscription(name);
    subscription.markDeleted();
    this.subscriptions.delete(name);
    this.notifyChanged();
    return subscription;
  }

  allSubscriptions(): SubscriptionState[] {
    return [...this.subscriptions.values()];
  }

  /** Runs lease expiry and retention on every subscription. */
  tick(nowMs: number, pruneRetention: boolean): void {
    for (const subscription of this.subscriptions.values()) {
      subscription.expireLeases(nowMs);
      if (pruneRetention) subscription.pruneExpired(nowMs);
    }
  }

  /** Registers a listener called after every change; returns the function that removes it. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private notifyChanged(): void {
    for (const listener of this.changeListeners) listener();
  }

  private subscriptionsOf(topicName: string): SubscriptionState[] {
    return [...this.subscriptions.values()].filter(
      (subscription) => subscription.config.topic === topicName,
    );
  }

  private storeMessage(message: ProtoPubsubMessage): StoredMessage {
    this.lastMessageId += 1;
    return {
      messageId: String(this.lastMessageId),
      data: Buffer.from(message.data),
      attributes: { ...message.attributes },
      orderingKey: message.orderingKey,
      publishTime: this.nextPublishTime(),
    };
  }

  /** Publish times never go backwards, so seek boundaries follow publish order. */
  private nextPublishTime(): PreciseTime {
    const ms = Math.max(Date.now(), this.lastPublishMs);
    this.lastPublishMs = ms;
    return { ms, nanos: (ms % 1000) * 1e6 };
  }

  /**
   * Forwards a message to the dead-letter topic with `CloudPubSubDeadLetterSource*` attributes.
   * NOTE: the attribute names follow the Pub/Sub dead-letter documentation as recalled, not a
   * captured message; check them before code depends on them.
   */
  private deadLetter(
    message: StoredMessage,
    source: ProtoSubscription,
    deliveryAttempt: number,
  ): boolean {
    const topicName = source.deadLetterPolicy?.deadLetterTopic ?? '';
    if (!this.topics.has(topicName)) {
      this.logger.warn(
        { subscription: source.name, deadLetterTopic: topicName, messageId: message.messageId },
        'dead-letter topic not found; message stays on the subscription, create the topic to forward it',
      );
      return false;
    }

    const [, project = ''] = source.name.split('/');
    const forwarded: ProtoPubsubMessage = {
      data: message.data,
      attributes: {
        ...message.attributes,
        CloudPubSubDeadLetterSourceDeliveryCount: String(deliveryAttempt),
        CloudPubSubDeadLetterSourceSubscription: source.name.split('/').at(-1) ?? '',
        CloudPubSubDeadLetterSourceSubscriptionProject: project,
        CloudPubSubDeadLetterSourceTopicPublishTime: new Date(message.publishTime.ms).toISOString(),
      },
      messageId: '',
      publishTime: null,
      orderingKey: message.orderingKey,
    };

    this.publish(topicName, [forwarded]);
    this.logger.debug(
      { subscription: source.name, messageId: message.messageId },
      'message dead-lettered',
    );
    return true;
  }
}

/** Validates a CreateSubscription request and fills the defaults the real service reports. */
function completeSubscription(
  request: ProtoSubscription,
  topicExists: (name: string) => boolean,
): ProtoSubscription {
  if (request.pushConfig?.pushEndpoint) {
    throw unimplemented('Push subscriptions are not supported by the emulator.');
  }
  if (request.filter !== '') {
    throw unimplemented('Subscription filters are not supported by the emulator.');
  }
  if (request.enableExactlyOnceDelivery) {
    throw unimplemented('Exactly-once delivery is not supported by the emulator.');
  }

  const ackDeadlineSeconds = request.ackDeadlineSeconds || defaultAckDeadlineSeconds;
  if (ackDeadlineSeconds < 10 || ackDeadlineSeconds > 600) {
    throw invalidArgument(
      `Invalid ack_deadline_seconds ${ackDeadlineSeconds}: expected 10 to 600.`,
    );
  }

  const retentionMs = request.messageRetentionDuration
    ? durationToMs(request.messageRetentionDuration)
    : defaultRetentionMs;
  if (retentionMs < minRetentionMs || retentionMs > maxRetentionMs) {
    throw invalidArgument('Invalid message_retention_duration: expected 10 minutes to 7 days.');
  }

  return {
    ...request,
    ackDeadlineSeconds,
    messageRetentionDuration: msToDuration(retentionMs),
    deadLetterPolicy: completeDeadLetterPolicy(request, topicExists),
    state: 'ACTIVE',
  };
}

/** Pub/Sub rejects a dead-letter policy whose topic does not exist when the subscription is created. */
function completeDeadLetterPolicy(
  request: ProtoSubscription,
  topicExists: (name: string) => boolean,
): ProtoSubscription['deadLetterPolicy'] {
  const policy = request.deadLetterPolicy;
  if (policy === null || policy.deadLetterTopic === '') return null;

  checkTopicName(policy.deadLetterTopic);
  if (!topicExists(policy.deadLetterTopic)) throw notFound(policy.deadLetterTopic);
  const maxDeliveryAttempts = policy.maxDeliveryAttempts || defaultMaxDeliveryAttempts;
  if (maxDeliveryAttempts < 5 || maxDeliveryAttempts > 100) {
    throw invalidArgument(
      `Invalid max_delivery_attempts ${maxDeliveryAttempts}: expected 5 to 100.`,
    );
  }
  return { deadLetterTopic: policy.deadLetterTopic, maxDeliveryAttempts };
}
