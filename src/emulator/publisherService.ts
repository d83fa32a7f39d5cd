import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { paginate } from './paginate.js';
import type { ProtoPubsubMessage, ProtoTopic } from './protoTypes.js';
import type { PubSubBroker } from './PubSubBroker.js';
import { unaryHandler } from './unaryHandler.js';

interface PublishRequest {
  topic: string;
  messages: ProtoPubsubMessage[];
}

interface ListRequest {
  project: string;
  topic: string;
  pageSize: number;
  pageToken: string;
}

/** Handlers for google.pubsub.v1.Publisher; grpc-js returns UNIMPLEMENTED for methods not listed. */
export function publisherService(
  broker: PubSubBroker,
  logger: Logger,
): UntypedServiceImplementation {
  return {
    CreateTopic: unaryHandler('CreateTopic', logger, (topic: ProtoTopic) =>
      broker.createTopic(topic),
    ),

    GetTopic: unaryHandler('GetTopic', logger, (request: { topic: string }) =>
      broker.getTopic(request.topic),
    ),

    ListTopics: unaryHandler('ListTopics', logger, (request: ListRequest) => {
      const { page, nextPageToken } = paginate(
        broker.listTopics(request.project),
        request.pageSize,
        request.pageToken,
      );
      return { topics: page, nextPageToken };
    }),

    ListTopicSubscriptions: unaryHandler(
      'ListTopicSubscriptions',
      logger,
      (request: ListRequest) => {
        const names = broker.listTopicSubscriptions(request.topic);
        const { page, nextPageToken } = paginate(names, request.pageSize, request.pageToken);
        return { subscriptions: page, nextPageToken };
      },
    ),

    DeleteTopic: unaryHandler('DeleteTopic', logger, (request: { topic: string }) => {
      broker.deleteTopic(request.topic);
      return {};
    }),

    Publish: unaryHandler('Publish', logger, (request: PublishRequest) => ({
      messageIds: broker.publish(request.topic, request.messages),
    })),
  };
}
