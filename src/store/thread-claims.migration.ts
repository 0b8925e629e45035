// Store migration: records the threads that releases before claimed and never recorded. Those
// releases claimed a chat's primary thread in `conversation_claims` and then wrote its facts; a
// job that died in between left its successor to finish from the claim. This release records a
// thread with one insert of its fact (conversation-threads.repository.ts) and no longer reads
// those claims, so a claim without its thread fact becomes that fact here, as the successor would
// have written it. Run by the release phase and by workers at start, before any thread is opened;
// once it has finished in a database it leaves a marker and later starts cost one findOne.
//
// Safe to run in several processes at once (an insert that meets E11000 found the fact there).
// Not safe against workers of the previous release still claiming threads after it ran: stop them
// before this release starts (docs/reference/operations.md, "Upgrading").
import type { Db } from 'mongodb';
import { splitCompoundKey } from './compound-key.ts';
import { upsertWithRetry } from './mongo.ts';
import { threadFact, type FactDocument } from './conversation-storage.ts';
import type { LeaseClaimDocument } from './lease-claims.ts';
import type { NotificationRecord, PlannedThread, SlackThreadRef } from './conversation-records.ts';

const MARKER = 'thread-facts-v1';

/** What a thread claim of releases before held (its `by`). */
interface ClaimedThread {
  thread: SlackThreadRef;
  notification: NotificationRecord;
  planned: PlannedThread[];
}

/** Writes the thread fact of every claimed thread that has none; returns how many it wrote. */
export async function recordClaimedThreads(db: Db): Promise<{ recorded: number }> {
  const markers = db.collection<{ _id: string; doneAt: Date; recorded: number }>('schema_migrations');
  if (await markers.findOne({ _id: MARKER })) return { recorded: 0 };
  const facts = db.collection<FactDocument>('conversation_facts');
  const claims = db.collection<LeaseClaimDocument>('conversation_claims');
  // The threads recorded (one query on the field's index), then the claims that hold a thread.
  const known = new Set((await facts.find({ field: 'thread' }, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
  let recorded = 0;
  for await (const claim of claims.find({ 'by.thread': { $exists: true } })) {
    const [orgId = '', conversationId = '', name] = splitCompoundKey(claim._id);
    if (name !== 'thread') continue;
    const { thread, notification, planned } = claim['by'] as ClaimedThread;
    const fact = threadFact(orgId, conversationId, { thread, notification, planned }, claim.at);
    if (known.has(fact._id)) continue;
    try {
      await facts.insertOne(fact);
      recorded++;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error; // recorded meanwhile
    }
  }
  await upsertWithRetry(() => markers.updateOne({ _id: MARKER }, { $set: { doneAt: new Date(), recorded } }, { upsert: true }));
  return { recorded };
}
