// A conversation's facts: the platform's snapshot, its status and the fields jobs set as the chat
// goes on (gap, backlog, assignment, rating, meeting, end), and the lists read across chats
// (undeliverable ones, a rep's open ones). One part of the conversations repository.
import type { Conversation } from '../platform/webhook-events.ts';
import { bulkUpsert } from './mongo.ts';
import type { ConversationStorage } from './conversation-storage.ts';
import type { ChatOpenState, ConversationRecord, OpenChat } from './conversation-records.ts';

/** The most open chats of one org read at once (a larger number is a backlog the health check does not need whole). */
const OPEN_CHATS_READ_MAX = 2000;

export interface ChatFactsRepository {
  /** Creates the record if absent; always refreshes the snapshot (and lists the chat as open, in the same write). */
  recordSnapshot(conversation: Conversation, now: Date): Promise<void>;
  /** Creates an empty record if absent (a message arrived before its conversation). */
  ensure(orgId: string, conversationId: string, now: Date): Promise<ConversationRecord>;
  get(orgId: string, conversationId: string): Promise<ConversationRecord | null>;
  /**
   * Whether the chat is known and open, and its snapshot: read by _id, one fact each, for paths
   * that must be fast under load (a shortcut's 3-second window) where `get` reads every fact.
   */
  openState(orgId: string, conversationId: string): Promise<ChatOpenState>;
  setAnswerAnnounced(orgId: string, conversationId: string, now: Date): Promise<void>;
  setAssigned(orgId: string, conversationId: string, agentId: string, now: Date): Promise<void>;
  /** Open conversations whose notification could not be delivered, oldest first. */
  listUndeliverable(orgId: string, limit: number): Promise<ConversationRecord[]>;
  /** How many open conversations wait undeliverable, across all orgs (a gauge for /metrics). */
  countUndeliverable(): Promise<number>;
  /** The same conversations counted by their stored reason (the words, as undeliverable-reasons.ts writes them). */
  countUndeliverableByReason(): Promise<Array<{ reason: string; chats: number }>>;
  setGapSince(orgId: string, conversationId: string, since: Date | null, now: Date): Promise<void>;
  markUndeliverable(orgId: string, conversationId: string, reason: string, now: Date): Promise<void>;
  /** The chat's notification went out after all (its thread is recorded next). */
  clearUndeliverable(orgId: string, conversationId: string, now: Date): Promise<void>;
  setBacklogged(orgId: string, conversationId: string, backlogged: boolean, now: Date): Promise<void>;
  /** Messages up to `seq` are posted one at a time (Slack refused them combined). */
  setSoloThrough(orgId: string, conversationId: string, seq: number, now: Date): Promise<void>;
  setQualification(orgId: string, conversationId: string, qualification: { rating: string; agentId: string; slackUserId: string }, now: Date): Promise<void>;
  markEnded(orgId: string, conversationId: string, endedBy: 'visitor' | 'agent' | 'timeout', now: Date): Promise<void>;
  setMeeting(orgId: string, conversationId: string, meeting: { agentId: string; agentName: string; startsAt: string }, now: Date): Promise<void>;
  /**
   * The org's open chats, oldest first, at most `limit`: listed from their start (or first
   * snapshot) until their end, with whether anyone answered. Two queries, whatever the org's history.
   */
  listOpen(orgId: string, limit: number): Promise<OpenChat[]>;
  /** Open conversations an agent claimed or was assigned, newest first (the rep's App Home). */
  listOpenForAgent(orgId: string, agentId: string, limit: number): Promise<ConversationRecord[]>;
}

export function createChatFactsRepository(storage: ConversationStorage): ChatFactsRepository {
  const { facts, factId, set, create, get } = storage;
  return {
    async recordSnapshot(conversation, now) {
      // One insert: createdAt once, then the snapshot (upserted where a fact exists: an earlier
      // delivery, a message that came first). Nothing read back: callers read the record under
      // the chat's lock, and every round trip is on a chat's first post.
      const { orgId, id } = conversation;
      const openChat = { routingGroupId: conversation.routingGroupId, visitorName: conversation.visitor.name, startedAt: new Date(conversation.startedAt) };
      await storage.factInserts.insertElse(storage.firstFacts(orgId, id, { openChat, conversation }, now));
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
    async setAnswerAnnounced(orgId, conversationId, now) {
      await set(orgId, conversationId, { answerAnnounced: true }, now);
    },
    async setAssigned(orgId, conversationId, agentId, now) {
      await create(orgId, conversationId, now);
      await set(orgId, conversationId, { assignedAgentId: agentId }, now);
    },
    async listUndeliverable(orgId, limit) {
      const waiting = await facts
        .find({ orgId, field: 'undeliverableReason', value: { $ne: null } })
        .limit(limit * 2)
        .toArray();
      // One query for all their facts, not one per chat (the health check reads this list on every look).
      const records = await storage.getMany(
        orgId,
        waiting.map((f) => f.conversationId),
      );
      return records
        .filter((r) => r.status === 'open' && !r.thread)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
        .slice(0, limit);
    },
    async countUndeliverable() {
      // Delivering or ending a chat clears its reason, so the reasons still set are the count.
      return facts.countDocuments({ field: 'undeliverableReason', value: { $ne: null } });
    },
    async countUndeliverableByReason() {
      const groups = await facts
        .aggregate<{ _id: string; chats: number }>([
          { $match: { field: 'undeliverableReason', value: { $ne: null } } },
          { $group: { _id: '$value', chats: { $sum: 1 } } },
        ])
        .toArray();
      return groups.map((g) => ({ reason: String(g._id), chats: g.chats }));
    },
    async setGapSince(orgId, conversationId, since, now) {
      await set(orgId, conversationId, { gapSince: since }, now);
    },
    async markUndeliverable(orgId, conversationId, reason, now) {
      await set(orgId, conversationId, { undeliverableReason: reason }, now);
    },
    async clearUndeliverable(orgId, conversationId, now) {
      await set(orgId, conversationId, { undeliverableReason: null }, now);
    },
    async setBacklogged(orgId, conversationId, backlogged, now) {
      await set(orgId, conversationId, { backlogged }, now);
    },
    async setSoloThrough(orgId, conversationId, seq, now) {
      await set(orgId, conversationId, { soloThroughSeq: seq }, now);
    },
    async setQualification(orgId, conversationId, qualification, now) {
      await set(orgId, conversationId, { qualification }, now);
    },
    async markEnded(orgId, conversationId, endedBy, now) {
      await create(orgId, conversationId, now);
      // The chat leaves the open list in the same write.
      await bulkUpsert(facts, [
        { deleteOne: { filter: { _id: storage.factId(orgId, conversationId, 'openChat') } } },
        ...storage.factOps(orgId, conversationId, { endedBy, undeliverableReason: null, status: 'ended' }, now),
      ]);
    },
    async setMeeting(orgId, conversationId, meeting, now) {
      await set(orgId, conversationId, { meeting }, now);
    },
    async listOpen(orgId, limit) {
      const listed = await facts.find({ orgId, field: 'openChat' }).limit(OPEN_CHATS_READ_MAX).toArray();
      if (listed.length === 0) return [];
      const ids = listed.map((f) => f.conversationId);
      const states = await facts.find({ orgId, field: { $in: ['status', 'answeredBy'] }, conversationId: { $in: ids } }).toArray();
      const ended = new Set(states.filter((f) => f.field === 'status' && f.value === 'ended').map((f) => f.conversationId));
      const answered = new Set(states.filter((f) => f.field === 'answeredBy' && f.value !== null).map((f) => f.conversationId));
      // A snapshot that came after the end (a late update) listed an ended chat again: dropped here for good.
      const stale = listed.filter((f) => ended.has(f.conversationId));
      if (stale.length > 0) await facts.deleteMany({ _id: { $in: stale.map((f) => f._id) } });
      return listed
        .filter((f) => !ended.has(f.conversationId))
        .map((f) => {
          const value = f.value as Omit<OpenChat, 'orgId' | 'conversationId' | 'answered'>;
          return { orgId, conversationId: f.conversationId, ...value, answered: answered.has(f.conversationId) };
        })
        .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())
        .slice(0, limit);
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
  };
}
