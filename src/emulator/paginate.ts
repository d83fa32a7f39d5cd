import { invalidArgument } from './grpcErrors.js';

/** Cuts a list into pages; the page token is the offset of the next page, empty after the last. */
export function paginate<T>(
  items: readonly T[],
  pageSize: number,
  pageToken: string,
): { page: T[]; nextPageToken: string } {
  const start = pageToken === '' ? 0 : Number(pageToken);
  if (!Number.isInteger(start) || start < 0)
    throw invalidArgument(`Invalid page token ${pageToken}.`);

  const size = pageSize > 0 ? pageSize : 100;
  const end = start + size;
  return { page: items.slice(start, end), nextPageToken: end < items.length ? String(end) : '' };
}
