// Conversations as Threadbridge tracks them: the platform's snapshot, where the conversation's
// Slack thread lives, whether it waits on a missing message, and the reverse lookup
// from a Slack thread to its conversation.
import type { Db } from 'mongodb';
import type { Conversation } from '../platform/webhook-events.ts';
import { upsertWithRetry } from './mongo.ts';

export interface SlackThreadRef {
  teamId: string;
  channelId: string;
  threadTs: string;
}

/** How the notification was routed, kept to redraw the parent message and to remind the same people. */
export interface NotificationRecord {
  rule: string;
  reason: string;
  targetKind: 'channel' | 'dm';
  mentionSlackUserIds: string[];
  unmappedMemberNames: string[];
  groupName: string | null;
  /** Slack users the notification reached directly (DM targets), for reminders. */
  dmSlackUserIds: string[];
}

export interface ConversationRecord {
  orgId: string;
  conversationId: string;
  conversation: Conversation | null; // null until conversation.started (or a repair) told us
  status: 'open' | 'ended';
  thread: SlackThreadRef | null;
  /** When the thread first waited on a missing seq; null while there is no gap. */
  gapSince: Date | null;
  undeliverableReason: string | null;
  notification: NotificationRecord | null;
  /** The first agent who answered (from Slack or the console); reminders stop then. */
  answeredBy: { agentId: string; name: string } | null;
  assignedAgentId: string | null;
  /** The end-of-chat rating prompt in the thread: 'posting' while claimed, then its ts. */
  endedBy: 'visitor' | 'agent' | 'timeout' | null;
  endPrompt: { state: 'posting' } | { state: 'posted'; ts: string } | null;
  qualification: { rating: string; agentId: string; slackUserId: string } | null;
  /** Its thread's posts found the channel's budget exhausted: pending messages go out combined until it catches up. */
  backlogged: boolean;
  /** The last reminder stage sent (0 none, 1 reminded, 2 escalated). */
  reminderStage: number;
  createdAt: Date;
  updatedAt: Date;
}

interface ConversationDocument extends ConversationRecord {
  _id: string;
}

interface ThreadDocument {
  _id: string;
  orgId: string;
  conversationId: string;
}

export interface ConversationsRepository {
  /** Creates the record if absent; always refreshes the snapshot. */
  recordSnapshot(conversation: Conversation, now: Date): Promise<ConversationRecord>;
  /** Creates an empty record if absent (a message arrived before its conversation). */
  ensure(orgId: string, conversationId: string, now: Date): Promise<ConversationRecord>;
  get(orgId: string, conversationId: string): Promise<ConversationRecord | null>;
  /** Stores the thread once; false when the conversation already had one. */
  attachThread(orgId: string, conversationId: string, thread: SlackThreadRef, notification: NotificationRecord, now: Date): Promise<boolean>;
  /** Records the first answer; false when someone had already answered. */
  markAnswered(orgId: string, conversationId: string, by: { agentId: string; name: string }, now: Date): Promise<boolean>;
  setAssigned(orgId: string, conversationId: string, agentId: string, now: Date): Promise<void>;
  /** Open conversations whose notification could not be delivered, oldest first. */
  listUndeliverable(orgId: string, limit: number): Promise<ConversationRecord[]>;
  /** How many open conversations wait undeliverable, across all orgs (a gauge for /metrics). */
  countUndeliverable(): Promise<number>;
  /** Claims a reminder stage so it is sent at most once; false when it was already claimed. */
  claimReminderStage(orgId: string, conversationId: string, stage: number, now: Date): Promise<boolean>;
  /** Gives a claimed stage back after its posts failed, so the retried job sends them. */
  releaseReminderStage(orgId: string, conversationId: string, stage: number, now: Date): Promise<void>;
  findByThread(thread: SlackThreadRef): Promise<{ orgId: string; conversationId: string } | null>;
  setGapSince(orgId: string, conversationId: string, since: Date | null, now: Date): Promise<void>;
  markUndeliverable(orgId: string, conversationId: string, reason: string, now: Date): Promise<void>;
  setBacklogged(orgId: string, conversationId: string, backlogged: boolean, now: Date): Promise<void>;
  /** Claims posting the end-of-chat prompt; false when it is posted or being posted. */
  claimEndPrompt(orgId: string, conversationId: string, now: Date): Promise<boolean>;
  settleEndPrompt(orgId: string, conversationId: string, ts: string | null, now: Date): Promise<void>;
  setQualification(orgId: string, conversationId: string, qualification: { rating: string; agentId: string; slackUserId: string }, now: Date): Promise<void>;
  markEnded(orgId: string, conversationId: string, endedBy: 'visitor' | 'agent' | 'timeout', now: Date): Promise<void>;
}

export const conversationKey = (orgId: string, conversationId: string) => `${orgId}\u0000${conversationId}`;
const threadKey = (t: SlackThreadRef) => `${t.teamId}\u0000${t.channelId}\u0000${t.threadTs}`;

export function createConversationsRepository(db: Db): ConversationsRepository {
  const conversations = db.collection<ConversationDocument>('conversations');
  const threads = db.collection<ThreadDocument>('threads');

  // The fields a record starts with; an upsert sets only those its $set does not.
  const defaults = (orgId: string, conversationId: string, now: Date): Omit<ConversationDocument, '_id' | 'updatedAt'> => ({
    orgId,
    conversationId,
    conversation: null,
    status: 'open',
    thread: null,
    gapSince: null,
    undeliverableReason: null,
    notification: null,
    answeredBy: null,
    assignedAgentId: null,
    reminderStage: 0,
    backlogged: false,
    endedBy: null,
    endPrompt: null,
    qualification: null,
    createdAt: now,
  });

  function strip(doc: ConversationDocument | null): ConversationRecord | null {
    if (!doc) return null;
    const { _id, ...rest } = doc;
    // Nulls written by $setOnInsert are missing on FerretDB (see mongo.ts): read them back as null.
    return { ...defaults(rest.orgId, rest.conversationId, rest.createdAt), ...rest };
  }

  async function upsert(orgId: string, conversationId: string, set: Partial<ConversationDocument>, now: Date) {
    const onInsert = Object.fromEntries(Object.entries(defaults(orgId, conversationId, now)).filter(([field]) => !(field in set)));
    const doc = await upsertWithRetry(() =>
      conversations.findOneAndUpdate(
        { _id: conversationKey(orgId, conversationId) },
        { $set: { ...set, updatedAt: now }, $setOnInsert: onInsert },
        { upsert: true, returnDocument: 'after' },
      ),
    );
    return strip(doc)!;
  }

  return {
    recordSnapshot(conversation, now) {
      return upsert(conversation.orgId, conversation.id, { conversation }, now);
    },
    async ensure(orgId, conversationId, now) {
      const existing = await conversations.findOne({ _id: conversationKey(orgId, conversationId) });
      return strip(existing) ?? upsert(orgId, conversationId, {}, now);
    },
    async get(orgId, conversationId) {
      return strip(await conversations.findOne({ _id: conversationKey(orgId, conversationId) }));
    },
    async attachThread(orgId, conversationId, thread, notification, now) {
      // The reverse lookup is written first: a reply can only arrive once the thread exists in
      // Slack, and by then both records must be there.
      await upsertWithRetry(() => threads.updateOne({ _id: threadKey(thread) }, { $set: { orgId, conversationId } }, { upsert: true }));
      const result = await conversations.updateOne(
        { _id: conversationKey(orgId, conversationId), thread: null },
        { $set: { thread, notification, undeliverableReason: null, updatedAt: now } },
      );
      return result.modifiedCount === 1;
    },
    async markAnswered(orgId, conversationId, by, now) {
      const result = await conversations.updateOne(
        { _id: conversationKey(orgId, conversationId), answeredBy: null },
        { $set: { answeredBy: by, updatedAt: now } },
      );
      return result.modifiedCount === 1;
    },
    async setAssigned(orgId, conversationId, agentId, now) {
      await upsert(orgId, conversationId, { assignedAgentId: agentId }, now);
    },
    async listUndeliverable(orgId, limit) {
      const docs = await conversations.find({ orgId, status: 'open', thread: null, undeliverableReason: { $ne: null } }).sort({ createdAt: 1 }).limit(limit).toArray();
      return docs.map((d) => strip(d)!);
    },
    async countUndeliverable() {
      return conversations.countDocuments({ status: 'open', thread: null, undeliverableReason: { $ne: null } });
    },
    async claimReminderStage(orgId, conversationId, stage, now) {
      const result = await conversations.updateOne(
        { _id: conversationKey(orgId, conversationId), $or: [{ reminderStage: { $lt: stage } }, { reminderStage: { $exists: false } }] },
        { $set: { reminderStage: stage, updatedAt: now } },
      );
      return result.modifiedCount === 1;
    },
    async releaseReminderStage(orgId, conversationId, stage, now) {
      await conversations.updateOne({ _id: conversationKey(orgId, conversationId), reminderStage: stage }, { $set: { reminderStage: stage - 1, updatedAt: now } });
    },
    async findByThread(thread) {
      const doc = await threads.findOne({ _id: threadKey(thread) });
      return doc ? { orgId: doc.orgId, conversationId: doc.conversationId } : null;
    },
    async setGapSince(orgId, conversationId, since, now) {
      await conversations.updateOne({ _id: conversationKey(orgId, conversationId) }, { $set: { gapSince: since, updatedAt: now } });
    },
    async claimEndPrompt(orgId, conversationId, now) {
      const result = await conversations.updateOne({ _id: conversationKey(orgId, conversationId), endPrompt: null }, { $set: { endPrompt: { state: 'posting' }, updatedAt: now } });
      return result.modifiedCount === 1;
    },
    async settleEndPrompt(orgId, conversationId, ts, now) {
      // null gives the claim back (the post failed); a ts records the prompt.
      await conversations.updateOne({ _id: conversationKey(orgId, conversationId) }, { $set: { endPrompt: ts ? { state: 'posted', ts } : null, updatedAt: now } });
    },
    async setQualification(orgId, conversationId, qualification, now) {
      await conversations.updateOne({ _id: conversationKey(orgId, conversationId) }, { $set: { qualification, updatedAt: now } });
    },
    async setBacklogged(orgId, conversationId, backlogged, now) {
      await conversations.updateOne({ _id: conversationKey(orgId, conversationId) }, { $set: { backlogged, updatedAt: now } });
    },
    async markUndeliverable(orgId, conversationId, reason, now) {
      await conversations.updateOne({ _id: conversationKey(orgId, conversationId) }, { $set: { undeliverableReason: reason, updatedAt: now } });
    },
    async markEnded(orgId, conversationId, endedBy, now) {
      await upsert(orgId, conversationId, { status: 'ended', endedBy }, now);
    },
  };
}
