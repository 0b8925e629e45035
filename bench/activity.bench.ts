// `npm run bench` (activity part): one busy org, a year of per-day activity counts (1,000 chats a
// day, 8 routing groups, 40 agents; with their month sums, as the roll-up leaves them) and the raw
// per-chat facts of its last RAW_DAYS days (the facts are kept ACTIVITY_RETENTION_DAYS, 90 by
// default, so a year of them never exists). Measures the
// activity API (GET /api/orgs/:orgId/activity, through the web process) for the year and for the
// RAW_DAYS days, and, as the anchor in the same run, the same RAW_DAYS days' figures computed from
// the raw facts (what the API would do without the roll-up). Writes bench-results/activity.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { launchProduct } from '../sandbox/launch.ts';
import { freePort } from '../local-services/index.ts';
import { countDay, type ChatActivity } from '../src/routing/activity-counts.ts';
import { datesBetween, nextDate } from '../src/routing/activity-dates.ts';
import type { Store } from '../src/store/index.ts';
import { summary } from './stats.ts';

const CHATS_A_DAY = Number(process.env.BENCH_ACTIVITY_CHATS_A_DAY ?? 1000);
const RAW_DAYS = Number(process.env.BENCH_ACTIVITY_RAW_DAYS ?? 2);
const SAMPLES = Number(process.env.BENCH_ACTIVITY_SAMPLES ?? 40);
const ANCHOR_SAMPLES = Number(process.env.BENCH_ACTIVITY_ANCHOR_SAMPLES ?? 3);
const GROUPS = 8;
const AGENTS = 40;

/** A day's chats, the same shape every day: most answered in seconds to minutes, one in twelve missed. */
function chatsOf(date: string): ChatActivity[] {
  const dayStart = Date.parse(`${date}T00:00:00Z`);
  return Array.from({ length: CHATS_A_DAY }, (_, i) => {
    const startedAt = new Date(dayStart + Math.floor((i / CHATS_A_DAY) * 86_400_000));
    const answered = i % 12 !== 0;
    const seconds = 1 + ((i * 37) % 600);
    return {
      conversationId: `conv_${date}_${i}`,
      startedAt,
      routingGroupId: `grp_${i % GROUPS}`,
      answerTimeMs: 120_000,
      firstAnswer: answered
        ? {
            at: new Date(startedAt.getTime() + seconds * 1000),
            agentId: `agt_${i % AGENTS}`,
            agentName: `Agent ${i % AGENTS}`,
            origin: i % 3 === 0 ? 'console' : 'slack',
          }
        : null,
      ended: true,
    };
  });
}

async function seedRawFacts(store: Store, orgId: string, chats: ChatActivity[]): Promise<void> {
  const recordedAt = new Date();
  const writes = chats.flatMap((c) => [
    store.chatActivity.record({
      orgId,
      conversationId: c.conversationId,
      at: c.startedAt,
      recordedAt,
      step: 'start',
      routingGroupId: c.routingGroupId,
      answerTimeMs: c.answerTimeMs,
    }),
    ...(c.firstAnswer
      ? [
          store.chatActivity.record({
            orgId,
            conversationId: c.conversationId,
            at: c.firstAnswer.at,
            recordedAt,
            step: 'answer',
            agentId: c.firstAnswer.agentId,
            agentName: c.firstAnswer.agentName,
            origin: c.firstAnswer.origin,
          }),
        ]
      : []),
    store.chatActivity.record({
      orgId,
      conversationId: c.conversationId,
      at: new Date(c.startedAt.getTime() + 900_000),
      recordedAt,
      step: 'end',
      endedBy: 'visitor',
    }),
  ]);
  await Promise.all(writes);
}

async function main(): Promise<void> {
  const logDir = `${process.cwd()}/bench-results/logs`;
  mkdirSync(logDir, { recursive: true });
  const product = await launchProduct({ webPort: await freePort(), workerRuntime: 'node', workers: 1, logDir });
  try {
    const { store } = product;
    const { orgId } = product.world;
    const to = new Date().toISOString().slice(0, 10);
    const dates = datesBetween(new Date(Date.parse(`${to}T00:00:00Z`) - 364 * 86_400_000).toISOString().slice(0, 10), to);
    const rawDates = dates.slice(-RAW_DAYS);
    const seedStarted = Date.now();
    console.log(`seeding ${orgId}…`);
    for (let i = 0; i < dates.length; i += 20) {
      await Promise.all(
        dates
          .slice(i, i + 20)
          .map((date) => store.chatActivity.saveDay({ orgId, date, timeZone: 'UTC', ...countDay(chatsOf(date)), groupNames: {}, rolledAt: new Date() })),
      );
    }
    // As a roll-up leaves them: each month's breakdown summed once its days are written.
    await store.chatActivity.sumMonths(
      orgId,
      dates.map((date) => date.slice(0, 7)),
    );
    for (const date of rawDates) {
      const chats = chatsOf(date);
      for (let i = 0; i < chats.length; i += 250) await seedRawFacts(store, orgId, chats.slice(i, i + 250));
    }
    const seedSeconds = Math.round((Date.now() - seedStarted) / 100) / 10;
    console.log(`seeded ${dates.length} days of counts and ${rawDates.length} of raw facts in ${seedSeconds} s`);

    const api = async (from: string, until: string) => {
      const started = performance.now();
      const res = await fetch(`${product.webUrl}/api/orgs/${orgId}/activity?from=${from}&to=${until}`, {
        headers: { authorization: `Bearer ${product.secrets.adminApiToken}` },
      });
      const body = (await res.json()) as { days: Array<{ chats: number }> };
      if (res.status !== 200) throw new Error(`the activity API answered ${res.status}: ${JSON.stringify(body)}`);
      return { ms: performance.now() - started, chats: body.days.reduce((sum, d) => sum + d.chats, 0) };
    };
    // Warm up, and check the figures are the seeded ones.
    const year = await api(dates[0]!, to);
    if (year.chats !== CHATS_A_DAY * dates.length) throw new Error(`the year shows ${year.chats} chats, seeded ${CHATS_A_DAY * dates.length}`);
    const yearMs: number[] = [];
    for (let i = 0; i < SAMPLES; i++) yearMs.push((await api(dates[0]!, to)).ms);
    const recentMs: number[] = [];
    for (let i = 0; i < SAMPLES; i++) recentMs.push((await api(rawDates[0]!, to)).ms);

    // The anchor: the same days' figures from the raw facts (every chat's facts read, then counted).
    const anchorMs: number[] = [];
    for (let i = 0; i < ANCHOR_SAMPLES; i++) {
      const started = performance.now();
      const chats = await store.chatActivity.chatsStartedBetween(orgId, new Date(`${rawDates[0]}T00:00:00Z`), new Date(`${nextDate(to)}T00:00:00Z`));
      const counted = countDay(chats);
      anchorMs.push(performance.now() - started);
      if (counted.day.chats !== CHATS_A_DAY * rawDates.length) throw new Error(`raw facts gave ${counted.day.chats} chats`);
    }

    const result = {
      chatsADay: CHATS_A_DAY,
      days: dates.length,
      rawDays: rawDates.length,
      seedSeconds,
      apiYear: summary(yearMs),
      apiRawDays: summary(recentMs),
      anchorFromRawFacts: summary(anchorMs),
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/activity.json', `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `activity API, a year of ${CHATS_A_DAY.toLocaleString('en')} chats a day: p50 ${result.apiYear.p50Ms} ms, p99 ${result.apiYear.p99Ms} ms (target < 300 ms p99); ` +
        `its last ${rawDates.length} days: p99 ${result.apiRawDays.p99Ms} ms; anchor, those ${rawDates.length} days from the raw facts: p50 ${result.anchorFromRawFacts.p50Ms} ms, p99 ${result.anchorFromRawFacts.p99Ms} ms`,
    );
  } finally {
    await product.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
