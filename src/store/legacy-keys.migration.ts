// Store migration: rewrites documents whose _id (and, for conversation facts, `conv`) was made by
// the first key format, raw parts joined with NUL, into compoundKey's format (compound-key.ts).
// Run by the web and worker processes at start, after ensureIndexes; once it has finished in a
// database it leaves a marker and later starts cost one findOne.
//
// Safe to run in several processes at once, and to die half-way: each document is inserted under
// its new _id (the loser of a race gets E11000 and moves on) and the old one deleted by its _id.
// A new-format document that already exists wins: something wrote it after the upgrade, so it is
// newer. Where another unique index forbids both forms at once, the document waits in a stash
// collection between deleting the old form and inserting the new, and a later run puts it back.
// Not safe against workers of the previous release still writing NUL keys after it ran: stop
// them before this release starts (docs/reference/operations.md, "Upgrading").
import type { Collection, Db, Document } from 'mongodb';
import { compoundKey } from './compound-key.ts';
import { upsertWithRetry } from './mongo.ts';

const MARKER = 'compound-keys-v2';

/** Collections whose _id is a compound key; conversation_facts also keeps one in `conv`. */
export const COMPOUND_KEY_COLLECTIONS = [
  'conversation_facts',
  'conversation_claims',
  'threads',
  'thread_messages',
  'agent_mappings',
  'platform_agents',
  'platform_groups',
  'routing_group_channels',
  'slack_dm_channels',
  'slack_user_names',
  'slack_direct_answers',
] as const;

/** Every collection here keys its documents by a string. */
type KeyedDocument = Document & { _id: string };

const fromLegacy = (key: string) => compoundKey(...key.split('\u0000'));

/** Moves every legacy-keyed document; returns how many moved (0 when the marker says it is done). */
export async function migrateLegacyKeys(db: Db): Promise<{ moved: number }> {
  const markers = db.collection<{ _id: string; doneAt: Date; moved: number }>('schema_migrations');
  if (await markers.findOne({ _id: MARKER })) return { moved: 0 };
  const stash = db.collection<{ _id: string; collection: string; doc: KeyedDocument }>('schema_migrations_stash');
  // A process that died between deleting a document and inserting its new form left it here.
  for (const stashed of await stash.find({}).toArray()) {
    await insertUnlessPresent(db.collection<KeyedDocument>(stashed.collection), stashed.doc);
    await stash.deleteOne({ _id: stashed._id });
  }
  let moved = 0;
  for (const name of COMPOUND_KEY_COLLECTIONS) {
    const collection = db.collection<KeyedDocument>(name);
    // The pattern \x00, not a raw NUL: MongoDB refuses a regular expression with an embedded null byte.
    for await (const doc of collection.find({ _id: { $regex: '\\x00' } })) {
      const next: KeyedDocument = { ...doc, _id: fromLegacy(doc._id) };
      if (typeof doc['conv'] === 'string') next['conv'] = fromLegacy(doc['conv']);
      const conflict = await insertUnlessPresent(collection, next);
      if (conflict === 'unique-index') {
        // Another unique index (agent_mappings' org + agent) holds the old document's fields:
        // it has to go first, so it waits in the stash until its new form is in.
        await upsertWithRetry(() => stash.updateOne({ _id: `${name}:${next._id}` }, { $set: { collection: name, doc: next } }, { upsert: true }));
        await collection.deleteOne({ _id: doc._id });
        await collection.insertOne(next);
        await stash.deleteOne({ _id: `${name}:${next._id}` });
      } else {
        await collection.deleteOne({ _id: doc._id });
      }
      moved++;
    }
  }
  // Processes finishing together race to create the marker (E11000 for the loser): one retry updates it.
  await upsertWithRetry(() => markers.updateOne({ _id: MARKER }, { $set: { doneAt: new Date(), moved } }, { upsert: true }));
  return { moved };
}

/**
 * Inserts `doc`; 'exists' when a document with its _id is there already (a newer write, or a
 * racing migration, kept as it is), 'unique-index' when another unique index refused it.
 */
async function insertUnlessPresent(collection: Collection<KeyedDocument>, doc: KeyedDocument): Promise<'inserted' | 'exists' | 'unique-index'> {
  try {
    await collection.insertOne(doc);
    return 'inserted';
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
    return (await collection.findOne({ _id: doc._id }, { projection: { _id: 1 } })) ? 'exists' : 'unique-index';
  }
}
