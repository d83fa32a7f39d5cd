import { PubSub } from '@google-cloud/pubsub';
import type { Config } from '../config/config.js';
import { ConfigError, InvalidInputError } from '../errors.js';

/**
 * Seeks the configured subscription back to `isoTime`: every message published since then,
 * acked or not, is delivered again to the running worker, which skips those it has already
 * processed. Pub/Sub only has acked messages to redeliver when the subscription retains them
 * (`retainAckedMessages`), for up to its retention period.
 */
export async function seekSubscription(config: Readonly<Config>, isoTime: string): Promise<Date> {
  const time = new Date(isoTime);
  if (Number.isNaN(time.getTime())) {
    throw new InvalidInputError(
      `--seek ${isoTime}: invalid time; use ISO 8601, e.g. 2026-12-01T00:00:00Z`,
    );
  }
  const { projectId, subscription, emulatorHost } = config.pubsub;
  if (projectId === undefined || subscription === undefined) {
    throw new ConfigError(
      'PUBSUB_PROJECT_ID and PUBSUB_SUBSCRIPTION must be set to seek a subscription',
    );
  }
  if (emulatorHost !== undefined) process.env.METADATA_SERVER_DETECTION = 'none';

  const client = new PubSub({
    projectId,
    ...(emulatorHost === undefined ? {} : { apiEndpoint: emulatorHost, emulatorMode: true }),
  });
  try {
    await client.subscription(subscription).seek(time);
  } finally {
    await client.close();
  }
  return time;
}
