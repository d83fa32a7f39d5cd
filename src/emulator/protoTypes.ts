/**
 * The subset of google.pubsub.v1 messages the emulator reads and writes, in the shape
 * @grpc/proto-loader produces with `longs: String, defaults: true, oneofs: true`:
 * camelCase fields, int64 as decimal strings, absent sub-messages as null.
 */

export interface ProtoTimestamp {
  seconds: string | number;
  nanos: number;
}

export interface ProtoDuration {
  seconds: string | number;
  nanos: number;
}

export interface ProtoPubsubMessage {
  data: Buffer;
  attributes: Record<string, string>;
  messageId: string;
  publishTime: ProtoTimestamp | null;
  orderingKey: string;
}

export interface ProtoTopic {
  name: string;
  labels: Record<string, string>;
  messageRetentionDuration: ProtoDuration | null;
  [field: string]: unknown;
}

export interface ProtoDeadLetterPolicy {
  deadLetterTopic: string;
  maxDeliveryAttempts: number;
}

export interface ProtoSubscription {
  name: string;
  topic: string;
  pushConfig: { pushEndpoint: string } | null;
  ackDeadlineSeconds: number;
  retainAckedMessages: boolean;
  messageRetentionDuration: ProtoDuration | null;
  labels: Record<string, string>;
  enableMessageOrdering: boolean;
  filter: string;
  deadLetterPolicy: ProtoDeadLetterPolicy | null;
  enableExactlyOnceDelivery: boolean;
  [field: string]: unknown;
}

export interface ProtoReceivedMessage {
  ackId: string;
  message: ProtoPubsubMessage;
  deliveryAttempt: number;
}

export interface ProtoStreamingPullRequest {
  subscription: string;
  ackIds: string[];
  modifyDeadlineSeconds: number[];
  modifyDeadlineAckIds: string[];
  streamAckDeadlineSeconds: number;
  clientId: string;
  maxOutstandingMessages: string | number;
  maxOutstandingBytes: string | number;
  protocolVersion: string | number;
}

export interface ProtoStreamingPullResponse {
  receivedMessages: ProtoReceivedMessage[];
  subscriptionProperties?: { exactlyOnceDeliveryEnabled: boolean; messageOrderingEnabled: boolean };
}
