// Ids kept in ascending order for the cursor-paginated list methods (conversations.list,
// users.list), so a page is a binary search and a slice instead of a sort of the whole workspace.
// Order is lazy: a burst of inserts (seeding 100,000 channels) appends and sorts once on the next
// read; a lone insert into a sorted list is a binary-search splice.

/** Inserts into a sorted list between two reads before switching to append-and-sort-later. */
const SPLICES_BEFORE_LAZY = 64;

export class SortedIds {
  private ids: string[] = [];
  private sorted = true;
  private splicesSinceRead = 0;

  get size(): number {
    return this.ids.length;
  }

  add(id: string): void {
    const n = this.ids.length;
    if (this.sorted && (n === 0 || id > this.ids[n - 1]!)) {
      this.ids.push(id);
    } else if (this.sorted && this.splicesSinceRead < SPLICES_BEFORE_LAZY) {
      this.ids.splice(firstAfter(this.ids, id), 0, id);
      this.splicesSinceRead++;
    } else {
      this.ids.push(id);
      this.sorted = false;
    }
  }

  /** Appends many ids at once; they are sorted on the next read. */
  addMany(ids: readonly string[]): void {
    if (ids.length === 0) return;
    for (const id of ids) this.ids.push(id);
    this.sorted = false;
  }

  remove(id: string): void {
    const ids = this.view();
    const i = firstAfter(ids, id) - 1;
    if (i >= 0 && ids[i] === id) this.ids.splice(i, 1);
  }

  /** The ids in ascending (UTF-16 code unit) order, the order `a < b` gives. Do not mutate. */
  view(): readonly string[] {
    if (!this.sorted) {
      this.ids.sort();
      this.sorted = true;
    }
    this.splicesSinceRead = 0;
    return this.ids;
  }
}

/** Index of the first element greater than `key` in an ascending array. */
export function firstAfter(ids: readonly string[], key: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid]! <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Up to `limit` ids after `after` from several ascending lists, merged in ascending order, and
 * whether any list holds more beyond them.
 */
export function mergedPage(lists: readonly (readonly string[])[], after: string | undefined, limit: number): { ids: string[]; more: boolean } {
  const pos = lists.map((l) => (after === undefined ? 0 : firstAfter(l, after)));
  const ids: string[] = [];
  while (ids.length < limit) {
    let best = -1;
    for (let k = 0; k < lists.length; k++) {
      const v = lists[k]![pos[k]!];
      if (v !== undefined && (best === -1 || v < lists[best]![pos[best]!]!)) best = k;
    }
    if (best === -1) break;
    ids.push(lists[best]![pos[best]!]!);
    pos[best] = pos[best]! + 1;
  }
  const more = lists.some((l, k) => pos[k]! < l.length);
  return { ids, more };
}
