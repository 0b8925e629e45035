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
// A day's counts are computed from that day's facts as a whole and replaced, never incremented:
// a roll-up run twice, or after a worker died, writes the same figures. They are kept forever, in
// three collections, so that a report of a year reads little:
// - `activity_days` (_id compoundKey(org, date)): the day's own counts only, small;
// - `activity_day_breakdowns` (same _id): the day's counts by routing group and by agent;
// - `activity_months` (_id compoundKey(org, month)): the sum of a month's day breakdowns, which
//   the roll-up computes again from them (`sumMonths`) after it rewrote days of the month.
// A report reads the range's day documents, the sums of the months it covers whole and the
// breakdowns of the days in the months at its ends: four reads side by side. A month's sum names
// the breakdowns it added up (their hashes, which each day document carries too), so a sum that
// is not up to date with its days (a roll-up between its day and month writes, two roll-ups of an
// org at once after a lost lock) is seen as such and the month's day breakdowns read instead.
// Day documents of the first form (everything in one `counts` string, written before the split)
// are read as they are: their breakdown is inside, and no month sum matches them.
import type { Db } from 'mongodb';
import { createHash } from 'node:crypto';
import { sumBreakdowns, type ActivityCounts, type Breakdown, type ChatActivity, type DayCounts } from '../routing/activity-counts.ts';
import { datesBetween, nextDate } from '../routing/activity-dates.ts';
import { compoundKey } from './compound-key.ts';
import { findByIds } from './find-by-ids.ts';
import { groupedInserts, upsertWithRetry } from './mongo.ts';

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
 * Counts are stored as compact JSON strings (`pack`), not nested documents: FerretDB decodes every
 * field of every document it reads in Go, and a year of a busy org's days (8 groups, 40 agents,
 * each with its histogram) took about 4 s to read as nested documents, about 0.25 s as one string
 * each. Nothing queries inside them.
 */
interface DayDocument {
  _id: string;
  orgId: string;
  date: string;
  timeZone: string;
  rolledAt: Date;
  /** The day's own counts (`pack`). */
  day?: string;
  /** The hash of the day's breakdown as stored with it (`activity_day_breakdowns`). */
  breakdownHash?: string;
  /** The first form: day, groups, agents and group names in one string (`decodeCounts`). */
  counts?: string;
}

interface BreakdownDocument {
  _id: string;
  orgId: string;
  /** YYYY-MM: a month's day breakdowns are read by (org, month), an equality FerretDB pushes down. */
  month: string;
  date: string;
  hash: string;
  breakdown: string;
}

interface MonthDocument {
  _id: string;
  orgId: string;
  month: string;
  /** The day breakdowns added up, `date=hash` in date order, joined with ','. */
  summed: string;
  breakdown: string;
  summedAt: Date;
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

type PackedBreakdown = {
  groups: Array<[string, ...PackedCounts]>;
  agents: Array<[string, string, ...PackedCounts]>;
  groupNames: Record<string, string>;
};

const packBreakdown = ({ groups, agents, groupNames }: Breakdown): PackedBreakdown => ({
  groups: groups.map(({ routingGroupId, ...c }) => [routingGroupId, ...pack(c)]),
  agents: agents.map(({ agentId, name, ...c }) => [agentId, name, ...pack(c)]),
  groupNames,
});

const unpackBreakdown = (stored: PackedBreakdown): Breakdown => ({
  groups: stored.groups.map(([routingGroupId, ...c]) => ({ routingGroupId, ...unpack(c) })),
  agents: stored.agents.map(([agentId, name, ...c]) => ({ agentId, name, ...unpack(c) })),
  groupNames: stored.groupNames,
});

const encodeBreakdown = (breakdown: Breakdown): string => JSON.stringify(packBreakdown(breakdown));
const decodeBreakdown = (text: string): Breakdown => unpackBreakdown(JSON.parse(text) as PackedBreakdown);

/** A day's counts in the first form, one string (day documents written before the split). */
export function encodeCounts({ day, ...breakdown }: StoredCounts): string {
  return JSON.stringify({ day: pack(day), ...packBreakdown(breakdown) });
}

export function decodeCounts(text: string): StoredCounts {
  const { day, ...breakdown } = JSON.parse(text) as PackedBreakdown & { day: PackedCounts };
  return { day: unpack(day), ...unpackBreakdown(breakdown) };
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
const monthOf = (date: string) => date.slice(0, 7);

/** The months (YYYY-MM) [from, to] covers whole, and those it covers in part (at most two: its ends). */
function splitRange(from: string, to: string): { wholeMonths: string[]; partMonths: string[] } {
  const byMonth = new Map<string, string[]>();
  for (const date of datesBetween(from, to)) byMonth.set(monthOf(date), [...(byMonth.get(monthOf(date)) ?? []), date]);
  const whole = ([month, dates]: [string, string[]]) => dates[0]!.endsWith('-01') && monthOf(nextDate(dates.at(-1)!)) !== month;
  return { wholeMonths: [...byMonth].filter(whole).map(([m]) => m), partMonths: [...byMonth].filter((e) => !whole(e)).map(([m]) => m) };
}

/** What a report of a range reads: every day's own counts, and its breakdown in date-ordered parts (months summed, single days). */
export interface RangeCounts {
  days: Array<{ date: string; counts: ActivityCounts }>;
  breakdowns: Breakdown[];
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
  /** Replaces the day's counts and breakdown; its month's sum is out of date until `sumMonths` (reports read the month's days meanwhile). */
  saveDay(day: ActivityDay): Promise<void>;
  /** Computes each month's (YYYY-MM) breakdown sum again from its days' breakdowns, and replaces it. */
  sumMonths(orgId: string, months: string[]): Promise<void>;
  /** The counts of [from, to] (dates YYYY-MM-DD, from ≤ to): the days that have counts, by date, and the range's breakdown. */
  rangeCounts(orgId: string, from: string, to: string): Promise<RangeCounts>;
}

/** More than a range's days (366) or a month's: each read is one reply. */
const BATCH = 1000;

const factId = (orgId: string, conversationId: string, step: ActivityStep['step']) => compoundKey(orgId, conversationId, step);

export function createChatActivityRepository(db: Db): ChatActivityRepository {
  const facts = db.collection<FactDocument>('chat_activity');
  const days = db.collection<DayDocument>('activity_days');
  const breakdowns = db.collection<BreakdownDocument>('activity_day_breakdowns');
  const months = db.collection<MonthDocument>('activity_months');
  const rollups = db.collection<RollupDocument>('activity_rollups');
  const factInserts = groupedInserts(facts);
  return {
    async record(fact) {
      const _id = factId(fact.orgId, fact.conversationId, fact.step);
      const doc: FactDocument = { _id, ...fact };
      if (fact.step === 'rating') {
        const { _id: _, ...fields } = doc;
        await facts.updateOne({ _id }, { $set: fields }, { upsert: true });
        return true;
      }
      const [written] = await factInserts.insert([doc]);
      return written === true;
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
      const more = await findByIds(
        facts,
        others.map((c) => factId(orgId, c, 'start')),
        { projection: { at: 1 } },
      );
      return [...starts, ...more.map((f) => f.at)];
    },
    async chatsStartedBetween(orgId, from, to) {
      const starts = await facts.find({ orgId, step: 'start', at: { $gte: from, $lt: to } }).toArray();
      if (starts.length === 0) return [];
      const ids = starts.map((s) => s.conversationId);
      const later = await findByIds(
        facts,
        ids.flatMap((c) => [factId(orgId, c, 'answer'), factId(orgId, c, 'end')]),
      );
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
      const breakdown = encodeBreakdown({ groups, agents, groupNames });
      const hash = hashOf(breakdown);
      // The breakdown first: a day document names a breakdown that is stored.
      // (Two roll-ups of an org at once, after a lost lock, may both insert: FerretDB does not retry that E11000 itself.)
      await upsertWithRetry(() => breakdowns.replaceOne({ _id }, { orgId, month: monthOf(date), date, hash, breakdown }, { upsert: true }));
      await upsertWithRetry(() =>
        days.replaceOne({ _id }, { orgId, date, timeZone, rolledAt, day: JSON.stringify(pack(day)), breakdownHash: hash }, { upsert: true }),
      );
    },
    async sumMonths(orgId, monthList) {
      for (const month of new Set(monthList)) {
        const parts = (await breakdowns.find({ orgId, month }).toArray()).sort((a, b) => a.date.localeCompare(b.date));
        const sum = sumBreakdowns(parts.map((p) => decodeBreakdown(p.breakdown)));
        const summed = parts.map((p) => `${p.date}=${p.hash}`).join(',');
        await upsertWithRetry(() =>
          months.replaceOne(
            { _id: compoundKey(orgId, month) },
            { orgId, month, summed, breakdown: encodeBreakdown(sum), summedAt: new Date() },
            { upsert: true },
          ),
        );
      }
    },
    async rangeCounts(orgId, from, to) {
      const { wholeMonths, partMonths } = splitRange(from, to);
      // One batch each: the range's days (at most 366) and a month's breakdowns come in one reply.
      // (org, month) is what FerretDB pushes down; the dates only spare the wire and the parsing.
      const monthBreakdowns = (month: string) =>
        breakdowns
          .find({ orgId, month, date: { $gte: from, $lte: to } })
          .batchSize(BATCH)
          .toArray();
      const [dayDocs, monthDocs, partDocs] = await Promise.all([
        days
          .find({ orgId, date: { $gte: from, $lte: to } })
          .batchSize(BATCH)
          .toArray(),
        wholeMonths.length === 0
          ? []
          : months
              .find({ orgId, month: { $gte: wholeMonths[0]!, $lte: wholeMonths.at(-1)! } })
              .batchSize(BATCH)
              .toArray(),
        Promise.all(partMonths.map(monthBreakdowns)).then((lists) => lists.flat()),
      ]);
      dayDocs.sort((a, b) => a.date.localeCompare(b.date));
      const firstForm = new Map<string, Breakdown>();
      const dayCounts = dayDocs.map((doc) => {
        if (doc.day !== undefined) return { date: doc.date, counts: unpack(JSON.parse(doc.day) as PackedCounts) };
        const { day, ...breakdown } = decodeCounts(doc.counts ?? '');
        firstForm.set(doc.date, breakdown);
        return { date: doc.date, counts: day };
      });
      // A month's sum counts when it added up exactly the breakdowns its days name.
      const named = new Map<string, string[]>();
      for (const doc of dayDocs) named.set(monthOf(doc.date), [...(named.get(monthOf(doc.date)) ?? []), `${doc.date}=${doc.breakdownHash ?? ''}`]);
      const sums = new Map(monthDocs.filter((m) => m.summed === (named.get(m.month) ?? []).join(',')).map((m) => [m.month, m]));
      const stale = wholeMonths.filter((m) => named.has(m) && !sums.has(m));
      const staleDocs = (await Promise.all(stale.map(monthBreakdowns))).flat();
      const stored = new Map([...partDocs, ...staleDocs].map((b) => [b.date, b]));
      const dayBreakdown = (date: string): Breakdown[] => {
        const inline = firstForm.get(date);
        if (inline) return [inline];
        const doc = stored.get(date);
        return doc ? [decodeBreakdown(doc.breakdown)] : [];
      };
      // In date order, so that the names read last are the latest.
      const parts: Breakdown[] = [];
      for (const month of [...new Set(datesBetween(from, to).map(monthOf))]) {
        const sum = sums.get(month);
        if (sum) parts.push(decodeBreakdown(sum.breakdown));
        else parts.push(...dayDocs.filter((d) => monthOf(d.date) === month).flatMap((d) => dayBreakdown(d.date)));
      }
      return { days: dayCounts, breakdowns: parts };
    },
  };
}

export type { ActivityCounts };
