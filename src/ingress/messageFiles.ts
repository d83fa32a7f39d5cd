import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../errors.js';
import type { InboundMessage } from './inboundMessage.js';

/**
 * Reads the messages of one replay file. A file is one of:
 * - the JSON array `gcloud pubsub subscriptions pull --format=json` prints (`[{ackId, message}]`);
 * - JSON (one message or an array) or NDJSON of Pub/Sub messages `{data, attributes, messageId?, publishTime?}`;
 * - a bare Shopify webhook body, when `topic` is given.
 * Throws `InvalidInputError` naming the file, and the line for NDJSON, when it is none of these.
 */
export async function readMessageFile(
  file: string,
  options: { topic?: string } = {},
): Promise<InboundMessage[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`Cannot read message file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseMessageText(text, { ...options, source: file });
}

export function parseMessageText(
  text: string,
  options: { topic?: string; source?: string } = {},
): InboundMessage[] {
  const source = options.source ?? 'input';
  if (options.topic !== undefined) return [bareBodyMessage(text, options.topic, source)];

  const trimmed = text.trim();
  if (trimmed === '') return [];

  const whole = tryParseJson(trimmed);
  if (whole.ok) {
    const items = Array.isArray(whole.value) ? whole.value : [whole.value];
    return items.map((item, index) => toMessage(item, `${source} item ${index + 1}`));
  }

  return trimmed
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, number }) => {
      const parsed = tryParseJson(line);
      if (!parsed.ok) {
        throw new InvalidInputError(`${source} line ${number}: invalid JSON (${parsed.error})`);
      }
      return toMessage(parsed.value, `${source} line ${number}`);
    });
}

function bareBodyMessage(text: string, topic: string, source: string): InboundMessage {
  const parsed = tryParseJson(text.trim());
  if (!parsed.ok)
    throw new InvalidInputError(`${source}: invalid JSON webhook body (${parsed.error})`);
  if (isRecord(parsed.value) && ('data' in parsed.value || 'message' in parsed.value)) {
    throw new InvalidInputError(
      `${source}: looks like a Pub/Sub message, not a webhook body; replay it without --topic`,
    );
  }
  return {
    messageId: null,
    data: Buffer.from(text.trim(), 'utf8'),
    attributes: { 'X-Shopify-Topic': topic },
    publishTime: null,
    deliveryAttempt: null,
  };
}

/** Standard or URL-safe base64, as `gcloud` and Pub/Sub clients write message data. */
const base64Pattern = /^[A-Za-z0-9+/_-]*={0,2}$/;

function toMessage(item: unknown, where: string): InboundMessage {
  const message = isRecord(item) && isRecord(item.message) ? item.message : item;
  if (!isRecord(message) || typeof message.data !== 'string' || !base64Pattern.test(message.data)) {
    throw new InvalidInputError(
      `${where}: expected a Pub/Sub message with a base64 "data" field; for a bare webhook body pass --topic`,
    );
  }

  if (message.attributes !== undefined && !isRecord(message.attributes)) {
    throw new InvalidInputError(`${where}: "attributes" must be an object of strings`);
  }
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(message.attributes ?? {})) {
    if (typeof value !== 'string') {
      throw new InvalidInputError(`${where}: attribute ${key} must be a string`);
    }
    attributes[key] = value;
  }

  return {
    messageId: stringOrNull(message.messageId ?? message.message_id),
    data: Buffer.from(message.data, 'base64'),
    attributes,
    publishTime: stringOrNull(message.publishTime ?? message.publish_time),
    deliveryAttempt: typeof message.deliveryAttempt === 'number' ? message.deliveryAttempt : null,
  };
}

function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
