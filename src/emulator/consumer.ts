import type { GrpcStatusError } from './grpcErrors.js';
import type { ProtoReceivedMessage } from './protoTypes.js';

/**
 * Something that takes delivered messages: an open StreamingPull stream or a waiting Pull call.
 * A subscription delivers only as much as `capacity()` allows.
 */
export interface Consumer {
  readonly id: string;

  /** Ack deadline given to each message delivered to this consumer. */
  ackDeadlineSeconds(): number;

  /** Messages and bytes this consumer accepts now; `Infinity` means no limit. */
  capacity(): { messages: number; bytes: number };

  deliver(messages: ProtoReceivedMessage[], sizeBytes: number[]): void;

  /** Called when a message delivered here is acked, nacked, expired or taken back. */
  leaseEnded(sizeBytes: number): void;

  /** Ends the consumer's call with `error`, when its subscription is deleted or the emulator closes. */
  abort(error: GrpcStatusError): void;
}
