// Activity: each chat's facts as the workers see them (started, first answer, reminded, escalated,
// ended, rated) and the per-day counts rolled up from them (src/routing/activity-counts.ts), which
// the activity API, App Home and the digest read.
//
// A chat's facts are one document per step (`chat_activity`, _id compoundKey(org, chat, step)),
// each written once by an insert: FerretDB applies concurrent updates of one document as
// read-modify-write, losing all but one (issue #3040; measured here: 60 concurrent `$inc`s of one
// document kept 16), and a conditional update is no claim there. An insert of a unique _id is
// atomic on both servers, so a retried event or job finds its step written and counts nothing
// again, and the insert that wins is the one transition (the metrics count it). They are deleted
// ACTIVITY_RETENTION_DAYS after their step by the org's roll-ups (FerretDB v1.24 has no TTL
// indexes: "expireAfterSeconds is not implemented yet"); a roll-up never reads a day that old.
//
// A day's counts (`activity_days`, _id compoundKey(org, date)) are computed from that day's facts
// as a whole and replaced, never incremented: a roll-up run twice, or after a worker died, writes
// the same figures. They are kept forever.
import type { Db } from 'mongodb';
import type { ActivityCounts, ChatActivity, DayCounts } from '../routing/activity-counts.ts';
import { compoundKey } from './compound-key.ts';

export type ActivityStep =
  | { step: 'start'; routingGroupId: string | null; answerTimeMs: number | null }
  | { step: 'answer'; agentId: string; agentName: string; origin: 'slack' | 'console' }
  | { step: 'reminded' }
  | { step: 'escalated' }
  | { step: 'end'; endedBy: 'visitor' | 'agent' | 'timeout' }
  | { step: 'rating'; rating: string; agentId: string };

export interface ActivityFact {
  orgId: string;
  conversationId: string;
  /** When the step happened (a start: when the chat started, the platform's time; the day it counts on). */
  at: Date;
  /** When a worker wrote it: the roll-up finds the facts written since its last run by it. */
  recordedAt: Date;
}

type FactDocument = ActivityFact & { _id: string; step: ActivityStep['step']; [field: string]: unknown };

const STEPS: Array<ActivityStep['step']> = ['start', 'answer', 'reminded', 'escalated', 'end', 'rating'];

export interface ActivityDay extends DayCounts {
  orgId: string;
  date: string;
  timeZone: string;
  /** Group names as the platform's directory gave them at the roll-up (absent when unknown). */
  groupNames: Record<string, string>;
  rolledAt: Date;
}

/**
 * A day's counts are one compact JSON string (`counts`, see encodeCounts), not nested documents:
 * FerretDB decodes every field of every document it reads in Go, and a year of a busy org's days
 * (8 groups, 40 agents, each with its histogram) took about 4 s to read as nested documents, about
 * 0.25 s as one string each, and less again with the histograms as dense lists. Nothing queries
 * inside them: a day is always read whole.
 */
interface DayDocument {
  _id: string;
  orgId: string;
  date: string;
  timeZone: string;
  rolledAt: Date;
  counts: string;
}

type StoredCounts = Pick<ActivityDay, 'day' | 'groups' | 'agents' | 'groupNames'>;
/** chats, answered, missed, answeredInSlack, answeredInConsole, answeredWithinAnswerTime, then the histogram's counts by bucket, comma-separated. */
type PackedCounts = [number, number, number, number, number, number, string];

function pack(c: ActivityCounts): PackedCounts {
  const top = Math.max(-1, ...Object.keys(c.firstResponse).map(Number));
  const dense = Array.from({ length: top + 1 }, (_, i) => c.firstResponse[String(i)] ?? 0);
  return [c.chats, c.answered, c.missed, c.answeredInSlack, c.answeredInConsole, c.answeredWithinAnswerTime, dense.join(',')];
}

function unpack([chats, answered, missed, answeredInSlack, answeredInConsole, answeredWithinAnswerTime, dense]: PackedCounts): ActivityCounts {
  const firstResponse: Record<string, number> = {};
  if (dense !== '')
    dense.split(',').forEach((n, i) => {
      if (n !== '0') firstResponse[String(i)] = Number(n);
    });
  return { chats, answered, missed, answeredInSlack, answeredInConsole, answeredWithinAnswerTime, firstResponse };
}

/** The day's counts as stored: each scope's counts as one list (`pack`), ids and names in front. */
export function encodeCounts({ day, groups, agents, groupNames }: StoredCounts): string {
  return JSON.stringify({
    day: pack(day),
    groups: groups.map(({ routingGroupId, ...c }) => [routingGroupId, ...pack(c)]),
    agents: agents.map(({ agentId, name, ...c }) => [agentId, name, ...pack(c)]),
    groupNames,
  });
}

export function decodeCounts(text: string): StoredCounts {
  const stored = JSON.parse(text) as {
    day: PackedCounts;
    groups: Array<[string, ...PackedCounts]>;
    agents: Array<[string, string, ...PackedCounts]>;
    groupNames: Record<string, string>;
  };
  return {
    day: unpack(stored.day),
    groups: stored.groups.map(([routingGroupId, ...c]) => ({ routingGroupId, ...unpack(c) })),
    agents: stored.agents.map(([agentId, name, ...c]) => ({ agentId, name, ...unpack(c) })),
    groupNames: stored.groupNames,
  };
}

interface RollupDocument {
  _id: string;
  through: Date;
}

export interface ChatActivityRepository {
  /**
   * Writes a step of a chat once: true when this call wrote it, false when it was written before
   * (a retried event or job). A rating is the one step written again (the latest counts).
   */
  record(fact: ActivityFact & ActivityStep): Promise<boolean>;
  /** Deletes the org's facts of steps before `before` (kept ACTIVITY_RETENTION_DAYS); how many. */
  deleteBefore(orgId: string, before: Date): Promise<number>;
  /** When the chat started, as its start fact says (null when it has none). */
  startOf(orgId: string, conversationId: string): Promise<Date | null>;
  /** When the chats started whose facts were written at or after `since` (those known to have started). */
  startsTouchedSince(orgId: string, since: Date): Promise<Date[]>;
  /** The chats that started in [from, to), from their facts. */
  chatsStartedBetween(orgId: string, from: Date, to: Date): Promise<ChatActivity[]>;
  /** Facts written before this were rolled up (null: never rolled up). */
  rolledUpThrough(orgId: string): Promise<Date | null>;
  setRolledUpThrough(orgId: string, through: Date): Promise<void>;
  saveDay(day: ActivityDay): Promise<void>;
  /** The days of [from, to] that have counts, by date. */
  days(orgId: string, from: string, to: string): Promise<ActivityDay[]>;
}

const factId = (orgId: string, conversationId: string, step: ActivityStep['step']) => compoundKey(orgId, conversationId, step);

export function createChatActivityRepository(db: Db): ChatActivityRepository {
  const facts = db.collection<FactDocument>('chat_activity');
  const days = db.collection<DayDocument>('activity_days');
  const rollups = db.collection<RollupDocument>('activity_rollups');
  return {
    async record(fact) {
      const _id = factId(fact.orgId, fact.conversationId, fact.step);
      const doc: FactDocument = { _id, ...fact };
      if (fact.step === 'rating') {
        const { _id: _, ...fields } = doc;
        await facts.updateOne({ _id }, { $set: fields }, { upsert: true });
        return true;
      }
      try {
        await facts.insertOne(doc);
        return true;
      } catch (error) {
        if ((error as { code?: number }).code === 11000) return false;
        throw error;
      }
    },
    async deleteBefore(orgId, before) {
      // By step, so the (org, step, time) index serves it.
      return (await facts.deleteMany({ orgId, step: { $in: STEPS }, at: { $lt: before } })).deletedCount;
    },
    async startOf(orgId, conversationId) {
      return (await facts.findOne({ _id: factId(orgId, conversationId, 'start') }, { projection: { at: 1 } }))?.at ?? null;
    },
    async startsTouchedSince(orgId, since) {
      const touched = await facts.find({ orgId, recordedAt: { $gte: since } }, { projection: { conversationId: 1, step: 1, at: 1 } }).toArray();
      const starts = touched.filter((f) => f.step === 'start').map((f) => f.at);
      const known = new Set(touched.filter((f) => f.step === 'start').map((f) => f.conversationId));
      const others = [...new Set(touched.filter((f) => !known.has(f.conversationId)).map((f) => f.conversationId))];
      if (others.length === 0) return starts;
      const more = await facts.find({ _id: { $in: others.map((c) => factId(orgId, c, 'start')) } }, { projection: { at: 1 } }).toArray();
      return [...starts, ...more.map((f) => f.at)];
    },
    async chatsStartedBetween(orgId, from, to) {
      const starts = await facts.find({ orgId, step: 'start', at: { $gte: from, $lt: to } }).toArray();
      if (starts.length === 0) return [];
      const ids = starts.map((s) => s.conversationId);
      const later = await facts.find({ _id: { $in: ids.flatMap((c) => [factId(orgId, c, 'answer'), factId(orgId, c, 'end')]) } }).toArray();
      const answers = new Map(later.filter((f) => f.step === 'answer').map((f) => [f.conversationId, f]));
      const ended = new Set(later.filter((f) => f.step === 'end').map((f) => f.conversationId));
      return starts.map((start) => {
        const answer = answers.get(start.conversationId);
        return {
          conversationId: start.conversationId,
          startedAt: start.at,
          routingGroupId: (start['routingGroupId'] as string | null | undefined) ?? null,
          answerTimeMs: (start['answerTimeMs'] as number | null | undefined) ?? null,
          firstAnswer: answer
            ? {
                at: answer.at,
                agentId: String(answer['agentId']),
                agentName: String(answer['agentName']),
                origin: answer['origin'] === 'slack' ? 'slack' : 'console',
              }
            : null,
          ended: ended.has(start.conversationId),
        };
      });
    },
    async rolledUpThrough(orgId) {
      return (await rollups.findOne({ _id: orgId }))?.through ?? null;
    },
    async setRolledUpThrough(orgId, through) {
      await rollups.updateOne({ _id: orgId }, { $set: { through } }, { upsert: true });
    },
    async saveDay({ orgId, date, timeZone, rolledAt, day, groups, agents, groupNames }) {
      const _id = compoundKey(orgId, date);
      await days.replaceOne({ _id }, { orgId, date, timeZone, rolledAt, counts: encodeCounts({ day, groups, agents, groupNames }) }, { upsert: true });
    },
    async days(orgId, from, to) {
      const docs = await days
        .find({ orgId, date: { $gte: from, $lte: to } })
        .sort({ date: 1 })
        .toArray();
      return docs.map(({ orgId: org, date, timeZone, rolledAt, counts }) => ({
        orgId: org,
        date,
        timeZone,
        rolledAt,
        ...decodeCounts(counts),
      }));
    },
  };
}

export type { ActivityCounts };
