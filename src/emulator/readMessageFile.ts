import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../errors.js';

/** A message read from a fixture file, ready to publish. */
export interface FixtureMessage {
  data: Buffer;
  attributes: Record<string, string>;
  /** Id from the file. Publishing assigns a new one, so this is informational only. */
  messageId?: string;
  /** Publish time from the file. Publishing assigns a new one, so this is informational only. */
  publishTime?: string;
}

const base64Pattern = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Reads the Pub/Sub messages in a fixture file: NDJSON or JSON (an array or one object) of
 * `{"data": "<base64>", "attributes"?, "messageId"?, "publishTime"?}`, or the
 * `[{"ackId", "message": {...}}]` array `gcloud pubsub subscriptions pull --format=json` prints.
 * Throws `InvalidInputError` naming the file and the line or item that is invalid.
 */
export async function readMessageFile(path: string): Promise<FixtureMessage[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`Cannot read message file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }

  const trimmed = text.trim();
  if (trimmed === '') return [];

  const whole = parseJson(trimmed);
  if (whole.ok) {
    const items = Array.isArray(whole.value) ? whole.value : [whole.value];
    return items.map((item, index) => toFixtureMessage(item, `${path} item ${index + 1}`));
  }

  // Not one JSON document, so each non-empty line must be one.
  return trimmed.split('\n').flatMap((line, index) => {
    if (line.trim() === '') return [];
    const where = `${path} line ${index + 1}`;
    const parsed = parseJson(line);
    if (!parsed.ok) throw new InvalidInputError(`${where}: invalid JSON (${parsed.error})`);
    return [toFixtureMessage(parsed.value, where)];
  });
}

function toFixtureMessage(item: unknown, where: string): FixtureMessage {
  const message = isRecord(item) && isRecord(item.message) ? item.message : item;
  if (!isRecord(message) || typeof message.data !== 'string' || !base64Pattern.test(message.data)) {
    throw new InvalidInputError(`${where}: expected a Pub/Sub message with a base64 "data" field`);
  }

  const attributes: Record<string, string> = {};
  if (message.attributes !== undefined && !isRecord(message.attributes)) {
    throw new InvalidInputError(`${where}: "attributes" must be an object of strings`);
  }
  for (const [key, value] of Object.entries(message.attributes ?? {})) {
    if (typeof value !== 'string')
      throw new InvalidInputError(`${where}: attribute ${key} must be a string`);
    attributes[key] = value;
  }

  const fixture: FixtureMessage = { data: Buffer.from(message.data, 'base64'), attributes };
  if (typeof message.messageId === 'string') fixture.messageId = message.messageId;
  if (typeof message.publishTime === 'string') fixture.publishTime = message.publishTime;
  return fixture;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
