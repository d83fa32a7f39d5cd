import type { Consumer } from './consumer.js';
import type { GrpcStatusError } from './grpcErrors.js';
import type { ProtoReceivedMessage } from './protoTypes.js';
import type { SubscriptionState } from './SubscriptionState.js';

let lastPullId = 0;

/**
 * One unary Pull call waiting for messages. It takes a single batch and then detaches; its
 * leases stay with the subscription until acked, nacked or expired.
 */
export class PullWaiter implements Consumer {
  readonly id: string;
  readonly received: Promise<ProtoReceivedMessage[]>;
  private readonly subscription: SubscriptionState;
  private readonly maxMessages: number;
  private done = false;
  private resolve: (messages: ProtoReceivedMessage[]) => void = () => undefined;
  private reject: (error: GrpcStatusError) => void = () => undefined;

  constructor(subscription: SubscriptionState, maxMessages: number) {
    lastPullId += 1;
    this.id = `pull-${lastPullId}`;
    this.subscription = subscription;
    this.maxMessages = maxMessages;
    this.received = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  ackDeadlineSeconds(): number {
    return this.subscription.config.ackDeadlineSeconds;
  }

  capacity(): { messages: number; bytes: number } {
    return { messages: this.done ? 0 : this.maxMessages, bytes: Infinity };
  }

  deliver(messages: ProtoReceivedMessage[]): void {
    this.finish();
    this.resolve(messages);
  }

  leaseEnded(): void {
    // Pull leases are not counted against anything once the call has returned.
  }

  abort(error: GrpcStatusError): void {
    this.finish();
    this.reject(error);
  }

  /** Ends the wait with no messages: the long-poll timer fired or the caller went away. */
  giveUp(): void {
    if (this.done) return;
    this.finish();
    this.resolve([]);
  }

  private finish(): void {
    this.done = true;
    this.subscription.detach(this);
  }
}
