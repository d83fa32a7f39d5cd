const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;

/** Formats a duration for people, rounded down to its largest unit: `45 seconds`, `3 hours`, `2 days`. */
export function formatAge(ms: number): string {
  const safeMs = Math.max(0, ms);
  if (safeMs < minuteMs) return plural(Math.floor(safeMs / 1_000), 'second');
  if (safeMs < hourMs) return plural(Math.floor(safeMs / minuteMs), 'minute');
  if (safeMs < dayMs) return plural(Math.floor(safeMs / hourMs), 'hour');
  return plural(Math.floor(safeMs / dayMs), 'day');
}

/** Returns `1 action`, `2 actions`: the count with the noun in singular or plural. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
