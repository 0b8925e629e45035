// Cursor pagination as Slack does it: opaque base64 cursors ("dXNlcjpVMDYxTkZUVDI=" is
// "user:U061NFTT2"), `limit` bounds, '' as next_cursor on the last page, invalid_cursor otherwise.

import { fail } from './errors.ts';
import { str } from './params.ts';
import type { Params } from './method-types.ts';
import { mergedPage } from './sorted-ids.ts';

export const MAX_LIMIT = 1000;
/** Above this many items, a list call without `limit` answers limit_required (docs: "for large teams"). */
export const LIMIT_REQUIRED_THRESHOLD = 1000;

export function encodeCursor(kind: string, lastKey: string): string {
  return Buffer.from(`${kind}:${lastKey}`).toString('base64');
}

function decodeCursor(kind: string, cursor: string): string {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(cursor)) fail('invalid_cursor');
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  const prefix = `${kind}:`;
  if (!decoded.startsWith(prefix) || decoded.length === prefix.length) fail('invalid_cursor');
  return decoded.slice(prefix.length);
}

/**
 * Reads `limit`: absent → `defaultLimit` (Infinity = everything), unless the collection is larger
 * than LIMIT_REQUIRED_THRESHOLD and `requiredIfLarge` → limit_required; non-numeric, < 1 or
 * > `max` → invalid_limit.
 */
export function readLimit(params: Params, opts: { total: number; defaultLimit: number; requiredIfLarge: boolean; max?: number }): number {
  const raw = str(params, 'limit');
  if (raw === undefined || raw === '' || raw === '0') {
    if (opts.requiredIfLarge && opts.total > LIMIT_REQUIRED_THRESHOLD) fail('limit_required');
    return Number.isFinite(opts.defaultLimit) ? opts.defaultLimit : Math.max(opts.total, 1);
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > (opts.max ?? MAX_LIMIT)) fail('invalid_limit');
  return n;
}

/**
 * One page over `items` (already sorted by `key`), resuming after the key in `cursor`. The page
 * is cut from the raw collection; callers filter afterwards, so a page may hold fewer items than
 * `limit` while next_cursor is still set — as Slack warns it may.
 */
export function pageOf<T>(items: T[], key: (t: T) => string, kind: string, params: Params, limit: number): { page: T[]; nextCursor: string } {
  const cursor = str(params, 'cursor');
  let start = 0;
  if (cursor) {
    const after = decodeCursor(kind, cursor);
    start = items.findIndex((t) => key(t) > after);
    if (start === -1) start = items.length;
  }
  const page = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return { page, nextCursor: more && page.length ? encodeCursor(kind, key(page[page.length - 1]!)) : '' };
}

/**
 * One page over ascending id lists (merged, as conversations.list merges its `types`), resuming
 * after the id in `cursor`: a binary search per list, not a scan, so a page of a 100,000-item
 * workspace costs the same as one of a small one. Same cursors and limits as pageOf.
 */
export function pageOfSortedIds(lists: readonly (readonly string[])[], kind: string, params: Params, limit: number): { ids: string[]; nextCursor: string } {
  const cursor = str(params, 'cursor');
  const after = cursor ? decodeCursor(kind, cursor) : undefined;
  const { ids, more } = mergedPage(lists, after, limit);
  return { ids, nextCursor: more && ids.length ? encodeCursor(kind, ids[ids.length - 1]!) : '' };
}
