import type { ProtoDuration, ProtoTimestamp } from './protoTypes.js';

/** A point in time with the nanosecond precision Pub/Sub timestamps carry. */
export interface PreciseTime {
  ms: number;
  nanos: number;
}

export function toProtoTimestamp(time: PreciseTime): ProtoTimestamp {
  return { seconds: String(Math.floor(time.ms / 1000)), nanos: time.nanos };
}

export function fromProtoTimestamp(timestamp: ProtoTimestamp): PreciseTime {
  const seconds = Number(timestamp.seconds);
  return { ms: seconds * 1000 + Math.floor(timestamp.nanos / 1e6), nanos: timestamp.nanos };
}

/** Orders two times; negative when `a` is earlier. */
export function compareTimes(a: PreciseTime, b: PreciseTime): number {
  const secondsA = Math.floor(a.ms / 1000);
  const secondsB = Math.floor(b.ms / 1000);
  return secondsA === secondsB ? a.nanos - b.nanos : secondsA - secondsB;
}

export function durationToMs(duration: ProtoDuration): number {
  return Number(duration.seconds) * 1000 + Math.floor(duration.nanos / 1e6);
}

export function msToDuration(ms: number): ProtoDuration {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}
