import type { Consumer } from './consumer.js';
import { compareTimes, durationToMs, toProtoTimestamp, type PreciseTime } from './protoTime.js';
import type { ProtoReceivedMessage, ProtoSubscription } from './protoTypes.js';
import { messageSizeBytes, type StoredMessage } from './storedMessage.js';
import type { SubscriptionStats } from './subscriptionStats.js';

/** Maximum messages in one StreamingPull response, so a large backlog goes out in several responses. */
const maxMessagesPerResponse = 1000;

interface Lease {
  ackId: string;
  deadlineMs: number;
  consumer: Consumer;
  sizeBytes: number;
}

interface Entry {
  message: StoredMessage;
  acked: boolean;
  lease: Lease | undefined;
  /** Deliveries so far. The next delivery reports this count plus one. */
  deliveryAttempt: number;
  /** Ack id of the latest delivery. Acks that carry an older one are ignored. */
  ackId: string | undefined;
}

export interface SubscriptionHooks {
  /**
   * Publishes a message to the dead-letter topic. Returns false when that topic does not
   * exist, so the message stays on this subscription.
   */
  deadLetter(
    message: StoredMessage,
    subscription: ProtoSubscription,
    deliveryAttempt: number,
  ): boolean;
  /** Called after any change that can alter `stats()` or the delivery state. */
  changed(): void;
}

/**
 * Delivery state of one subscription: every retained message with its ack state and lease,
 * the queue of messages waiting for delivery, and the consumers attached to it.
 *
 * Delivery is at-least-once. A message leaves the queue when it is leased to a consumer, and
 * returns to it when the lease ends without an ack: nack (deadline 0), deadline expiry, or the
 * StreamingPull stream that held it closing.
 */
export class SubscriptionState {
  readonly config: ProtoSubscription;
  private readonly hooks: SubscriptionHooks;
  private readonly entries = new Map<string, Entry>();
  /** Message ids waiting for delivery, oldest first. */
  private ready = new Set<string>();
  private readonly leases = new Map<string, Entry>();
  private readonly consumers: Consumer[] = [];
  private nextConsumer = 0;
  private deliverySequence = 0;
  private counters = { ackCount: 0, deadLettered: 0, deliveries: 0 };
  /** Acked entries still in `entries`, so `stats()` needs no scan. */
  private retainedAckedCount = 0;
  private dispatchScheduled = false;
  private deleted = false;

  constructor(config: ProtoSubscription, hooks: SubscriptionHooks) {
    this.config = config;
    this.hooks = hooks;
  }

  get name(): string {
    return this.config.name;
  }

  enqueue(message: StoredMessage): void {
    this.entries.set(message.messageId, {
      message,
      acked: false,
      lease: undefined,
      deliveryAttempt: 0,
      ackId: undefined,
    });
    this.ready.add(message.messageId);
    this.scheduleDispatch();
  }

  attach(consumer: Consumer): void {
    this.consumers.push(consumer);
    this.hooks.changed();
    this.scheduleDispatch();
  }

  /** Removes a consumer but keeps its leases, because Pull leases run until their deadline. */
  detach(consumer: Consumer): void {
    const index = this.consumers.indexOf(consumer);
    if (index >= 0) this.consumers.splice(index, 1);
  }

  /** Removes a consumer and returns every message still leased to it to the queue. */
  release(consumer: Consumer): void {
    this.detach(consumer);

    for (const entry of [...this.leases.values()]) {
      if (entry.lease?.consumer === consumer) this.returnToQueue(entry);
    }

    this.hooks.changed();
    this.scheduleDispatch();
  }

  attachedConsumers(): Consumer[] {
    return [...this.consumers];
  }

  openStreamCount(): number {
    return this.consumers.filter((consumer) => consumer.id.startsWith('stream-')).length;
  }

  acknowledge(ackIds: readonly string[]): void {
    for (const ackId of ackIds) {
      const entry = this.entryForAckId(ackId);
      if (entry === undefined || entry.acked) continue;

      this.endLease(entry);
      this.ready.delete(entry.message.messageId);
      this.markAcked(entry);
      this.counters.ackCount += 1;
    }

    this.hooks.changed();
    this.scheduleDispatch();
  }

  /** Sets a new deadline for leased messages. A deadline of 0 seconds is a nack and redelivers at once. */
  modifyAckDeadline(ackIds: readonly string[], seconds: number, nowMs: number): void {
    for (const ackId of ackIds) {
      const entry = this.entryForAckId(ackId);
      if (entry?.lease?.ackId !== ackId) continue;

      if (seconds === 0) {
        this.returnToQueue(entry);
      } else {
        entry.lease.deadlineMs = nowMs + seconds * 1000;
      }
    }

    this.hooks.changed();
    this.scheduleDispatch();
  }

  /** Returns messages whose ack deadline has passed to the queue. */
  expireLeases(nowMs: number): void {
    let expired = 0;
    for (const entry of [...this.leases.values()]) {
      if (entry.lease !== undefined && entry.lease.deadlineMs <= nowMs) {
        this.returnToQueue(entry);
        expired += 1;
      }
    }
    if (expired === 0) return;

    this.hooks.changed();
    this.scheduleDispatch();
  }

  /** Drops messages published longer ago than the subscription's retention duration. */
  pruneExpired(nowMs: number): void {
    const retentionMs = this.config.messageRetentionDuration
      ? durationToMs(this.config.messageRetentionDuration)
      : 7 * 24 * 3600 * 1000;
    const cutoffMs = nowMs - retentionMs;

    // Entries are kept in publish order, so the first one inside retention ends the scan.
    for (const entry of this.entries.values()) {
      if (entry.message.publishTime.ms >= cutoffMs) break;
      this.endLease(entry);
      this.ready.delete(entry.message.messageId);
      this.entries.delete(entry.message.messageId);
      if (entry.acked) this.retainedAckedCount -= 1;
    }
  }

  /**
   * Marks messages published at or after `time` unacked and every earlier one acked. Acked
   * messages come back only if they were retained. Open leases are cancelled, so affected
   * messages are delivered again with fresh ack ids and a delivery attempt count of zero.
   */
  seek(time: PreciseTime): void {
    for (const entry of [...this.entries.values()]) {
      this.endLease(entry);
      const publishedBefore = compareTimes(entry.message.publishTime, time) < 0;

      if (publishedBefore) {
        if (!entry.acked) this.markAcked(entry);
      } else {
        if (entry.acked) this.retainedAckedCount -= 1;
        entry.acked = false;
        entry.deliveryAttempt = 0;
      }
    }

    this.ready = new Set(
      [...this.entries.values()]
        .filter((entry) => !entry.acked)
        .map((entry) => entry.message.messageId),
    );
    this.hooks.changed();
    this.scheduleDispatch();
  }

  /** Marks the subscription deleted, which stops delivery. Callers end its consumers. */
  markDeleted(): void {
    this.deleted = true;
  }

  stats(): SubscriptionStats {
    return {
      unacked: this.entries.size - this.retainedAckedCount,
      outstanding: this.leases.size,
      acked: this.retainedAckedCount,
      ackCount: this.counters.ackCount,
      deadLettered: this.counters.deadLettered,
      deliveries: this.counters.deliveries,
      openStreams: this.openStreamCount(),
    };
  }

  /** Delivers waiting messages to consumers with capacity, taking turns between them. */
  dispatch(nowMs: number): void {
    this.dispatchScheduled = false;
    if (this.deleted) return;

    let delivered = false;
    let idleTurns = 0;
    while (this.ready.size > 0 && this.consumers.length > 0 && idleTurns < this.consumers.length) {
      this.nextConsumer %= this.consumers.length;
      const consumer = this.consumers[this.nextConsumer];
      this.nextConsumer += 1;
      if (consumer === undefined) break;

      const count = this.deliverBatch(consumer, nowMs);
      idleTurns = count === 0 ? idleTurns + 1 : 0;
      if (count > 0) delivered = true;
    }

    if (delivered) this.hooks.changed();
  }

  private deliverBatch(consumer: Consumer, nowMs: number): number {
    const capacity = consumer.capacity();
    const maxMessages = Math.min(capacity.messages, maxMessagesPerResponse);
    let remainingBytes = capacity.bytes;
    const batch: ProtoReceivedMessage[] = [];
    const sizes: number[] = [];

    for (const messageId of this.ready) {
      if (batch.length >= maxMessages) break;
      const entry = this.entries.get(messageId);
      if (entry === undefined) {
        this.ready.delete(messageId);
        continue;
      }

      // A message larger than the remaining byte allowance still goes out as the first of a batch,
      // so one large message cannot stall the stream.
      const sizeBytes = messageSizeBytes(entry.message);
      if (sizeBytes > remainingBytes && batch.length > 0) break;
      remainingBytes -= sizeBytes;

      this.ready.delete(messageId);
      batch.push(this.lease(entry, consumer, sizeBytes, nowMs));
      sizes.push(sizeBytes);
    }

    if (batch.length > 0) consumer.deliver(batch, sizes);
    return batch.length;
  }

  private lease(
    entry: Entry,
    consumer: Consumer,
    sizeBytes: number,
    nowMs: number,
  ): ProtoReceivedMessage {
    this.deliverySequence += 1;
    const ackId = `${entry.message.messageId}-${this.deliverySequence}`;
    entry.deliveryAttempt += 1;
    entry.ackId = ackId;
    entry.lease = {
      ackId,
      deadlineMs: nowMs + consumer.ackDeadlineSeconds() * 1000,
      consumer,
      sizeBytes,
    };
    this.leases.set(ackId, entry);
    this.counters.deliveries += 1;

    const { message } = entry;
    return {
      ackId,
      message: {
        data: message.data,
        attributes: message.attributes,
        messageId: message.messageId,
        publishTime: toProtoTimestamp(message.publishTime),
        orderingKey: message.orderingKey,
      },
      // The API sets delivery_attempt only on subscriptions with a dead-letter policy.
      deliveryAttempt: this.config.deadLetterPolicy ? entry.deliveryAttempt : 0,
    };
  }

  /** Ends a lease without an ack, then dead-letters the message or queues it again. */
  private returnToQueue(entry: Entry): void {
    this.endLease(entry);

    const policy = this.config.deadLetterPolicy;
    if (policy && entry.deliveryAttempt >= policy.maxDeliveryAttempts) {
      if (this.hooks.deadLetter(entry.message, this.config, entry.deliveryAttempt)) {
        // A forwarded message counts as acked on the source subscription.
        this.markAcked(entry);
        this.counters.deadLettered += 1;
        return;
      }
    }

    this.ready.add(entry.message.messageId);
  }

  /** Keeps an acked message for seek when the subscription retains acked messages, else drops it. */
  private markAcked(entry: Entry): void {
    entry.acked = true;
    if (this.config.retainAckedMessages) {
      this.retainedAckedCount += 1;
    } else {
      this.entries.delete(entry.message.messageId);
    }
  }

  private endLease(entry: Entry): void {
    const lease = entry.lease;
    if (lease === undefined) return;

    entry.lease = undefined;
    this.leases.delete(lease.ackId);
    lease.consumer.leaseEnded(lease.sizeBytes);
  }

  private entryForAckId(ackId: string): Entry | undefined {
    const separator = ackId.lastIndexOf('-');
    if (separator <= 0) return undefined;

    const entry = this.entries.get(ackId.slice(0, separator));
    return entry?.ackId === ackId ? entry : undefined;
  }

  private scheduleDispatch(): void {
    if (this.dispatchScheduled || this.deleted) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatch(Date.now());
    });
  }
}
