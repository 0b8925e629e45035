// The weekly digest, sweep by sweep against the Slack emulator with one clock for the workers and
// the emulator (clock.advance moves both): nothing before 09:00 of the chosen weekday in the
// org's time zone, one post after it with last week's figures (Monday to Sunday), none again that
// week however often the sweep runs and however many workers run it, one the next week; none
// while the digest is off or the worker has no figures.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runJob, startJobWorld, type JobWorld } from '../support/job-world.ts';
import { slackFaults } from '../../emulators/slack/fault-injection.ts';
import { sweepDigests } from '../../src/conversations/weekly-digest.ts';
import { processDigestJob } from '../../src/jobs/processors/digest.processor.ts';
import type { ActivityReport } from '../../src/routing/activity-figures.ts';
import type { ActivitySource } from '../../src/conversations/activity-source.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';
import type { Weekday } from '../../src/routing/org-calendar.ts';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

let w: JobWorld;
let channelId: string;
const asked: Array<{ orgId: string; from: string; to: string }> = [];

/** A week of figures: 40 chats, 3 missed, by one group and one agent. */
const source: ActivitySource = {
  async report(orgId, range) {
    asked.push({ orgId, ...range });
    const figures = {
      chats: 40,
      answered: 37,
      missed: 3,
      answeredInSlack: 30,
      answeredInConsole: 7,
      answeredWithinAnswerTime: 35,
      firstResponseSeconds: { p50: 45, p90: 200 },
    };
    const report: ActivityReport = {
      ...range,
      timeZone: 'UTC',
      percentileError: 'at most 25 % above the true value, never below',
      days: [{ date: range.from, ...figures }],
      groups: [{ routingGroupId: 'rg_1', name: 'Sales *EMEA*', ...figures }],
      agents: [{ agentId: w.agents.alice.agentId, name: 'Alice Agent', ...figures, chats: 37, missed: 0 }],
    };
    return report;
  },
};

const deps = (): WorkerDeps => ({ ...w.deps(), activityFigures: source });
const digests = () => w.slack.messages(channelId).filter((m) => m.text.startsWith('Last week'));

/** The weekday and date (UTC) of the workers' clock. */
function utcNow() {
  const now = w.clock.now();
  const weekday = now.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' }).toLowerCase() as Weekday;
  return { now, weekday, date: now.toISOString().slice(0, 10) };
}
/**
 * Moves the clock on to `hour`:`minute` UTC of the next Monday plus `days`: each test starts in
 * an ISO week of its own (a week's claim stays taken).
 */
function advanceToNextWeekAt(hour: number, minute = 0, days = 0) {
  const now = w.clock.now();
  const untilMonday = 7 - ((now.getUTCDay() + 6) % 7);
  const target = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + untilMonday + days, hour, minute);
  w.clock.advance(target - now.getTime());
}
const mondayBefore = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`);
  const back = ((d.getUTCDay() + 6) % 7) + 7;
  return new Date(d.getTime() - back * DAY_MS).toISOString().slice(0, 10);
};
const plusDays = (date: string, days: number) => new Date(new Date(`${date}T00:00:00Z`).getTime() + days * DAY_MS).toISOString().slice(0, 10);

async function setDigest(weekday: Weekday | null, timeZone?: string) {
  const current = await w.store.orgSettings.get(w.orgId);
  await w.store.orgSettings.save({ ...current!, digest: weekday ? { channelId, weekday } : null }, w.clock.now());
  if (timeZone !== undefined) await w.mongo.db.collection('org_settings').updateOne({ _id: w.orgId as never }, { $set: { timeZone } });
}

beforeAll(async () => {
  w = await startJobWorld('weekly-digest');
  channelId = await w.freshChannel('weekly-figures');
}, 60_000);

afterAll(async () => w?.close());

afterEach(async () => slackFaults(w.slack.url).clear());

beforeEach(async () => {
  await w.mongo.db.collection('org_settings').updateOne({ _id: w.orgId as never }, { $unset: { timeZone: '' } });
});

describe('the weekly digest', () => {
  it('on the weekday: nothing before 09:00, one post after with last week’s figures, none again that week (job run twice, two workers), one the next week', async () => {
    advanceToNextWeekAt(8, 30, 2);
    const day = utcNow();
    await setDigest(day.weekday);
    const before = digests().length;

    expect(await sweepDigests(deps())).toBe(0);
    expect(digests()).toHaveLength(before);
    expect(asked).toEqual([]);

    w.clock.advance(45 * 60_000); // 09:15
    expect(await sweepDigests(deps())).toBe(1);
    expect(digests()).toHaveLength(before + 1);
    const monday = mondayBefore(day.date);
    expect(asked).toEqual([{ orgId: w.orgId, from: monday, to: plusDays(monday, 6) }]);
    const post = digests().at(-1)!;
    expect(post.text).toBe(`Last week (${label(monday)} – ${label(plusDays(monday, 6))}): 40 chats, 3 missed, 37 answered.`);
    const blocks = JSON.stringify(post.blocks);
    expect(blocks).toContain(`Last week’s chats: ${label(monday)} – ${label(plusDays(monday, 6))}`);
    expect(blocks).toContain('*Missed*\\n3 (8 %)');
    expect(blocks).toContain('*Within the answer time*\\n35 (95 %)');
    expect(blocks).toContain('• *Sales ∗EMEA∗*: 40 chats, 3 missed, p50 45 s · p90 3 min 20 s');
    expect(blocks).toContain('• *Alice Agent*: 37 answered, p50 45 s · p90 3 min 20 s');
    expect(blocks).toContain(`<https://threadbridge.test/settings/${w.orgId}|the Slack integration settings>`);

    // The same week: the job run twice, then two workers at once, later that day: nothing more.
    await runJob(() => processDigestJob(deps(), { kind: 'sweep' }));
    await runJob(() => processDigestJob(deps(), { kind: 'sweep' }));
    w.clock.advance(5 * HOUR_MS);
    expect(await Promise.all([sweepDigests(deps()), sweepDigests(deps())])).toEqual([0, 0]);
    expect(digests()).toHaveLength(before + 1);

    // The next week's weekday, after 09:00: one more, of the week before it.
    w.clock.advance(7 * DAY_MS - 5 * HOUR_MS);
    const [a, b] = await Promise.all([sweepDigests(deps()), sweepDigests(deps())]);
    expect(a + b).toBe(1);
    expect(digests()).toHaveLength(before + 2);
    expect(asked.at(-1)).toEqual({ orgId: w.orgId, from: plusDays(monday, 7), to: plusDays(monday, 13) });
  });

  it('two workers at the same moment post it once', async () => {
    advanceToNextWeekAt(10);
    await setDigest(utcNow().weekday);
    const before = digests().length;
    const posted = await Promise.all([sweepDigests(deps()), sweepDigests(deps()), sweepDigests(deps())]);
    expect(posted.reduce((n, p) => n + p, 0)).toBe(1);
    expect(digests()).toHaveLength(before + 1);
  });

  it('another weekday, the digest off, or a worker without figures: nothing', async () => {
    advanceToNextWeekAt(11, 0, 4);
    const today = utcNow().weekday;
    const other = (['monday', 'tuesday'] as const).find((d) => d !== today)!;
    await setDigest(other);
    const before = digests().length;
    expect(await sweepDigests(deps())).toBe(0);
    await setDigest(null);
    expect(await sweepDigests(deps())).toBe(0);
    await setDigest(today);
    expect(await sweepDigests(w.deps())).toBe(0);
    expect(digests()).toHaveLength(before);
    await setDigest(null);
  });

  it('a post that fails for a while is tried again at the next sweep; a refusal for good skips the week', async () => {
    advanceToNextWeekAt(9, 30);
    await setDigest(utcNow().weekday);
    const before = digests().length;
    await slackFaults(w.slack.url).add({ method: 'chat.postMessage', status: 503, times: 1 });
    expect(await sweepDigests(deps())).toBe(0);
    expect(digests()).toHaveLength(before);
    // The claim was given back: the next sweep posts it, and only it.
    w.clock.advance(15 * 60_000);
    expect(await sweepDigests(deps())).toBe(1);
    expect(await sweepDigests(deps())).toBe(0);
    expect(digests()).toHaveLength(before + 1);

    // The next week Slack refuses for good (the channel archived): that week is skipped, not tried all day.
    w.clock.advance(7 * DAY_MS);
    await slackFaults(w.slack.url).add({ method: 'chat.postMessage', status: 200, error: 'is_archived', times: 1 });
    const posts = w.slack.calls({ method: 'chat.postMessage' }).length;
    expect(await sweepDigests(deps())).toBe(0);
    w.clock.advance(15 * 60_000);
    expect(await sweepDigests(deps())).toBe(0);
    expect(w.slack.calls({ method: 'chat.postMessage' })).toHaveLength(posts + 1);
    expect(digests()).toHaveLength(before + 1);
    await setDigest(null);
  });

  it('09:00 is the org’s: in America/New_York it waits for 13:00 or 14:00 UTC', async () => {
    advanceToNextWeekAt(12, 30, 6);
    const ny = () => w.clock.now().toLocaleDateString('en-US', { weekday: 'long', timeZone: 'America/New_York' }).toLowerCase() as Weekday;
    await setDigest(ny(), 'America/New_York');
    const before = digests().length;
    // 12:30 UTC is 07:30 or 08:30 in New York.
    expect(await sweepDigests(deps())).toBe(0);
    w.clock.advance(2 * HOUR_MS); // 14:30 UTC: 09:30 or 10:30 in New York
    expect(await sweepDigests(deps())).toBe(1);
    expect(digests()).toHaveLength(before + 1);
    await setDigest(null);
  });
});

function label(date: string) {
  return new Intl.DateTimeFormat('en', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}
