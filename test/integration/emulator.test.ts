import { PubSub, v1, type Message, type Subscription } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  emulatorClient,
  ensureTopicAndSubscription,
  startEmulator,
  type PubSubEmulator,
} from '../../src/emulator/index.js';

const projectId = 'emulator-test';

let emulator: PubSubEmulator;
let pubsub: PubSub;
let lastResourceId = 0;

beforeAll(async () => {
  emulator = await startEmulator();
  pubsub = emulatorClient(emulator.host, projectId);
});

afterAll(async () => {
  await pubsub.close();
  await emulator.close();
});

/** Creates a topic and a subscription with unique names, so tests do not share messages. */
async function createTopicAndSubscription(
  options: Parameters<PubSub['createSubscription']>[2] = {},
): Promise<{ topicName: string; subscriptionName: string }> {
  lastResourceId += 1;
  const [topic] = await pubsub.createTopic(`topic-${lastResourceId}`);
  const [subscription] = await topic.createSubscription(`subscription-${lastResourceId}`, options);
  return { topicName: topic.name, subscriptionName: subscription.name };
}

/** Creates the generated v1 client, for calls that the Subscription class does not expose. */
async function generatedSubscriberClient(): Promise<v1.SubscriberClient> {
  const config = await pubsub.getClientConfig();
  return new v1.SubscriberClient(config as ConstructorParameters<typeof v1.SubscriberClient>[0]);
}

async function publish(topicName: string, count: number): Promise<string[]> {
  const topic = pubsub.topic(topicName);
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    ids.push(
      await topic.publishMessage({
        data: Buffer.from(`message ${index}`),
        attributes: { index: String(index) },
      }),
    );
  }
  return ids;
}

/** Calls `handle` for each message until it returns true, then resolves. */
function receiveUntil(
  subscription: Subscription,
  handle: (message: Message) => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    subscription.on('error', reject);
    subscription.on('message', (message: Message) => {
      if (handle(message)) resolve();
    });
  });
}

describe('pubsub emulator', () => {
  test('subscriber drains backlog', async () => {
    const { topicName, subscriptionName } = await createTopicAndSubscription();
    const published = await publish(topicName, 50);
    const subscription = pubsub.subscription(subscriptionName);

    const received = new Set<string>();
    await receiveUntil(subscription, (message) => {
      received.add(message.id);
      message.ack();
      return received.size === published.length;
    });
    const stats = await emulator.waitForStats(
      subscriptionName,
      (current) => current.ackCount === 50,
    );
    await subscription.close();

    expect([...received].sort()).toEqual([...published].sort());
    expect(stats.unacked).toBe(0);
    expect(stats.outstanding).toBe(0);
    expect(stats.deliveries).toBe(50);
  });

  test('message carries data, attributes and publish time', async () => {
    const { topicName, subscriptionName } = await createTopicAndSubscription();
    const publishedAfterMs = Date.now();
    const [id] = await publish(topicName, 1);
    const subscription = pubsub.subscription(subscriptionName);

    let received: Message | undefined;
    await receiveUntil(subscription, (message) => {
      received = message;
      message.ack();
      return true;
    });
    await subscription.close();

    expect(received?.id).toBe(id);
    expect(received?.data.toString()).toBe('message 0');
    expect(received?.attributes).toEqual({ index: '0' });
    expect(received?.publishTime.getTime()).toBeGreaterThanOrEqual(
      Math.floor(publishedAfterMs / 1000) * 1000,
    );
    expect(received?.deliveryAttempt).toBe(0);
  });

  test('nack redelivers message', async () => {
    const { topicName, subscriptionName } = await createTopicAndSubscription();
    const [id] = await publish(topicName, 1);
    const subscription = pubsub.subscription(subscriptionName);

    const deliveries: string[] = [];
    await receiveUntil(subscription, (message) => {
      deliveries.push(message.id);
      if (deliveries.length === 1) {
        message.nack();
        return false;
      }
      message.ack();
      return true;
    });
    const stats = await emulator.waitForStats(
      subscriptionName,
      (current) => current.ackCount === 1,
    );
    await subscription.close();

    expect(deliveries).toEqual([id, id]);
    expect(stats.deliveries).toBe(2);
    expect(stats.unacked).toBe(0);
  });

  test('expired ack deadline redelivers message', async () => {
    const { topicName, subscriptionName } = await createTopicAndSubscription({
      ackDeadlineSeconds: 10,
    });
    const [id] = await publish(topicName, 1);
    const client = await generatedSubscriberClient();

    const [first] = await client.pull({ subscription: subscriptionName, maxMessages: 1 });
    const firstDelivery = first.receivedMessages?.[0];
    // Shortening the deadline to 1 s lets it expire without waiting the 10 s minimum.
    await client.modifyAckDeadline({
      subscription: subscriptionName,
      ackIds: [firstDelivery?.ackId ?? ''],
      ackDeadlineSeconds: 1,
    });
    const [second] = await client.pull({ subscription: subscriptionName, maxMessages: 1 });
    const secondDelivery = second.receivedMessages?.[0];

    await client.acknowledge({
      subscription: subscriptionName,
      ackIds: [firstDelivery?.ackId ?? ''],
    });
    const afterStaleAck = emulator.stats(subscriptionName);
    await client.acknowledge({
      subscription: subscriptionName,
      ackIds: [secondDelivery?.ackId ?? ''],
    });
    const afterAck = emulator.stats(subscriptionName);
    await client.close();

    expect(firstDelivery?.message?.messageId).toBe(id);
    expect(secondDelivery?.message?.messageId).toBe(id);
    expect(secondDelivery?.ackId).not.toBe(firstDelivery?.ackId);
    expect(afterStaleAck.unacked).toBe(1);
    expect(afterAck.unacked).toBe(0);
  });

  test('closed subscriber hands messages over', async () => {
    const { topicName, subscriptionName } = await createTopicAndSubscription();
    const published = await publish(topicName, 3);

    const first = pubsub.subscription(subscriptionName);
    const unacked = new Set<string>();
    await receiveUntil(first, (message) => {
      unacked.add(message.id);
      return unacked.size === 3;
    });
    await first.close();

    const second = pubsub.subscription(subscriptionName);
    const redelivered = new Set<string>();
    await receiveUntil(second, (message) => {
      redelivered.add(message.id);
      message.ack();
      return redelivered.size === 3;
    });
    await emulator.waitForStats(subscriptionName, (current) => current.ackCount === 3);
    await second.close();

    expect([...unacked].sort()).toEqual([...published].sort());
    expect([...redelivered].sort()).toEqual([...published].sort());
  });

  test('cancelled stream returns its messages', async () => {
    const { topicName, subscriptionName } = await createTopicAndSubscription({
      ackDeadlineSeconds: 600,
    });
    const [id] = await publish(topicName, 1);
    const client = await generatedSubscriberClient();

    // A raw stream, cancelled without nacking, so only the server's close handling can redeliver.
    const stream = client.streamingPull();
    stream.on('error', () => undefined);
    const delivered = new Promise<string | undefined>((resolve) => {
      stream.on(
        'data',
        (response: { receivedMessages?: { message?: { messageId?: string } }[] }) => {
          const [received] = response.receivedMessages ?? [];
          if (received !== undefined) resolve(received.message?.messageId ?? undefined);
        },
      );
    });
    stream.write({ subscription: subscriptionName, streamAckDeadlineSeconds: 600 });
    const firstId = await delivered;
    await emulator.waitForStats(subscriptionName, (current) => current.outstanding === 1);
    stream.cancel();

    const afterCancel = await emulator.waitForStats(
      subscriptionName,
      (current) => current.openStreams === 0 && current.outstanding === 0,
    );
    const [pulled] = await client.pull({ subscription: subscriptionName, maxMessages: 1 });
    await client.close();

    expect(firstId).toBe(id);
    expect(afterCancel.unacked).toBe(1);
    expect(pulled.receivedMessages?.[0]?.message?.messageId).toBe(id);
  });

  test('stream responds to keepalive', async () => {
    const { subscriptionName } = await createTopicAndSubscription();
    const client = await generatedSubscriberClient();

    // The 6.2.0 client drops a stream that sends nothing within 15 s after its keepalive.
    const stream = client.streamingPull();
    stream.on('error', () => undefined);
    const firstResponse = new Promise<{ receivedMessages?: unknown[] }>((resolve) => {
      stream.once('data', resolve);
    });
    stream.write({
      subscription: subscriptionName,
      streamAckDeadlineSeconds: 10,
      protocolVersion: 1,
    });
    await emulator.waitForStats(subscriptionName, (current) => current.openStreams === 1);
    stream.write({});
    const response = await firstResponse;
    stream.cancel();
    await emulator.waitForStats(subscriptionName, (current) => current.openStreams === 0);
    await client.close();

    expect(response.receivedMessages ?? []).toEqual([]);
  });

  test('stream honours max outstanding messages', async () => {
    const { topicName, subscriptionName } = await createTopicAndSubscription();
    await publish(topicName, 10);
    const subscription = pubsub.subscription(subscriptionName, {
      flowControl: { maxMessages: 2, allowExcessMessages: false },
      streamingOptions: { maxStreams: 1 },
    });

    const leased: Message[] = [];
    await receiveUntil(subscription, (message) => {
      leased.push(message);
      return leased.length === 2;
    });
    const whileFull = emulator.stats(subscriptionName);
    leased[0]?.ack();
    const afterAck = await emulator.waitForStats(
      subscriptionName,
      (current) => current.deliveries === 3,
    );
    await subscription.close();

    expect(whileFull.outstanding).toBe(2);
    expect(whileFull.deliveries).toBe(2);
    expect(afterAck.outstanding).toBe(2);
    expect(afterAck.unacked).toBe(9);
  });

  test('dead-letters after max delivery attempts', async () => {
    const names = await ensureTopicAndSubscription(pubsub, {
      topic: 'dead-letter-source',
      subscription: 'dead-letter-worker',
      maxDeliveryAttempts: 5,
    });
    const [id] = await publish(names.topic, 1);

    const worker = pubsub.subscription(names.subscription);
    const attempts: number[] = [];
    worker.on('message', (message: Message) => {
      attempts.push(message.deliveryAttempt);
      message.nack();
    });

    const deadLetters = pubsub.subscription(names.deadLetterSubscription);
    let deadLettered: Message | undefined;
    await receiveUntil(deadLetters, (message) => {
      deadLettered = message;
      message.ack();
      return true;
    });
    const stats = emulator.stats(names.subscription);
    await worker.close();
    await deadLetters.close();

    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect(deadLettered?.data.toString()).toBe('message 0');
    expect(deadLettered?.attributes.CloudPubSubDeadLetterSourceDeliveryCount).toBe('5');
    expect(deadLettered?.attributes.CloudPubSubDeadLetterSourceSubscription).toBe(
      'dead-letter-worker',
    );
    expect(deadLettered?.id).not.toBe(id);
    expect(stats.deadLettered).toBe(1);
    expect(stats.unacked).toBe(0);
  });

  test('seek redelivers retained acked messages', async () => {
    const names = await ensureTopicAndSubscription(pubsub, {
      topic: 'seek-source',
      subscription: 'seek-worker',
    });
    const [beforeId] = await publish(names.topic, 1);
    const seekTime = nextMillisecond();
    const laterIds = await publish(names.topic, 2);

    const worker = pubsub.subscription(names.subscription);
    const firstPass = new Set<string>();
    await receiveUntil(worker, (message) => {
      firstPass.add(message.id);
      message.ack();
      return firstPass.size === 3;
    });
    const acked = await emulator.waitForStats(names.subscription, (current) => current.acked === 3);
    await worker.close();

    // Subscription#seek in @google-cloud/pubsub 6.2.0 sends milliseconds * 1000 as nanos, which
    // moves the time back to the start of its second. The generated client sends the exact time.
    const client = await generatedSubscriberClient();
    await client.seek({ subscription: names.subscription, time: toTimestamp(seekTime) });
    await client.close();
    const afterSeek = emulator.stats(names.subscription);

    const replay = pubsub.subscription(names.subscription);
    const secondPass = new Set<string>();
    await receiveUntil(replay, (message) => {
      secondPass.add(message.id);
      message.ack();
      return secondPass.size === 2;
    });
    await emulator.waitForStats(names.subscription, (current) => current.unacked === 0);
    await replay.close();

    expect(acked.unacked).toBe(0);
    expect(afterSeek.unacked).toBe(2);
    expect(afterSeek.acked).toBe(1);
    expect([...secondPass].sort()).toEqual([...laterIds].sort());
    expect(secondPass.has(beforeId ?? '')).toBe(false);
  });

  test('ensureTopicAndSubscription is idempotent', async () => {
    const options = { topic: 'ensure-source', subscription: 'ensure-worker' };
    const first = await ensureTopicAndSubscription(pubsub, options);
    const second = await ensureTopicAndSubscription(pubsub, options);
    const [metadata] = await pubsub.subscription(first.subscription).getMetadata();

    expect(second).toEqual(first);
    expect(metadata.retainAckedMessages).toBe(true);
    expect(metadata.deadLetterPolicy?.deadLetterTopic).toBe(first.deadLetterTopic);
    expect(metadata.deadLetterPolicy?.maxDeliveryAttempts).toBe(5);
  });

  test('subscription rejects invalid dead-letter policy', async () => {
    const [topic] = await pubsub.createTopic('policy-source');
    const missingTopic = `projects/${projectId}/topics/policy-missing`;

    const missing = await topic
      .createSubscription('policy-missing-topic', {
        deadLetterPolicy: { deadLetterTopic: missingTopic, maxDeliveryAttempts: 5 },
      })
      .catch((error: unknown) => error);
    const tooFew = await topic
      .createSubscription('policy-too-few', {
        deadLetterPolicy: { deadLetterTopic: topic.name, maxDeliveryAttempts: 4 },
      })
      .catch((error: unknown) => error);

    expect(missing).toMatchObject({ code: 5 });
    expect(tooFew).toMatchObject({ code: 3 });
  });

  test('topic admin calls match the service', async () => {
    const { topicName, subscriptionName } = await createTopicAndSubscription();

    const duplicate = await pubsub.createTopic(topicName).catch((error: unknown) => error);
    const [topics] = await pubsub.getTopics();
    const [subscriptions] = await pubsub.topic(topicName).getSubscriptions();
    const [missing] = await pubsub.topic('never-created').exists();
    await pubsub.subscription(subscriptionName).delete();
    const [subscriptionExists] = await pubsub.subscription(subscriptionName).exists();

    expect(duplicate).toMatchObject({ code: 6 });
    expect(topics.map((topic) => topic.name)).toContain(topicName);
    expect(subscriptions.map((subscription) => subscription.name)).toEqual([subscriptionName]);
    expect(missing).toBe(false);
    expect(subscriptionExists).toBe(false);
  });
});

/**
 * Returns a time strictly after every publish so far. Publish times have millisecond
 * precision, so this spins until the clock moves on, at most about a millisecond.
 */
function nextMillisecond(): Date {
  const startMs = Date.now();
  while (Date.now() <= startMs) {
    // Spin: a timer would wait far longer than the one millisecond needed.
  }
  return new Date();
}

function toTimestamp(time: Date): { seconds: number; nanos: number } {
  const ms = time.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}
