// The activity report's month sums, on the test server (FerretDB unless MONGODB_URL says
// otherwise): a range starting and ending mid-month adds up to what its chats count, reading each
// whole month's sum and the end months' days (no more reads for a year than for two months); a
// day rewritten changes its month's sum; a sum out of step with its days is never used; groups
// and agents carry the name they had last; day documents of the first form are still read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { CommandStartedEvent } from 'mongodb';
import { connectMongo, createStore, ensureIndexes, type Mongo, type Store } from '../../src/store/index.ts';
import { createTokenCipher } from '../../src/crypto/token-cipher.ts';
import { encodeCounts } from '../../src/store/chat-activity.repository.ts';
import { compoundKey } from '../../src/store/compound-key.ts';
import { activityReport } from '../../src/activity/activity-report.ts';
import { rollUpActivity } from '../../src/activity/activity-rollup.ts';
import { recordChatStart, recordFirstAnswer } from '../../src/activity/activity-recording.ts';
import { countDay, figuresOf, type ChatActivity } from '../../src/routing/activity-counts.ts';
import { datesBetween } from '../../src/routing/activity-dates.ts';
import { memoryLocks } from '../support/memory-locks.ts';
import type { JobProducer } from '../../src/queues/queues.ts';
import { mongoUrl, uniqueDbName } from '../support/services.ts';

let mongo: Mongo;
let store: Store;
const commands: string[] = [];
const record = (e: CommandStartedEvent) => {
  const body = e.command as Record<string, unknown>;
  if (e.commandName === 'find' || e.commandName === 'getMore') commands.push(`${e.commandName} ${String(body[e.commandName])}`);
};

beforeAll(async () => {
  mongo = await connectMongo(mongoUrl(), uniqueDbName('activity-months'), { monitorCommands: true });
  await ensureIndexes(mongo.db);
  store = createStore(mongo.db, createTokenCipher(Buffer.alloc(32, 5)));
  mongo.client.on('commandStarted', record);
});
afterAll(async () => {
  mongo?.client.off('commandStarted', record);
  await mongo?.db.dropDatabase();
  await mongo?.close();
});

/** A few chats a day, in two groups, answered by three agents (named as `names` says) or missed. */
function chatsOf(date: string, names: Record<string, string> = {}): ChatActivity[] {
  const seed = Number(date.slice(8, 10)) + Number(date.slice(5, 7)) * 31;
  return Array.from({ length: 3 + (seed % 4) }, (_, i) => {
    const startedAt = new Date(`${date}T0${i}:00:00Z`);
    const agentId = `agt_${(seed + i) % 3}`;
    return {
      conversationId: `c_${date}_${i}`,
      startedAt,
      routingGroupId: `grp_${(seed + i) % 2}`,
      answerTimeMs: 60_000,
      firstAnswer:
        (seed + i) % 5 === 0
          ? null
          : {
              at: new Date(startedAt.getTime() + (1 + ((seed * 7 + i * 13) % 200)) * 1000),
              agentId,
              agentName: names[agentId] ?? agentId.toUpperCase(),
              origin: i % 2 === 0 ? 'slack' : 'console',
            },
      ended: true,
    };
  });
}

async function saveDays(orgId: string, dates: string[], names: Record<string, string> = {}, groupNames: Record<string, string> = {}) {
  for (const date of dates)
    await store.chatActivity.saveDay({ orgId, date, timeZone: 'UTC', ...countDay(chatsOf(date, names)), groupNames, rolledAt: new Date() });
}

const monthsOf = (dates: string[]) => dates.map((d) => d.slice(0, 7));

async function counted(orgId: string, from: string, to: string) {
  commands.length = 0;
  const report = await activityReport(store, orgId, { from, to });
  return { report, reads: [...commands] };
}

/** The range's figures counted from all its chats at once, as the anchor of the bench does. */
function expectedOf(from: string, to: string) {
  const all = countDay(datesBetween(from, to).flatMap((date) => chatsOf(date)));
  return {
    groups: all.groups
      .map(({ routingGroupId, ...c }) => ({ routingGroupId, ...figuresOf(c) }))
      .sort((a, b) => a.routingGroupId.localeCompare(b.routingGroupId)),
    agents: all.agents.map(({ agentId, ...c }) => ({ agentId, ...figuresOf(c) })).sort((a, b) => a.agentId.localeCompare(b.agentId)),
  };
}

const byId = <T extends { routingGroupId?: string; agentId?: string }>(rows: T[]) =>
  [...rows].sort((a, b) => (a.routingGroupId ?? a.agentId ?? '').localeCompare(b.routingGroupId ?? b.agentId ?? ''));

describe('activity month sums', () => {
  it('a range starting and ending mid-month adds up to its chats, reading whole months as sums: as many reads for a year as for two months', async () => {
    const orgId = 'org_year';
    const dates = datesBetween('2025-11-20', '2026-12-10');
    await saveDays(orgId, dates);
    await store.chatActivity.sumMonths(orgId, monthsOf(dates));

    const year = await counted(orgId, '2025-12-08', '2026-12-07');
    const expected = expectedOf('2025-12-08', '2026-12-07');
    expect(byId(year.report.groups).map(({ name, ...g }) => g)).toEqual(expected.groups);
    expect(byId(year.report.agents).map(({ name, ...a }) => a)).toEqual(expected.agents);
    expect(year.report.days).toHaveLength(365);
    expect(year.report.days.reduce((sum, d) => sum + d.chats, 0)).toBe(datesBetween('2025-12-08', '2026-12-07').flatMap((d) => chatsOf(d)).length);
    // The settings, the days, the month sums, and the days of December 2025 and of December 2026: one reply each.
    expect(year.reads.sort()).toEqual([
      'find activity_day_breakdowns',
      'find activity_day_breakdowns',
      'find activity_days',
      'find activity_months',
      'find org_settings',
    ]);

    const twoMonths = await counted(orgId, '2026-03-15', '2026-04-10');
    expect(byId(twoMonths.report.agents).map(({ name, ...a }) => a)).toEqual(expectedOf('2026-03-15', '2026-04-10').agents);
    expect(twoMonths.reads.length).toBe(year.reads.length - 1); // no whole month: no sums to read
  });

  it('a day rewritten by a roll-up changes its month, and the report reads the month as its sum', async () => {
    const orgId = 'org_rewritten';
    let now = new Date('2026-11-30T12:00:00Z');
    const rollups: string[] = [];
    const locks = memoryLocks();
    const deps = {
      store,
      producer: { rollUpActivity: async () => void rollups.push(orgId) } as unknown as JobProducer,
      locks,
      logger: pino({ level: 'silent' }),
      now: () => now,
      activity: { retentionDays: 90, rollupDelayMs: 10 },
    };
    const start = (id: string, startedAt: string) =>
      recordChatStart(
        deps,
        {
          id,
          orgId,
          routingGroupId: 'grp_sales',
          source: 'web',
          pageUrl: null,
          startedAt,
          visitor: { id: `v_${id}`, name: null, email: null, company: null },
          account: null,
        },
        store.orgSettings.get(orgId),
      );
    await start('c1', '2026-11-03T10:00:00Z');
    await recordFirstAnswer(deps, orgId, 'c1', { agentId: 'agt_a', name: 'Alice', origin: 'slack', at: new Date('2026-11-03T10:00:05Z'), startedAt: null });
    await start('c2', '2026-11-20T10:00:00Z');
    await rollUpActivity(deps, orgId);
    const before = await counted(orgId, '2026-11-01', '2026-11-30');
    expect(before.report.groups).toEqual([expect.objectContaining({ routingGroupId: 'grp_sales', chats: 2, answered: 1 })]);
    expect(before.report.agents).toEqual([expect.objectContaining({ agentId: 'agt_a', name: 'Alice', chats: 1 })]);

    // Later, November 3rd gets another chat, and November 20th's is answered.
    now = new Date('2026-12-01T09:00:00Z');
    await start('c3', '2026-11-03T11:00:00Z');
    await recordFirstAnswer(deps, orgId, 'c3', { agentId: 'agt_b', name: 'Bob', origin: 'console', at: new Date('2026-11-03T11:00:09Z'), startedAt: null });
    await recordFirstAnswer(deps, orgId, 'c2', { agentId: 'agt_a', name: 'Alice', origin: 'slack', at: new Date('2026-12-01T08:00:00Z'), startedAt: null });
    await rollUpActivity(deps, orgId);
    const after = await counted(orgId, '2026-11-01', '2026-11-30');
    expect(after.report.groups).toEqual([
      expect.objectContaining({ routingGroupId: 'grp_sales', chats: 3, answered: 3, answeredInSlack: 2, answeredInConsole: 1 }),
    ]);
    expect(after.report.agents.map((a) => [a.agentId, a.name, a.answered])).toEqual([
      ['agt_a', 'Alice', 2],
      ['agt_b', 'Bob', 1],
    ]);
    // The month came as its sum: no day's breakdown was read.
    expect(after.reads.filter((r) => r.includes('activity_day_breakdowns'))).toEqual([]);
  });

  it('a month sum out of step with its days (a roll-up died between them, or two ran at once) is not used', async () => {
    const orgId = 'org_stale';
    const dates = datesBetween('2026-10-01', '2026-10-31');
    await saveDays(orgId, dates);
    await store.chatActivity.sumMonths(orgId, ['2026-10']);
    // October 10th rewritten with more chats, its month not summed again.
    const more = [
      ...chatsOf('2026-10-10'),
      ...chatsOf('2026-10-11').map((c) => ({ ...c, conversationId: `${c.conversationId}_moved`, startedAt: new Date('2026-10-10T20:00:00Z') })),
    ];
    await store.chatActivity.saveDay({ orgId, date: '2026-10-10', timeZone: 'UTC', ...countDay(more), groupNames: {}, rolledAt: new Date() });
    const { report } = await counted(orgId, '2026-10-01', '2026-10-31');
    const all = countDay(dates.flatMap((date) => (date === '2026-10-10' ? more : chatsOf(date))));
    expect(byId(report.agents).map(({ name, ...a }) => a)).toEqual(
      all.agents.map(({ agentId, name, ...c }) => ({ agentId, ...figuresOf(c) })).sort((a, b) => a.agentId.localeCompare(b.agentId)),
    );
    expect(report.groups.reduce((sum, g) => sum + g.chats, 0)).toBe(all.day.chats);
  });

  it('groups and agents are named by their latest name, across part months and whole months', async () => {
    const orgId = 'org_names';
    await saveDays(orgId, datesBetween('2026-08-25', '2026-08-31'), { agt_0: 'Al Old', agt_1: 'Bea', agt_2: 'Cy' }, { grp_0: 'Sales (old)', grp_1: 'Support' });
    await saveDays(orgId, datesBetween('2026-09-01', '2026-09-14'), { agt_0: 'Al', agt_1: 'Bea', agt_2: 'Cy' }, { grp_0: 'Sales' });
    await saveDays(orgId, datesBetween('2026-09-15', '2026-09-30'), { agt_0: 'Alan', agt_1: 'Bea', agt_2: 'Cy' });
    await saveDays(orgId, datesBetween('2026-10-01', '2026-10-05'), { agt_0: 'Alan', agt_1: 'Beatrice', agt_2: 'Cy' }, { grp_1: 'Customer care' });
    await store.chatActivity.sumMonths(orgId, ['2026-08', '2026-09', '2026-10']);
    const { report, reads } = await counted(orgId, '2026-08-28', '2026-10-03');
    expect(reads).toContain('find activity_months');
    expect(Object.fromEntries(report.agents.map((a) => [a.agentId, a.name]))).toEqual({ agt_0: 'Alan', agt_1: 'Beatrice', agt_2: 'Cy' });
    expect(Object.fromEntries(report.groups.map((g) => [g.routingGroupId, g.name]))).toEqual({ grp_0: 'Sales', grp_1: 'Customer care' });
    // Ending in the whole month, the names are its latest.
    const september = await counted(orgId, '2026-08-28', '2026-09-30');
    expect(Object.fromEntries(september.report.agents.map((a) => [a.agentId, a.name]))).toEqual({ agt_0: 'Alan', agt_1: 'Bea', agt_2: 'Cy' });
    expect(Object.fromEntries(september.report.groups.map((g) => [g.routingGroupId, g.name]))).toEqual({ grp_0: 'Sales', grp_1: 'Support' });
  });

  it('day documents written before the split (one counts string) are read, in whole months and at the ends', async () => {
    const orgId = 'org_first_form';
    const firstForm = datesBetween('2026-06-28', '2026-07-31');
    for (const date of firstForm) {
      await mongo.db
        .collection<{ _id: string }>('activity_days')
        .replaceOne(
          { _id: compoundKey(orgId, date) },
          { orgId, date, timeZone: 'UTC', rolledAt: new Date(), counts: encodeCounts({ ...countDay(chatsOf(date)), groupNames: { grp_0: 'Sales' } }) },
          { upsert: true },
        );
    }
    // A later roll-up rewrites July 31st in the new form and sums July: its other days are still of the first form.
    await saveDays(orgId, ['2026-07-31'], {}, { grp_0: 'Sales' });
    await saveDays(orgId, datesBetween('2026-08-01', '2026-08-03'), {}, { grp_0: 'Sales' });
    await store.chatActivity.sumMonths(orgId, ['2026-07', '2026-08']);
    const { report } = await counted(orgId, '2026-06-29', '2026-08-02');
    const expected = expectedOf('2026-06-29', '2026-08-02');
    expect(byId(report.agents).map(({ name, ...a }) => a)).toEqual(expected.agents);
    expect(byId(report.groups).map(({ name, ...g }) => g)).toEqual(expected.groups);
    expect(report.groups.find((g) => g.routingGroupId === 'grp_0')?.name).toBe('Sales');
    expect(report.days.map((d) => d.chats)).toEqual(datesBetween('2026-06-29', '2026-08-02').map((d) => chatsOf(d).length));
  });
});
