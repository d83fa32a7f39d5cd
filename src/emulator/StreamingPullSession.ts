import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Consumer } from './consumer.js';
import { GrpcStatusError, invalidArgument } from './grpcErrors.js';
import type {
  ProtoReceivedMessage,
  ProtoStreamingPullRequest,
  ProtoStreamingPullResponse,
} from './protoTypes.js';
import type { PubSubBroker } from './PubSubBroker.js';
import type { SubscriptionState } from './SubscriptionState.js';

type StreamingPullCall = ServerDuplexStream<ProtoStreamingPullRequest, ProtoStreamingPullResponse>;

let lastStreamId = 0;

/**
 * One StreamingPull call. The first request names the subscription, the stream ack deadline
 * and the client's flow control limits; later requests carry acks, deadline changes and
 * keepalives. When the call ends for any reason, every message still leased to it goes back
 * to the subscription's queue, so another stream receives it.
 */
export class StreamingPullSession implements Consumer {
  readonly id: string;
  private readonly call: StreamingPullCall;
  private readonly broker: PubSubBroker;
  private readonly logger: Logger;
  private subscription: SubscriptionState | undefined;
  private streamAckDeadlineSeconds = 10;
  private maxOutstandingMessages = Infinity;
  private maxOutstandingBytes = Infinity;
  private outstandingMessages = 0;
  private outstandingBytes = 0;
  /** False while grpc-js buffers more than its high-water mark; delivery waits for 'drain'. */
  private writable = true;
  private ended = false;
  private sentProperties = false;

  constructor(call: StreamingPullCall, broker: PubSubBroker, logger: Logger) {
    lastStreamId += 1;
    this.id = `stream-${lastStreamId}`;
    this.call = call;
    this.broker = broker;
    this.logger = logger.child({ stream: this.id });
  }

  /** Wires the call's events; the session lives until the call ends. */
  start(): void {
    this.call.on('data', (request: ProtoStreamingPullRequest) => {
      this.handleRequest(request);
    });
    this.call.on('end', () => {
      this.finish('client closed the stream');
      this.call.end();
    });
    this.call.on('cancelled', () => {
      this.finish('call cancelled');
    });
    this.call.on('error', () => {
      this.finish('call failed');
    });
    this.call.on('drain', () => {
      this.writable = true;
      this.subscription?.dispatch(Date.now());
    });
  }

  ackDeadlineSeconds(): number {
    return this.streamAckDeadlineSeconds;
  }

  capacity(): { messages: number; bytes: number } {
    const full =
      !this.writable ||
      this.ended ||
      this.outstandingMessages >= this.maxOutstandingMessages ||
      this.outstandingBytes >= this.maxOutstandingBytes;
    if (full) return { messages: 0, bytes: 0 };

    return {
      messages: this.maxOutstandingMessages - this.outstandingMessages,
      bytes: this.maxOutstandingBytes - this.outstandingBytes,
    };
  }

  deliver(messages: ProtoReceivedMessage[], sizeBytes: number[]): void {
    this.outstandingMessages += messages.length;
    for (const size of sizeBytes) this.outstandingBytes += size;

    this.writable = this.write({ receivedMessages: messages });
    this.logger.debug({ count: messages.length }, 'messages delivered');
  }

  leaseEnded(sizeBytes: number): void {
    this.outstandingMessages -= 1;
    this.outstandingBytes -= sizeBytes;
  }

  abort(error: GrpcStatusError): void {
    if (this.ended) return;
    this.finish(error.details);
    this.call.emit('error', error);
  }

  private handleRequest(request: ProtoStreamingPullRequest): void {
    try {
      if (this.subscription === undefined) {
        this.open(request);
      } else {
        this.applyRequest(this.subscription, request);
      }
    } catch (error) {
      if (error instanceof GrpcStatusError) {
        this.abort(error);
        return;
      }
      // Any other error is an emulator bug. It ends this stream and leaves the server running.
      this.logger.error({ err: error }, 'streaming pull request failed');
      this.abort(new GrpcStatusError(status.INTERNAL, 'Emulator error in StreamingPull'));
    }
  }

  private open(request: ProtoStreamingPullRequest): void {
    if (request.subscription === '') {
      throw invalidArgument('The first StreamingPull request must name a subscription.');
    }
    const subscription = this.broker.getSubscription(request.subscription);
    checkStreamAckDeadline(request.streamAckDeadlineSeconds);

    this.streamAckDeadlineSeconds = request.streamAckDeadlineSeconds;
    this.maxOutstandingMessages = Number(request.maxOutstandingMessages) || Infinity;
    this.maxOutstandingBytes = Number(request.maxOutstandingBytes) || Infinity;
    this.subscription = subscription;

    this.logger.debug(
      {
        subscription: subscription.name,
        streamAckDeadlineSeconds: this.streamAckDeadlineSeconds,
        maxOutstandingMessages: this.maxOutstandingMessages,
        maxOutstandingBytes: this.maxOutstandingBytes,
      },
      'stream opened',
    );

    // Acks may ride on the first request too.
    this.applyRequest(subscription, { ...request, streamAckDeadlineSeconds: 0 });
    subscription.attach(this);
  }

  private applyRequest(subscription: SubscriptionState, request: ProtoStreamingPullRequest): void {
    if (request.modifyDeadlineAckIds.length !== request.modifyDeadlineSeconds.length) {
      throw invalidArgument(
        'modify_deadline_ack_ids and modify_deadline_seconds must have the same length.',
      );
    }

    if (request.streamAckDeadlineSeconds !== 0) {
      checkStreamAckDeadline(request.streamAckDeadlineSeconds);
      this.streamAckDeadlineSeconds = request.streamAckDeadlineSeconds;
    }

    if (request.ackIds.length > 0) subscription.acknowledge(request.ackIds);

    const nowMs = Date.now();
    request.modifyDeadlineAckIds.forEach((ackId, index) => {
      subscription.modifyAckDeadline([ackId], request.modifyDeadlineSeconds[index] ?? 0, nowMs);
    });

    const isKeepalive =
      request.subscription === '' &&
      request.ackIds.length === 0 &&
      request.modifyDeadlineAckIds.length === 0 &&
      request.streamAckDeadlineSeconds === 0;
    // Clients that set protocol_version 1 drop a stream that sends nothing for 15 seconds
    // after their keepalive, so every keepalive gets an empty response.
    if (isKeepalive && this.writable) this.write({ receivedMessages: [] });
  }

  private write(response: ProtoStreamingPullResponse): boolean {
    if (!this.sentProperties && this.subscription !== undefined) {
      this.sentProperties = true;
      response.subscriptionProperties = {
        exactlyOnceDeliveryEnabled: false,
        messageOrderingEnabled: this.subscription.config.enableMessageOrdering,
      };
    }
    return this.call.write(response);
  }

  /** Returns this stream's leased messages to the queue; runs once per call. */
  private finish(reason: string): void {
    if (this.ended) return;
    this.ended = true;

    if (this.subscription !== undefined) {
      this.logger.debug(
        { subscription: this.subscription.name, reason, redelivered: this.outstandingMessages },
        'stream closed',
      );
      this.subscription.release(this);
    }
  }
}

function checkStreamAckDeadline(seconds: number): void {
  if (seconds < 10 || seconds > 600) {
    throw invalidArgument(`Invalid stream_ack_deadline_seconds ${seconds}: expected 10 to 600.`);
  }
}
