// Conversations as Threadbridge tracks them: the platform's snapshot, where the conversation's
// Slack thread lives, how far it got (answered, assigned, ended, rated, reminded), and the
// reverse lookup from a Slack thread to its conversation. This is how they are kept; what a
// record holds is in conversation-records.ts.
//
// Stored as one document per fact (`conversation_facts`, _id compoundKey(org, conversation, field))
// rather than one document per conversation: many jobs write different facts of one
// conversation at once, and FerretDB (the test server) applies concurrent updates of one
// document as read-modify-write, losing all but one (FerretDB issue #3040). "Only the first
// wins" transitions (the thread, the first answer, a reminder stage, the end prompt) are claims
// made by inserting a unique _id (`conversation_claims`), which both servers enforce atomically.
import type { AnyBulkWriteOperation, Db } from 'mongodb';
import type { Conversation } from '../platform/webhook-events.ts';
import { bulkUpsert, upsertWithRetry } from './mongo.ts';
import { compoundKey, splitCompoundKey } from './compound-key.ts';
import { leaseClaim, releaseLeaseClaim, settleLeaseClaim, type ClaimResult, type LeaseClaimDocument } from './lease-claims.ts';

export type { ClaimResult } from './lease-claims.ts';
import type { ChatOpenState, ConversationRecord, FirstAnswer, MirrorThread, NotificationRecord, PlannedThread, SlackThreadRef } from './conversation-records.ts';

interface ThreadDocument {
  _id: string;
  orgId: string;
  conversationId: string;
  /** Also in _id; kept as fields so a chat's threads can be listed (absent on records from before). */
  teamId?: string;
  channelId?: string;
  threadTs?: string;
}

export interface ConversationsRepository {
  /** Creates the record if absent; always refreshes the snapshot. */
  recordSnapshot(conversation: Conversation, now: Date): Promise<void>;
  /** Creates an empty record if absent (a message arrived before its conversation). */
  ensure(orgId: string, conversationId: string, now: Date): Promise<ConversationRecord>;
  get(orgId: string, conversationId: string): Promise<ConversationRecord | null>;
  /**
   * Whether the chat is known and open, and its snapshot: read by _id, one fact each, for paths
   * that must be fast under load (a shortcut's 3-second window) where `get` reads every fact.
   */
  openState(orgId: string, conversationId: string): Promise<ChatOpenState>;
  /**
   * Stores the primary thread once, with the threads still to open for the same notification;
   * false when the conversation already had one.
   */
  attachThread(orgId: string, conversationId: string, thread: SlackThreadRef, notification: NotificationRecord, planned: PlannedThread[], now: Date): Promise<boolean>;
  /**
   * The thread the chat's notification claimed, with what was decided for it: known as soon as
   * the claim is, so a job that died right after claiming finishes attaching it instead of
   * posting a second parent.
   */
  claimedThread(orgId: string, conversationId: string): Promise<{ thread: SlackThreadRef; notification: NotificationRecord; planned: PlannedThread[] } | null>;
  /** Records the claimed thread on the record (what attachThread does after claiming), for a job retried in between. */
  settleThread(orgId: string, conversationId: string, claimed: { thread: SlackThreadRef; notification: NotificationRecord; planned: PlannedThread[] }, now: Date): Promise<void>;
  /** Every Slack thread linked to the chat (the reverse lookups), also those a job linked and died before recording as a mirror. */
  linkedThreads(orgId: string, conversationId: string): Promise<SlackThreadRef[]>;
  /** Replaces the chat's other threads and the plan (callers hold the chat's thread lock). */
  setMirrors(orgId: string, conversationId: string, mirrors: MirrorThread[], planned: PlannedThread[], now: Date): Promise<void>;
  /** Makes a new thread findable from Slack (replies, clicks) before it is recorded as a mirror. */
  linkThread(orgId: string, conversationId: string, thread: SlackThreadRef): Promise<void>;
  /** Records the first answer; false when someone had already answered. */
  markAnswered(orgId: string, conversationId: string, by: FirstAnswer, now: Date): Promise<boolean>;
  /** The first answer as its claim keeps it (known as soon as the claim is, also when a job died right after). */
  firstAnswer(orgId: string, conversationId: string): Promise<FirstAnswer | null>;
  /** Writes the first answer onto the record (what markAnswered does after winning), for a job retried in between. */
  settleAnswer(orgId: string, conversationId: string, by: FirstAnswer, now: Date): Promise<void>;
  setAnswerAnnounced(orgId: string, conversationId: string, now: Date): Promise<void>;
  setAssigned(orgId: string, conversationId: string, agentId: string, now: Date): Promise<void>;
  /** Open conversations whose notification could not be delivered, oldest first. */
  listUndeliverable(orgId: string, limit: number): Promise<ConversationRecord[]>;
  /** How many open conversations wait undeliverable, across all orgs (a gauge for /metrics). */
  countUndeliverable(): Promise<number>;
  /** The same conversations counted by their stored reason (the words, as undeliverable-reasons.ts writes them). */
  countUndeliverableByReason(): Promise<Array<{ reason: string; chats: number }>>;
  /**
   * Claims a reminder stage so it is sent once; false when it is done or another job holds it
   * (a holder that died is taken over after the claim's lease: see lease-claims.ts).
   */
  claimReminderStage(orgId: string, conversationId: string, stage: number, now: Date): Promise<boolean>;
  /** The stage was sent: recorded on the record (reminderStage) and its claim done. */
  settleReminderStage(orgId: string, conversationId: string, stage: number, now: Date): Promise<void>;
  /** Gives a claimed stage back after its posts failed, so the retried job sends them. */
  releaseReminderStage(orgId: string, conversationId: string, stage: number, now: Date): Promise<void>;
  findByThread(thread: SlackThreadRef): Promise<{ orgId: string; conversationId: string } | null>;
  setGapSince(orgId: string, conversationId: string, since: Date | null, now: Date): Promise<void>;
  markUndeliverable(orgId: string, conversationId: string, reason: string, now: Date): Promise<void>;
  setBacklogged(orgId: string, conversationId: string, backlogged: boolean, now: Date): Promise<void>;
  /** Messages up to `seq` are posted one at a time (Slack refused them combined). */
  setSoloThrough(orgId: string, conversationId: string, seq: number, now: Date): Promise<void>;
  /** Claims posting the end-of-chat prompt; false when it is posted or being posted (a dead poster's claim is taken over after its lease). */
  claimEndPrompt(orgId: string, conversationId: string, now: Date): Promise<boolean>;
  settleEndPrompt(orgId: string, conversationId: string, ts: string | null, now: Date): Promise<void>;
  setQualification(orgId: string, conversationId: string, qualification: { rating: string; agentId: string; slackUserId: string }, now: Date): Promise<void>;
  markEnded(orgId: string, conversationId: string, endedBy: 'visitor' | 'agent' | 'timeout', now: Date): Promise<void>;
  /** Join: the first rep to claim the chat gets it; false (and nothing changes) for the others. */
  claimChat(orgId: string, conversationId: string, by: { agentId: string; slackUserId: string; name: string }, now: Date): Promise<boolean>;
  /** Who claimed the chat (from the claim itself, so it is known as soon as the claim is). */
  chatClaim(orgId: string, conversationId: string): Promise<{ agentId: string; slackUserId: string; name: string } | null>;
  /** Writes the claimer onto the record: what `claimChat` does after winning, for a job retried in between. */
  settleClaim(orgId: string, conversationId: string, by: { agentId: string; slackUserId: string; name: string }, now: Date): Promise<void>;
  setMeeting(orgId: string, conversationId: string, meeting: { agentId: string; agentName: string; startsAt: string }, now: Date): Promise<void>;
  /**
   * Claims the right to post a one-off notice (`key`, e.g. a booked meeting's id) in the thread, so
   * a retried job does not post it twice: 'done' once settled, 'busy' while another job holds it
   * (a holder that died is taken over after the claim's lease); released when the post failed.
   */
  claimNotice(orgId: string, conversationId: string, key: string, now: Date): Promise<ClaimResult>;
  settleNotice(orgId: string, conversationId: string, key: string, now: Date): Promise<void>;
  releaseNotice(orgId: string, conversationId: string, key: string): Promise<void>;
  /** Open conversations an agent claimed or was assigned, newest first (the rep's App Home). */
  listOpenForAgent(orgId: string, agentId: string, limit: number): Promise<ConversationRecord[]>;
}

export const conversationKey = (orgId: string, conversationId: string) => compoundKey(orgId, conversationId);
const threadKey = (t: SlackThreadRef) => compoundKey(t.teamId, t.channelId, t.threadTs);

type Field = Exclude<keyof ConversationRecord, 'orgId' | 'conversationId'>;

interface FactDocument {
  _id: string;
  conv: string;
  orgId: string;
  conversationId: string;
  field: Field;
  value: unknown;
}

/** Each field's value before anything set it. */
function defaults(orgId: string, conversationId: string, createdAt: Date): ConversationRecord {
  return {
    orgId,
    conversationId,
    conversation: null,
    status: 'open',
    thread: null,
    gapSince: null,
    undeliverableReason: null,
    notification: null,
    answeredBy: null,
    answerAnnounced: false,
    assignedAgentId: null,
    endedBy: null,
    endPrompt: null,
    qualification: null,
    backlogged: false,
    soloThroughSeq: null,
    reminderStage: 0,
    claimedBy: null,
    meeting: null,
    mirrors: [],
    plannedThreads: [],
    createdAt,
    updatedAt: createdAt,
  };
}

export function createConversationsRepository(db: Db): ConversationsRepository {
  const facts = db.collection<FactDocument>('conversation_facts');
  const claims = db.collection<LeaseClaimDocument>('conversation_claims');
  const claimId = (orgId: string, conversationId: string, name: string) => compoundKey(orgId, conversationId, name);
  const threads = db.collection<ThreadDocument>('threads');

  const factId = (orgId: string, conversationId: string, field: Field) => compoundKey(orgId, conversationId, field);

  /** Upserts of `values` and updatedAt, in the given order: callers put the fact that readers act on last (e.g. `thread`). */
  function factOps(orgId: string, conversationId: string, values: Partial<Record<Field, unknown>>, now: Date): AnyBulkWriteOperation<FactDocument>[] {
    const conv = conversationKey(orgId, conversationId);
    const entries: Array<[Field, unknown]> = [...(Object.entries(values) as Array<[Field, unknown]>), ['updatedAt', now]];
    return entries.map(([field, value]) => ({
      updateOne: { filter: { _id: factId(orgId, conversationId, field) }, update: { $set: { conv, orgId, conversationId, field, value } }, upsert: true },
    }));
  }

  /** Writes createdAt once; later writes leave it. */
  function createOp(orgId: string, conversationId: string, now: Date): AnyBulkWriteOperation<FactDocument> {
    const conv = conversationKey(orgId, conversationId);
    return { updateOne: { filter: { _id: factId(orgId, conversationId, 'createdAt') }, update: { $setOnInsert: { conv, orgId, conversationId, field: 'createdAt', value: now } }, upsert: true } };
  }

  async function set(orgId: string, conversationId: string, values: Partial<Record<Field, unknown>>, now: Date): Promise<void> {
    await bulkUpsert(facts, factOps(orgId, conversationId, values, now));
  }

  async function create(orgId: string, conversationId: string, now: Date): Promise<void> {
    await bulkUpsert(facts, [createOp(orgId, conversationId, now)]);
  }

  async function claim(orgId: string, conversationId: string, name: string, now: Date, data: { by?: unknown } = {}): Promise<boolean> {
    try {
      await claims.insertOne({ _id: claimId(orgId, conversationId, name), at: now, ...data });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return false;
      throw error;
    }
  }

  async function linkThread(orgId: string, conversationId: string, thread: SlackThreadRef): Promise<void> {
    const { teamId, channelId, threadTs } = thread;
    await upsertWithRetry(() => threads.updateOne({ _id: threadKey(thread) }, { $set: { orgId, conversationId, teamId, channelId, threadTs } }, { upsert: true }));
  }

  async function get(orgId: string, conversationId: string): Promise<ConversationRecord | null> {
    const docs = await facts.find({ conv: conversationKey(orgId, conversationId) }).toArray();
    const createdAt = docs.find((d) => d.field === 'createdAt');
    if (!createdAt) return null;
    const record = defaults(orgId, conversationId, createdAt.value as Date) as unknown as Record<string, unknown>;
    // Only the record's own fields: a stored field name is never read as anything else.
    for (const doc of docs) if (Object.hasOwn(record, doc.field)) record[doc.field] = doc.value;
    return record as unknown as ConversationRecord;
  }

  return {
    async recordSnapshot(conversation, now) {
      // One bulk: createdAt once, then the snapshot. Nothing read back: callers read the record
      // under the chat's lock, and every round trip is on a chat's first post.
      const { orgId, id } = conversation;
      await bulkUpsert(facts, [createOp(orgId, id, now), ...factOps(orgId, id, { conversation }, now)]);
    },
    async ensure(orgId, conversationId, now) {
      // Read first: nearly every event is of a chat already known, and then one round trip does.
      const known = await get(orgId, conversationId);
      if (known) return known;
      await create(orgId, conversationId, now);
      return (await get(orgId, conversationId))!;
    },
    get,
    async openState(orgId, conversationId) {
      const [created, status, conversation] = await Promise.all(
        (['createdAt', 'status', 'conversation'] as const).map((field) => facts.findOne({ _id: factId(orgId, conversationId, field) })),
      );
      return {
        known: Boolean(created),
        status: (status?.value as ConversationRecord['status'] | undefined) ?? 'open',
        conversation: (conversation?.value as Conversation | undefined) ?? null,
      };
    },
    async attachThread(orgId, conversationId, thread, notification, planned, now) {
      // The reverse lookup is written first: a reply can only arrive once the thread exists in
      // Slack, and by then both records must be there.
      await linkThread(orgId, conversationId, thread);
      // The claim keeps what it claimed: a job dying right after it leaves that to settleThread.
      if (!(await claim(orgId, conversationId, 'thread', now, { by: { thread, notification, planned } }))) return false;
      await set(orgId, conversationId, { undeliverableReason: null, notification, plannedThreads: planned, thread }, now);
      return true;
    },
    async settleThread(orgId, conversationId, claimed, now) {
      await set(orgId, conversationId, { undeliverableReason: null, notification: claimed.notification, plannedThreads: claimed.planned, thread: claimed.thread }, now);
    },
    async claimedThread(orgId, conversationId) {
      const by = (await claims.findOne({ _id: claimId(orgId, conversationId, 'thread') }))?.['by'] as { thread: SlackThreadRef; notification: NotificationRecord; planned: PlannedThread[] } | undefined;
      return by?.thread ? by : null;
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
    async markAnswered(orgId, conversationId, by, now) {
      if (!(await claim(orgId, conversationId, 'answered', now, { by }))) return false;
      await set(orgId, conversationId, { answeredBy: { agentId: by.agentId, name: by.name } }, now);
      return true;
    },
    async firstAnswer(orgId, conversationId) {
      const doc = await claims.findOne({ _id: claimId(orgId, conversationId, 'answered') });
      return (doc?.['by'] as FirstAnswer | undefined) ?? null;
    },
    async settleAnswer(orgId, conversationId, by, now) {
      await set(orgId, conversationId, { answeredBy: { agentId: by.agentId, name: by.name } }, now);
    },
    async setAnswerAnnounced(orgId, conversationId, now) {
      await set(orgId, conversationId, { answerAnnounced: true }, now);
    },
    async setAssigned(orgId, conversationId, agentId, now) {
      await create(orgId, conversationId, now);
      await set(orgId, conversationId, { assignedAgentId: agentId }, now);
    },
    async listUndeliverable(orgId, limit) {
      const waiting = await facts.find({ orgId, field: 'undeliverableReason', value: { $ne: null } }).limit(limit * 2).toArray();
      const records = await Promise.all(waiting.map((f) => get(f.orgId, f.conversationId)));
      return records
        .filter((r): r is ConversationRecord => Boolean(r && r.status === 'open' && !r.thread))
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
        .slice(0, limit);
    },
    async countUndeliverable() {
      // Delivering or ending a chat clears its reason, so the reasons still set are the count.
      return facts.countDocuments({ field: 'undeliverableReason', value: { $ne: null } });
    },
    async countUndeliverableByReason() {
      const groups = await facts
        .aggregate<{ _id: string; chats: number }>([{ $match: { field: 'undeliverableReason', value: { $ne: null } } }, { $group: { _id: '$value', chats: { $sum: 1 } } }])
        .toArray();
      return groups.map((g) => ({ reason: String(g._id), chats: g.chats }));
    },
    async claimReminderStage(orgId, conversationId, stage, now) {
      return (await leaseClaim(claims, claimId(orgId, conversationId, `reminder:${stage}`), now)) === 'claimed';
    },
    async settleReminderStage(orgId, conversationId, stage, now) {
      await set(orgId, conversationId, { reminderStage: stage }, now);
      await settleLeaseClaim(claims, claimId(orgId, conversationId, `reminder:${stage}`), now);
    },
    async releaseReminderStage(orgId, conversationId, stage) {
      await releaseLeaseClaim(claims, claimId(orgId, conversationId, `reminder:${stage}`));
    },
    async findByThread(thread) {
      const doc = await threads.findOne({ _id: threadKey(thread) });
      return doc ? { orgId: doc.orgId, conversationId: doc.conversationId } : null;
    },
    async setGapSince(orgId, conversationId, since, now) {
      await set(orgId, conversationId, { gapSince: since }, now);
    },
    async markUndeliverable(orgId, conversationId, reason, now) {
      await set(orgId, conversationId, { undeliverableReason: reason }, now);
    },
    async setBacklogged(orgId, conversationId, backlogged, now) {
      await set(orgId, conversationId, { backlogged }, now);
    },
    async setSoloThrough(orgId, conversationId, seq, now) {
      await set(orgId, conversationId, { soloThroughSeq: seq }, now);
    },
    async claimEndPrompt(orgId, conversationId, now) {
      if ((await leaseClaim(claims, claimId(orgId, conversationId, 'end-prompt'), now)) !== 'claimed') return false;
      await set(orgId, conversationId, { endPrompt: { state: 'posting' } }, now);
      return true;
    },
    async settleEndPrompt(orgId, conversationId, ts, now) {
      // null gives the claim back (the post failed); a ts records the prompt.
      if (!ts) await releaseLeaseClaim(claims, claimId(orgId, conversationId, 'end-prompt'));
      await set(orgId, conversationId, { endPrompt: ts ? { state: 'posted', ts } : null }, now);
      if (ts) await settleLeaseClaim(claims, claimId(orgId, conversationId, 'end-prompt'), now);
    },
    async setQualification(orgId, conversationId, qualification, now) {
      await set(orgId, conversationId, { qualification }, now);
    },
    async claimChat(orgId, conversationId, by, now) {
      if (!(await claim(orgId, conversationId, 'claimed', now, { by }))) return false;
      await set(orgId, conversationId, { claimedBy: by }, now);
      return true;
    },
    async chatClaim(orgId, conversationId) {
      const doc = await claims.findOne({ _id: claimId(orgId, conversationId, 'claimed') });
      return (doc as { by?: { agentId: string; slackUserId: string; name: string } } | null)?.by ?? null;
    },
    async settleClaim(orgId, conversationId, by, now) {
      await set(orgId, conversationId, { claimedBy: by }, now);
    },
    async setMeeting(orgId, conversationId, meeting, now) {
      await set(orgId, conversationId, { meeting }, now);
    },
    async claimNotice(orgId, conversationId, key, now) {
      return leaseClaim(claims, claimId(orgId, conversationId, `notice:${key}`), now);
    },
    async settleNotice(orgId, conversationId, key, now) {
      await settleLeaseClaim(claims, claimId(orgId, conversationId, `notice:${key}`), now);
    },
    async releaseNotice(orgId, conversationId, key) {
      await releaseLeaseClaim(claims, claimId(orgId, conversationId, `notice:${key}`));
    },
    async listOpenForAgent(orgId, agentId, limit) {
      const [claimed, assigned] = await Promise.all([
        facts.find({ field: 'claimedBy', orgId, 'value.agentId': agentId }).toArray(),
        facts.find({ field: 'assignedAgentId', orgId, value: agentId }).toArray(),
      ]);
      const ids = [...new Set([...claimed, ...assigned].map((f) => f.conversationId))];
      const records = (await Promise.all(ids.map((id) => get(orgId, id)))).filter((r): r is ConversationRecord => r !== null && r.status === 'open');
      return records.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, limit);
    },
    async markEnded(orgId, conversationId, endedBy, now) {
      await create(orgId, conversationId, now);
      await set(orgId, conversationId, { endedBy, undeliverableReason: null, status: 'ended' }, now);
    },
  };
}
