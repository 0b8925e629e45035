// Each chat's activity facts and the per-day counts rolled up from them, on the test server
// (FerretDB unless MONGODB_URL says otherwise): a step is written once however often its event
// or job comes (also concurrently), a roll-up run again writes the same figures, and a chat
// counts on the day it started in the org's time zone.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { CommandStartedEvent } from 'mongodb';
import { useTestStore } from '../support/test-store.ts';
import { mongoUrl } from '../support/services.ts';
import { connectMongo, createStore } from '../../src/store/index.ts';
import { createTokenCipher } from '../../src/crypto/token-cipher.ts';
import { memoryLocks } from '../support/memory-locks.ts';
import type { JobProducer } from '../../src/queues/queues.ts';
import { recordChatStart, recordEnd, recordFirstAnswer } from '../../src/activity/activity-recording.ts';
import { rollUpActivity } from '../../src/activity/activity-rollup.ts';
import { activityReport } from '../../src/activity/activity-report.ts';
import type { Conversation } from '../../src/platform/webhook-events.ts';

const t = useTestStore('chat-activity');

function world(orgId: string, now: Date) {
  const rollups: string[] = [];
  const observed = { firstResponses: [] as number[], missed: 0 };
  const deps = {
    store: t.store,
    producer: { rollUpActivity: async ({ orgId: org }: { orgId: string }) => void rollups.push(org) } as unknown as JobProducer,
    locks: memoryLocks(),
    logger: pino({ level: 'silent' }),
    now: () => now,
    activity: { retentionDays: 90, rollupDelayMs: 10 },
    observe: { firstResponse: (s: number) => void observed.firstResponses.push(s), chatMissed: () => void observed.missed++ },
  };
  const conversation = (id: string, startedAt: string, routingGroupId: string | null = 'grp_sales'): Conversation => ({
    id,
    orgId,
    routingGroupId,
    source: 'web',
    pageUrl: null,
    startedAt,
    visitor: { id: `v_${id}`, name: null, email: null, company: null },
    account: null,
  });
  return { orgId, deps, rollups, observed, conversation };
}

describe('chat activity', () => {
  it('the same event twice, or a retried job, records each step once and counts the metrics once', async () => {
    const orgId = 'org_twice';
    const w = world(orgId, new Date('2026-12-07T12:00:00Z'));
    const chat = w.conversation('c1', '2026-12-07T10:00:00Z');
    await recordChatStart(w.deps, chat, t.store.orgSettings.get(w.orgId));
    await recordChatStart(w.deps, chat, t.store.orgSettings.get(w.orgId));
    const answer = { agentId: 'agt_a', name: 'Alice', origin: 'slack' as const, at: new Date('2026-12-07T10:00:03Z'), startedAt: new Date(chat.startedAt) };
    // Concurrent deliveries: one insert wins on either server.
    await Promise.all(Array.from({ length: 8 }, () => recordFirstAnswer(w.deps, orgId, 'c1', answer)));
    await recordEnd(w.deps, orgId, 'c1', 'visitor', true);
    await recordEnd(w.deps, orgId, 'c1', 'visitor', true);
    expect(w.observed).toEqual({ firstResponses: [3], missed: 0 });
    // Every call asks for a roll-up, so a job that died after its write still gets one.
    expect(w.rollups.length).toBe(12);

    await rollUpActivity(w.deps, orgId);
    const once = await activityReport(t.store, orgId, { from: '2026-12-07', to: '2026-12-07' });
    await rollUpActivity(w.deps, orgId);
    expect(await activityReport(t.store, orgId, { from: '2026-12-07', to: '2026-12-07' })).toEqual(once);
    expect(once.days).toEqual([
      {
        date: '2026-12-07',
        chats: 1,
        answered: 1,
        missed: 0,
        answeredInSlack: 1,
        answeredInConsole: 0,
        answeredWithinAnswerTime: 1,
        firstResponseSeconds: { p50: 3, p90: 3 },
      },
    ]);
    expect(once.agents).toEqual([expect.objectContaining({ agentId: 'agt_a', name: 'Alice', chats: 1, answered: 1 })]);
    expect(once.groups).toEqual([expect.objectContaining({ routingGroupId: 'grp_sales', name: null, chats: 1 })]);
  });

  it('a missed chat is counted once, and a chat answered or ended on a later day counts on its start day', async () => {
    const orgId = 'org_later';
    const w = world(orgId, new Date('2026-12-08T09:00:00Z'));
    await recordChatStart(w.deps, w.conversation('c1', '2026-12-07T22:00:00Z'), t.store.orgSettings.get(w.orgId));
    await recordChatStart(w.deps, w.conversation('c2', '2026-12-07T22:10:00Z'), t.store.orgSettings.get(w.orgId));
    await rollUpActivity(w.deps, orgId);
    // The next day: one is answered, the other ends unanswered.
    await recordFirstAnswer(w.deps, orgId, 'c1', { agentId: 'agt_b', name: 'Bob', origin: 'console', at: new Date('2026-12-08T08:00:00Z'), startedAt: null });
    await recordEnd(w.deps, orgId, 'c2', 'timeout', false);
    await recordEnd(w.deps, orgId, 'c2', 'timeout', false);
    await rollUpActivity(w.deps, orgId);
    expect(w.observed).toEqual({ firstResponses: [10 * 3600], missed: 1 });
    const report = await activityReport(t.store, orgId, { from: '2026-12-07', to: '2026-12-08' });
    expect(report.days.map((d) => [d.date, d.chats, d.answered, d.missed, d.answeredInConsole, d.answeredWithinAnswerTime])).toEqual([
      ['2026-12-07', 2, 1, 1, 1, 0],
      ['2026-12-08', 0, 0, 0, 0, 0],
    ]);
  });

  it('a chat started 23:30 UTC counts on the next day in Europe/Berlin, on the same day in UTC', async () => {
    for (const [orgId, timeZone, date] of [
      ['org_berlin', 'Europe/Berlin', '2026-12-08'],
      ['org_utc', 'UTC', '2026-12-07'],
    ] as const) {
      const w = world(orgId, new Date('2026-12-08T01:00:00Z'));
      await t.store.orgSettings.save({ orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: null, timeZone }, new Date());
      await recordChatStart(w.deps, w.conversation('late', '2026-12-07T23:30:00Z'), t.store.orgSettings.get(w.orgId));
      await rollUpActivity(w.deps, orgId);
      const report = await activityReport(t.store, orgId, { from: '2026-12-07', to: '2026-12-08' });
      expect(report.timeZone).toBe(timeZone);
      expect(report.days.filter((d) => d.chats > 0).map((d) => d.date)).toEqual([date]);
    }
  });

  it('the answer time as it was when the chat started decides "within"', async () => {
    const orgId = 'org_answer_time';
    const w = world(orgId, new Date('2026-12-07T12:00:00Z'));
    await t.store.orgSettings.save({ orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: null, answerTimeMs: 60_000 }, new Date());
    await recordChatStart(w.deps, w.conversation('c1', '2026-12-07T10:00:00Z'), t.store.orgSettings.get(w.orgId));
    await t.store.orgSettings.save({ orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: null, answerTimeMs: 600_000 }, new Date());
    await recordFirstAnswer(w.deps, orgId, 'c1', { agentId: 'agt_a', name: 'Alice', origin: 'slack', at: new Date('2026-12-07T10:05:00Z'), startedAt: null });
    await rollUpActivity(w.deps, orgId);
    const [day] = (await activityReport(t.store, orgId, { from: '2026-12-07', to: '2026-12-07' })).days;
    expect(day).toMatchObject({ answered: 1, answeredWithinAnswerTime: 0 });
  });

  it("a report never holds another org's chats", async () => {
    const a = world('org_iso_a', new Date('2026-12-07T12:00:00Z'));
    const b = world('org_iso_b', new Date('2026-12-07T12:00:00Z'));
    await recordChatStart(a.deps, a.conversation('shared_id', '2026-12-07T10:00:00Z'), t.store.orgSettings.get(a.orgId));
    await recordChatStart(b.deps, b.conversation('shared_id', '2026-12-07T10:00:00Z', 'grp_b'), t.store.orgSettings.get(b.orgId));
    await rollUpActivity(a.deps, 'org_iso_a');
    await rollUpActivity(b.deps, 'org_iso_b');
    const report = await activityReport(t.store, 'org_iso_a', { from: '2026-12-07', to: '2026-12-07' });
    expect(report.days[0]!.chats).toBe(1);
    expect(report.groups.map((g) => g.routingGroupId)).toEqual(['grp_sales']);
  });

  it("a roll-up deletes the org's facts older than the retention, and keeps the day counts", async () => {
    const orgId = 'org_retention';
    const old = world(orgId, new Date('2026-09-01T12:00:00Z'));
    await recordChatStart(old.deps, old.conversation('old', '2026-09-01T10:00:00Z'), t.store.orgSettings.get(old.orgId));
    await rollUpActivity(old.deps, orgId);
    const later = world(orgId, new Date('2026-12-07T12:00:00Z'));
    await recordChatStart(later.deps, later.conversation('new', '2026-12-07T10:00:00Z'), t.store.orgSettings.get(later.orgId));
    await rollUpActivity(later.deps, orgId);
    const facts = await t.mongo.db.collection('chat_activity').find({ orgId }).toArray();
    expect(facts.map((f) => f['conversationId'])).toEqual(['new']);
    const report = await activityReport(t.store, orgId, { from: '2026-09-01', to: '2026-12-07' });
    expect(report.days.filter((d) => d.chats > 0).map((d) => d.date)).toEqual(['2026-09-01', '2026-12-07']);
  });

  it("a roll-up reads the facts by the org or by _id, never by a list of _ids, and counts none of another org's", async () => {
    // FerretDB on PostgreSQL pushes only equalities down to SQL: `_id: {$in: [...]}` read every
    // org's facts in the deployment and filtered them in Go, on every roll-up of every org.
    const monitored = await connectMongo(mongoUrl(), t.mongo.db.databaseName, { monitorCommands: true });
    try {
      const deps = { ...world('org_reads', new Date('2026-12-08T12:00:00Z')).deps, store: createStore(monitored.db, createTokenCipher(Buffer.alloc(32, 5))) };
      const other = world('org_reads_other', new Date('2026-12-08T12:00:00Z'));
      const mine = world('org_reads', new Date('2026-12-08T12:00:00Z'));
      // The other org has chats of the same ids, answered and ended; it is never rolled up here.
      for (const id of ['r1', 'r2', 'r3']) {
        await recordChatStart(other.deps, other.conversation(id, '2026-12-07T10:00:00Z'), t.store.orgSettings.get(other.orgId));
        await recordFirstAnswer(other.deps, other.orgId, id, {
          agentId: 'agt_o',
          name: 'Olga',
          origin: 'slack',
          at: new Date('2026-12-07T10:01:00Z'),
          startedAt: null,
        });
        await recordEnd(other.deps, other.orgId, id, 'agent', true);
      }
      await recordChatStart(deps, mine.conversation('r1', '2026-12-07T10:00:00Z'), t.store.orgSettings.get(mine.orgId));
      await recordChatStart(deps, mine.conversation('r2', '2026-12-07T11:00:00Z'), t.store.orgSettings.get(mine.orgId));
      await recordChatStart(deps, mine.conversation('r3', '2026-12-08T09:00:00Z'), t.store.orgSettings.get(mine.orgId));
      await rollUpActivity(deps, mine.orgId);
      // Later: a chat of the day before answered and another ended, so the roll-up looks up their starts.
      await recordFirstAnswer(deps, mine.orgId, 'r1', {
        agentId: 'agt_a',
        name: 'Alice',
        origin: 'slack',
        at: new Date('2026-12-08T10:00:00Z'),
        startedAt: null,
      });
      await recordEnd(deps, mine.orgId, 'r2', 'timeout', false);
      const commands: CommandStartedEvent[] = [];
      const record = (event: CommandStartedEvent) => void commands.push(event);
      monitored.client.on('commandStarted', record);
      await rollUpActivity({ ...deps, now: () => new Date('2026-12-08T12:05:00Z') }, mine.orgId);
      monitored.client.off('commandStarted', record);

      const factReads = commands.filter((c) => ['find', 'delete'].includes(c.commandName) && Object.values(c.command).includes('chat_activity'));
      const filters = factReads.flatMap((c) =>
        c.commandName === 'find' ? [c.command['filter']] : (c.command['deletes'] as Array<{ q: unknown }>).map((d) => d.q),
      );
      expect(filters.length).toBeGreaterThan(0);
      for (const filter of filters) expect(typeof filter._id === 'string' || typeof filter.orgId === 'string', JSON.stringify(filter)).toBe(true);
      expect(filters.filter((f) => typeof f._id === 'string').map((f) => f._id)).toEqual(expect.arrayContaining([expect.stringContaining('org_reads:r1')]));

      const report = await activityReport(t.store, mine.orgId, { from: '2026-12-07', to: '2026-12-08' });
      expect(report.days.map((d) => [d.date, d.chats, d.answered, d.missed])).toEqual([
        ['2026-12-07', 2, 1, 1],
        ['2026-12-08', 1, 0, 0],
      ]);
      expect(report.agents.map((a) => a.agentId)).toEqual(['agt_a']);
    } finally {
      await monitored.close();
    }
  });
});
