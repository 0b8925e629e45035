// Reads documents by a list of _ids as one findOne per _id. `_id: {$in: [...]}` is what MongoDB
// answers best, but FerretDB v1 on PostgreSQL pushes only equality down: an `$in` reads and
// decodes the whole collection, every org's documents, in Go (docs/store-access-paths.md). An
// equality on _id is served by the _id index on both servers, whatever the collection holds.
import type { Collection, Document, Filter, FindOptions, WithId } from 'mongodb';

/** In flight at once: a short list goes out in one wave, a long one never takes the whole pool. */
const IN_FLIGHT = 16;

/** The documents found, in the order of `ids` (an _id with no document is left out). */
export async function findByIds<T extends Document & { _id: string }>(
  collection: Collection<T>,
  ids: readonly string[],
  options: FindOptions = {},
): Promise<Array<WithId<T>>> {
  const found: Array<WithId<T> | null> = new Array(ids.length).fill(null);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < ids.length; i = next++) found[i] = await collection.findOne({ _id: ids[i] } as Filter<T>, options);
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, ids.length) }, lane));
  return found.filter((doc): doc is WithId<T> => doc !== null);
}
