import type { ServerDuplexStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { invalidArgument, notFound, unimplemented } from './grpcErrors.js';
import { paginate } from './paginate.js';
import { fromProtoTimestamp } from './protoTime.js';
import type {
  ProtoStreamingPullRequest,
  ProtoStreamingPullResponse,
  ProtoSubscription,
  ProtoTimestamp,
} from './protoTypes.js';
import type { PubSubBroker } from './PubSubBroker.js';
import { PullWaiter } from './PullWaiter.js';
import { StreamingPullSession } from './StreamingPullSession.js';
import { unaryHandler } from './unaryHandler.js';

/** How long a Pull without return_immediately waits for a message before it returns none. */
const pullLongPollMs = 10_000;

interface AckRequest {
  subscription: string;
  ackIds: string[];
}

interface ModifyAckDeadlineRequest extends AckRequest {
  ackDeadlineSeconds: number;
}

interface PullRequest {
  subscription: string;
  returnImmediately: boolean;
  maxMessages: number;
}

interface SeekRequest {
  subscription: string;
  time: ProtoTimestamp | null;
  snapshot: string;
  target: 'time' | 'snapshot' | undefined;
}

interface ListRequest {
  project: string;
  pageSize: number;
  pageToken: string;
}

/** Handlers for google.pubsub.v1.Subscriber; grpc-js returns UNIMPLEMENTED for methods not listed. */
export function subscriberService(
  broker: PubSubBroker,
  logger: Logger,
): UntypedServiceImplementation {
  const unary = unaryHandler;
  return {
    CreateSubscription: unary('CreateSubscription', logger, (request: ProtoSubscription) =>
      broker.createSubscription(request),
    ),

    GetSubscription: unary(
      'GetSubscription',
      logger,
      (request: { subscription: string }) => broker.getSubscription(request.subscription).config,
    ),

    ListSubscriptions: unary('ListSubscriptions', logger, (request: ListRequest) => {
      const all = broker.listSubscriptions(request.project);
      const { page, nextPageToken } = paginate(all, request.pageSize, request.pageToken);
      return { subscriptions: page, nextPageToken };
    }),

    DeleteSubscription: unary('DeleteSubscription', logger, (request: { subscription: string }) => {
      const subscription = broker.deleteSubscription(request.subscription);
      for (const consumer of subscription.attachedConsumers())
        consumer.abort(notFound(request.subscription));
      return {};
    }),

    Acknowledge: unary('Acknowledge', logger, (request: AckRequest) => {
      broker.getSubscription(request.subscription).acknowledge(request.ackIds);
      return {};
    }),

    ModifyAckDeadline: unary('ModifyAckDeadline', logger, (request: ModifyAckDeadlineRequest) => {
      const seconds = request.ackDeadlineSeconds;
      if (seconds < 0 || seconds > 600) {
        throw invalidArgument(`Invalid ack_deadline_seconds ${seconds}: expected 0 to 600.`);
      }
      broker
        .getSubscription(request.subscription)
        .modifyAckDeadline(request.ackIds, seconds, Date.now());
      return {};
    }),

    Pull: unary('Pull', logger, async (request: PullRequest, call) => {
      if (request.maxMessages <= 0) throw invalidArgument('max_messages must be greater than 0.');
      const subscription = broker.getSubscription(request.subscription);

      const waiter = new PullWaiter(subscription, request.maxMessages);
      subscription.attach(waiter);
      subscription.dispatch(Date.now());

      if (request.returnImmediately) {
        waiter.giveUp();
      } else {
        const timer = setTimeout(() => {
          waiter.giveUp();
        }, pullLongPollMs);
        call.on('cancelled', () => {
          waiter.giveUp();
        });
        void waiter.received.finally(() => {
          clearTimeout(timer);
        });
      }

      return { receivedMessages: await waiter.received };
    }),

    StreamingPull: (
      call: ServerDuplexStream<ProtoStreamingPullRequest, ProtoStreamingPullResponse>,
    ) => {
      new StreamingPullSession(call, broker, logger).start();
    },

    Seek: unary('Seek', logger, (request: SeekRequest) => {
      const subscription = broker.getSubscription(request.subscription);
      if (request.target === 'snapshot')
        throw unimplemented('Seek to a snapshot is not supported by the emulator.');
      if (request.time === null) throw invalidArgument('Seek needs a time or a snapshot.');

      subscription.seek(fromProtoTimestamp(request.time));
      logger.debug({ subscription: request.subscription }, 'subscription seeked');
      return {};
    }),
  };
}
