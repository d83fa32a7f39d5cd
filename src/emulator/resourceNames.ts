import { invalidArgument } from './grpcErrors.js';

// Resource ids: 3-255 characters, start with a letter, then letters, digits and -_.~+%
const resourceId = '[A-Za-z][A-Za-z0-9\\-_.~+%]{2,254}';
const projectId = '[A-Za-z0-9\\-_.:]+';
const topicPattern = new RegExp(`^projects/${projectId}/topics/${resourceId}$`);
const subscriptionPattern = new RegExp(`^projects/${projectId}/subscriptions/${resourceId}$`);

/** Throws INVALID_ARGUMENT unless `name` is `projects/P/topics/T`. */
export function checkTopicName(name: string): void {
  if (!topicPattern.test(name))
    throw invalidArgument(`Invalid resource name given (name=${name}).`);
}

/** Throws INVALID_ARGUMENT unless `name` is `projects/P/subscriptions/S`. */
export function checkSubscriptionName(name: string): void {
  if (!subscriptionPattern.test(name))
    throw invalidArgument(`Invalid resource name given (name=${name}).`);
}

/** Returns the `projects/P` prefix of a full resource name. */
export function projectOf(name: string): string {
  return name.split('/').slice(0, 2).join('/');
}

/** Name a subscription reports once its topic was deleted, as the real service does. */
export const deletedTopicName = '_deleted-topic_';
