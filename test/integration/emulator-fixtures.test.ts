import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { v1 } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  emulatorClient,
  ensureTopicAndSubscription,
  publishFixtureFiles,
  readMessageFile,
  startEmulator,
  type PubSubEmulator,
} from '../../src/emulator/index.js';
import { InvalidInputError } from '../../src/errors.js';

const fixturesDir = path.resolve(import.meta.dirname, '../../fixtures');
const messagesDir = path.join(fixturesDir, 'messages');
const gcloudPullFile = path.join(fixturesDir, 'examples', 'gcloud-pull.json');

let emulator: PubSubEmulator;
let tempDir: string;

beforeAll(async () => {
  emulator = await startEmulator();
  tempDir = await mkdtemp(path.join(tmpdir(), 'emulator-fixtures-'));
});

afterAll(async () => {
  await emulator.close();
  await rm(tempDir, { recursive: true, force: true });
});

async function writeTempFile(name: string, content: string): Promise<string> {
  const file = path.join(tempDir, name);
  await writeFile(file, content);
  return file;
}

async function bundledMessageFiles(): Promise<string[]> {
  const names = await readdir(messagesDir);
  return names
    .filter((name) => name.endsWith('.ndjson'))
    .map((name) => path.join(messagesDir, name));
}

describe('readMessageFile', () => {
  test('reads every bundled NDJSON fixture', async () => {
    for (const file of await bundledMessageFiles()) {
      const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line.trim() !== '');
      const messages = await readMessageFile(file);

      expect(messages.length, file).toBe(lines.length);
      for (const message of messages) expect(message.data.length, file).toBeGreaterThan(0);
    }
  });

  test('reads gcloud pull output', async () => {
    const raw = JSON.parse(await readFile(gcloudPullFile, 'utf8')) as {
      message: { data: string; attributes: Record<string, string>; messageId: string };
    }[];
    const messages = await readMessageFile(gcloudPullFile);

    expect(messages).toHaveLength(raw.length);
    expect(messages[0]?.attributes).toEqual(raw[0]?.message.attributes);
    expect(messages[0]?.messageId).toBe(raw[0]?.message.messageId);
    expect(messages[0]?.data.toString('base64')).toBe(raw[0]?.message.data);
  });

  test('reads a single JSON message', async () => {
    const file = await writeTempFile(
      'single.json',
      JSON.stringify({ data: Buffer.from('{}').toString('base64') }),
    );
    const messages = await readMessageFile(file);

    expect(messages).toEqual([{ data: Buffer.from('{}'), attributes: {} }]);
  });

  test('rejects invalid NDJSON line', async () => {
    const valid = JSON.stringify({ data: 'e30=' });
    const file = await writeTempFile('broken.ndjson', `${valid}\n{not json\n`);

    await expect(readMessageFile(file)).rejects.toThrow(InvalidInputError);
    await expect(readMessageFile(file)).rejects.toThrow(/broken\.ndjson line 2: invalid JSON/);
  });

  test('rejects message without data', async () => {
    const file = await writeTempFile('no-data.json', JSON.stringify([{ attributes: { a: 'b' } }]));

    await expect(readMessageFile(file)).rejects.toThrow(
      /item 1: expected a Pub\/Sub message with a base64 "data"/,
    );
  });

  test('rejects non-string attribute', async () => {
    const file = await writeTempFile(
      'bad-attribute.ndjson',
      JSON.stringify({ data: 'e30=', attributes: { n: 1 } }),
    );

    await expect(readMessageFile(file)).rejects.toThrow(/attribute n must be a string/);
  });

  test('rejects missing file', async () => {
    await expect(readMessageFile(path.join(tempDir, 'absent.ndjson'))).rejects.toThrow(
      /Cannot read message file/,
    );
  });
});

describe('publishFixtureFiles', () => {
  test('publishes files in order', async () => {
    const projectId = 'fixtures-test';
    const pubsub = emulatorClient(emulator.host, projectId);
    const names = await ensureTopicAndSubscription(pubsub, {
      topic: 'orders',
      subscription: 'orders-worker',
    });
    const files = await bundledMessageFiles();
    const expected = (await Promise.all(files.map((file) => readMessageFile(file)))).flat();

    const count = await publishFixtureFiles({
      emulatorHost: emulator.host,
      projectId,
      topic: 'orders',
      files,
    });
    const stats = emulator.stats(names.subscription);

    const client = new v1.SubscriberClient(
      (await pubsub.getClientConfig()) as ConstructorParameters<typeof v1.SubscriberClient>[0],
    );
    const [pulled] = await client.pull({ subscription: names.subscription, maxMessages: 1000 });
    await client.close();
    await pubsub.close();

    const received = (pulled.receivedMessages ?? []).map((entry) =>
      Buffer.from(entry.message?.data ?? ''),
    );
    expect(count).toBe(expected.length);
    expect(stats.unacked).toBe(expected.length);
    expect(received).toEqual(expected.map((message) => message.data));
  });

  test('publishes nothing for empty file', async () => {
    const file = await writeTempFile('empty.ndjson', '\n');
    const count = await publishFixtureFiles({
      emulatorHost: emulator.host,
      projectId: 'p',
      topic: 'none',
      files: [file],
    });

    expect(count).toBe(0);
  });
});
