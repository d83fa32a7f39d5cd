import { readMessageFile as readInboundMessages } from '../ingress/messageFiles.js';

/** A message read from a fixture file, ready to publish. */
export interface FixtureMessage {
  data: Buffer;
  attributes: Record<string, string>;
  /** Id from the file. Publishing assigns a new one, so this is informational only. */
  messageId?: string;
  /** Publish time from the file. Publishing assigns a new one, so this is informational only. */
  publishTime?: string;
}

/**
 * Reads the Pub/Sub messages in a fixture file with the same parser as `spar-bridge replay`:
 * NDJSON or JSON of `{"data": "<base64>", "attributes"?, "messageId"?, "publishTime"?}`, or
 * the array `gcloud pubsub subscriptions pull --format=json` prints. Throws
 * `InvalidInputError` naming the file and the line or item that is invalid.
 */
export async function readMessageFile(path: string): Promise<FixtureMessage[]> {
  const messages = await readInboundMessages(path);
  return messages.map((message) => {
    const fixture: FixtureMessage = { data: message.data, attributes: { ...message.attributes } };
    if (message.messageId !== null) fixture.messageId = message.messageId;
    if (message.publishTime !== null) fixture.publishTime = message.publishTime;
    return fixture;
  });
}
