import { emulatorClient } from './emulatorClient.js';
import { readMessageFile } from './readMessageFile.js';

const publishBatchSize = 1000;

export interface PublishFixtureFilesOptions {
  /** `HOST:PORT` of the emulator. */
  emulatorHost: string;
  projectId: string;
  /** Topic id, or the full `projects/P/topics/T` name. The topic must exist. */
  topic: string;
  files: string[];
}

/**
 * Publishes every message of the fixture files, in file order, with the real
 * @google-cloud/pubsub client. Returns how many messages were published. The emulator assigns
 * new message ids and publish times; ids and times in the files are not kept.
 */
export async function publishFixtureFiles(options: PublishFixtureFilesOptions): Promise<number> {
  const messagesPerFile = await Promise.all(options.files.map((file) => readMessageFile(file)));
  const messages = messagesPerFile.flat();
  if (messages.length === 0) return 0;

  const pubsub = emulatorClient(options.emulatorHost, options.projectId);
  try {
    const topic = pubsub.topic(options.topic, {
      batching: { maxMessages: publishBatchSize, maxMilliseconds: 10 },
    });

    // Batches go out one after another, so the topic receives the messages in file order.
    for (let start = 0; start < messages.length; start += publishBatchSize) {
      const batch = messages.slice(start, start + publishBatchSize);
      await Promise.all(
        batch.map((message) =>
          topic.publishMessage({ data: message.data, attributes: message.attributes }),
        ),
      );
    }
    return messages.length;
  } finally {
    await pubsub.close();
  }
}
