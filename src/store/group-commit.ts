// Group commit: writes of one kind that a process's jobs make while the previous such write is
// still on its way to the store go to it together, as one command, when that write returns. Each
// round trip costs the MongoDB-compatible server (FerretDB here) CPU of its own, far more than
// each further document in the same command (docs/store-access-paths.md, "Group commit across
// conversations"), so under load a worker's sixteen concurrent jobs pay for a few commands
// instead of sixteen. Unloaded, a write goes out at once, alone: nothing ever waits for a timer.
//
// Hand-written: DataLoader, the usual batching library, groups the calls made in one tick of the
// event loop. Jobs under load reach their writes spread over time, between the store's answers,
// and what pays here is grouping whatever arrived while the last write was in flight; DataLoader
// would need a scheduler doing exactly this, and it caches by key, which writes must not.

/** What the store did with one item of a group: the item's own result, or its own failure. */
export type ItemOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Writes a group of items in one command. Returns one outcome per item, in order; throwing
 * fails every item of the group (nothing is known of any of them).
 */
export type GroupWrite<T, R> = (items: T[]) => Promise<ItemOutcome<R>[]>;

interface Waiting<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * A function that writes one item, in a group with the items submitted while a group is in
 * flight. One group is in flight at a time; at most `maxGroup` items go in one.
 */
export function groupCommit<T, R>(write: GroupWrite<T, R>, maxGroup: number): (item: T) => Promise<R> {
  let queue: Waiting<T, R>[] = [];
  let inFlight = false;

  async function flush(): Promise<void> {
    inFlight = true;
    // Calls made in the same tick as the first join its group.
    await Promise.resolve();
    while (queue.length > 0) {
      const group = queue.slice(0, maxGroup);
      queue = queue.slice(group.length);
      try {
        const outcomes = await write(group.map((w) => w.item));
        group.forEach((w, i) => {
          const outcome = outcomes[i];
          if (!outcome) w.reject(new Error(`group commit: no outcome for item ${i} of ${group.length}`));
          else if (outcome.ok) w.resolve(outcome.value);
          else w.reject(outcome.error);
        });
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    inFlight = false;
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!inFlight) void flush();
    });
}
