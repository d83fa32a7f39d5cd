export { startEmulator, type EmulatorOptions, type PubSubEmulator } from './startEmulator.js';
export type { SubscriptionStats } from './subscriptionStats.js';
export { emulatorClient } from './emulatorClient.js';
export {
  ensureTopicAndSubscription,
  type EnsureTopicAndSubscriptionOptions,
  type EnsuredResources,
} from './ensureTopicAndSubscription.js';
export { publishFixtureFiles, type PublishFixtureFilesOptions } from './publishFixtureFiles.js';
export { readMessageFile, type FixtureMessage } from './readMessageFile.js';
