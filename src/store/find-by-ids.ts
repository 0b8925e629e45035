// Reads documents by a list of keys as one equality read per key. `$in` is what MongoDB answers
// best, but FerretDB v1 on PostgreSQL pushes only equalities down: `_id: {$in: [...]}` reads and
// decodes the whole collection, every org's documents, in Go (docs/store-access-paths.md). An
// equality on _id, or on an indexed field, is served by its index on both servers, whatever the
// collection holds.
import type { Collection, Document, Filter, FindOptions, WithId } from 'mongodb';

/** In flight at once: a short list goes out in one wave, a long one never takes the whole pool. */
const IN_FLIGHT = 16;

/** `read` of each item, at most IN_FLIGHT at once; the results in the order of `items`. */
export async function inLanes<T, R>(items: readonly T[], read: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await read(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, items.length) }, lane));
  return results;
}

/** The documents found, in the order of `ids` (an _id with no document is left out). */
export async function findByIds<T extends Document & { _id: string }>(
  collection: Collection<T>,
  ids: readonly string[],
  options: FindOptions = {},
): Promise<Array<WithId<T>>> {
  const found = await inLanes(ids, (_id) => collection.findOne({ _id } as Filter<T>, options));
  return found.filter((doc): doc is WithId<T> => doc !== null);
}
