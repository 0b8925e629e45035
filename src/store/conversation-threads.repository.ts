// Where a conversation lives in Slack: its primary thread (claimed once, with the notification
// and the threads still to open), its mirrors in other channels, and the reverse lookup from a
// Slack thread to its conversation (`threads`). One part of the conversations repository.
import type { Db } from 'mongodb';
import { groupedInserts } from './mongo.ts';
import { compoundKey, splitCompoundKey } from './compound-key.ts';
import { threadFact, type ConversationStorage } from './conversation-storage.ts';
import type { MirrorThread, NotificationRecord, PlannedThread, SlackThreadRef } from './conversation-records.ts';

interface ThreadDocument {
  _id: string;
  orgId: string;
  conversationId: string;
  /** Also in _id; kept as fields so a chat's threads can be listed (absent on records from before). */
  teamId?: string;
  channelId?: string;
  threadTs?: string;
}

export interface ConversationThreadsRepository {
  /**
   * Stores the primary thread once, with the threads still to open for the same notification;
   * false when the conversation already had one.
   */
  attachThread(
    orgId: string,
    conversationId: string,
    thread: SlackThreadRef,
    notification: NotificationRecord,
    planned: PlannedThread[],
    now: Date,
  ): Promise<boolean>;
  /** Every Slack thread linked to the chat (the reverse lookups), also those a job linked and died before recording as a mirror. */
  linkedThreads(orgId: string, conversationId: string): Promise<SlackThreadRef[]>;
  /** Replaces the chat's other threads and the plan (callers hold the chat's thread lock). */
  setMirrors(orgId: string, conversationId: string, mirrors: MirrorThread[], planned: PlannedThread[], now: Date): Promise<void>;
  /** Makes a new thread findable from Slack (replies, clicks) before it is recorded as a mirror. */
  linkThread(orgId: string, conversationId: string, thread: SlackThreadRef): Promise<void>;
  findByThread(thread: SlackThreadRef): Promise<{ orgId: string; conversationId: string } | null>;
}

const threadKey = (t: SlackThreadRef) => compoundKey(t.teamId, t.channelId, t.threadTs);

export function createConversationThreadsRepository(db: Db, storage: ConversationStorage): ConversationThreadsRepository {
  const threads = db.collection<ThreadDocument>('threads');
  const threadInserts = groupedInserts(threads);
  const { set } = storage;

  async function linkThread(orgId: string, conversationId: string, thread: SlackThreadRef): Promise<void> {
    const { teamId, channelId, threadTs } = thread;
    const fields = { orgId, conversationId, teamId, channelId, threadTs };
    // A new thread's lookup, so an insert; written again (a retried job) as before.
    await threadInserts.insertElse([
      { doc: { _id: threadKey(thread), ...fields }, otherwise: { updateOne: { filter: { _id: threadKey(thread) }, update: { $set: fields }, upsert: true } } },
    ]);
  }

  return {
    async attachThread(orgId, conversationId, thread, notification, planned, now) {
      // The reverse lookup is written first: a reply can only arrive once the thread exists in
      // Slack, and by then both records must be there.
      await linkThread(orgId, conversationId, thread);
      // The thread fact is the claim (threadFact): a job dying after it leaves nothing half-recorded.
      const [written] = await storage.factInserts.insert([threadFact(orgId, conversationId, { thread, notification, planned }, now)]);
      return written === true;
    },
    async linkedThreads(orgId, conversationId) {
      const docs = await threads.find({ orgId, conversationId }).toArray();
      return docs.map((d) => {
        const [teamId = '', channelId = '', threadTs = ''] = splitCompoundKey(d._id);
        return { teamId: d.teamId ?? teamId, channelId: d.channelId ?? channelId, threadTs: d.threadTs ?? threadTs };
      });
    },
    async setMirrors(orgId, conversationId, mirrors, planned, now) {
      await set(orgId, conversationId, { mirrors, plannedThreads: planned }, now);
    },
    linkThread,
    async findByThread(thread) {
      const doc = await threads.findOne({ _id: threadKey(thread) });
      return doc ? { orgId: doc.orgId, conversationId: doc.conversationId } : null;
    },
  };
}
