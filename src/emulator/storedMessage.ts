import type { PreciseTime } from './protoTime.js';

/** A message as the emulator stores it once per topic publish, shared by every subscription. */
export interface StoredMessage {
  messageId: string;
  data: Buffer;
  attributes: Record<string, string>;
  orderingKey: string;
  publishTime: PreciseTime;
}

/** Size used for byte-based flow control: the payload plus attribute keys and values. */
export function messageSizeBytes(message: StoredMessage): number {
  let size = message.data.length;
  for (const [key, value] of Object.entries(message.attributes)) size += key.length + value.length;
  return size;
}
