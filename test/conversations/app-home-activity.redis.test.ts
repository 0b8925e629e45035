// The rep's App Home with their own last 7 days under their open chats, job by job against the
// Slack emulator: the figures come from the activity source the worker is given (a fake here, the
// store's report in the worker), the groups from the platform directory the worker caches. The
// range is the org's last 7 days in its time zone; a source that fails, or none, leaves the tab
// with its chats and without figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobWorld, type JobWorld } from '../support/job-world.ts';
import { processSlackEvent } from '../../src/jobs/processors/slack-event.processor.ts';
import { freshDirectory } from '../../src/conversations/notification-delivery.ts';
import type { ActivityFigures, ActivityReport } from '../../src/routing/activity-figures.ts';
import type { ActivitySource } from '../../src/conversations/activity-source.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';

let w: JobWorld;
const groups: Record<string, string> = {};

beforeAll(async () => {
  w = await startJobWorld('app-home-activity');
  groups['sales'] = w.platform.addRoutingGroup(w.orgId, { name: 'Sales <EMEA>', memberAgentIds: [w.agents.alice.agentId] }).id;
  groups['support'] = w.platform.addRoutingGroup(w.orgId, { name: 'Support', memberAgentIds: [w.agents.alice.agentId, w.agents.bob.agentId] }).id;
  groups['partners'] = w.platform.addRoutingGroup(w.orgId, { name: 'Partners', memberAgentIds: [w.agents.bob.agentId] }).id;
  await freshDirectory(w.deps(), w.orgId, { force: true });
}, 60_000);

afterAll(async () => w?.close());

const figures = (chats: number, answered: number, missed: number, p50: number | null): ActivityFigures => ({
  chats,
  answered,
  missed,
  answeredInSlack: answered,
  answeredInConsole: 0,
  answeredWithinAnswerTime: answered,
  firstResponseSeconds: { p50, p90: p50 === null ? null : p50 * 3 },
});

/** A report source that answers `report` for any range, recording the ranges asked for. */
function fakeSource(answer: (range: { from: string; to: string }) => ActivityReport | Promise<ActivityReport>) {
  const asked: Array<{ orgId: string; from: string; to: string }> = [];
  const source: ActivitySource = {
    async report(orgId, range) {
      asked.push({ orgId, ...range });
      return answer(range);
    },
  };
  return { source, asked };
}

function week(range: { from: string; to: string }): ActivityReport {
  return {
    ...range,
    timeZone: 'UTC',
    percentileError: 'at most 25 % above the true value, never below',
    days: [],
    groups: [
      { routingGroupId: groups['partners']!, name: 'Partners', ...figures(30, 25, 5, 60) },
      { routingGroupId: groups['sales']!, name: 'Sales <EMEA>', ...figures(20, 18, 2, 40) },
      { routingGroupId: groups['support']!, name: 'Support', ...figures(10, 9, 1, 90) },
    ],
    agents: [{ agentId: w.agents.alice.agentId, name: 'Alice Agent', ...figures(12, 12, 0, 45) }],
  };
}

async function openHome(deps: WorkerDeps, slackUserId: string) {
  await processSlackEvent(deps, {
    teamId: w.teamId,
    eventId: `Ev${Math.random()}`,
    eventTime: null,
    event: { type: 'app_home_opened', user: slackUserId, channel: 'D1', tab: 'home', event_ts: '1.2' } as never,
  });
  return JSON.stringify(w.slack.homeView(w.teamId, slackUserId));
}

const utcDate = (at: Date, days = 0) => new Date(at.getTime() + days * 86_400_000).toISOString().slice(0, 10);

describe('App Home: the rep’s last 7 days', () => {
  it('under the open chats: chats answered, median first response, missed chats of their groups (named, escaped)', async () => {
    const { source, asked } = fakeSource(week);
    const home = await openHome({ ...w.deps(), activityFigures: source }, w.agents.alice.slackUserId);
    const now = w.clock.now();
    expect(asked).toEqual([{ orgId: w.orgId, from: utcDate(now, -6), to: utcDate(now) }]);
    expect(home.indexOf('No open chats')).toBeLessThan(home.indexOf('Your last 7 days'));
    expect(home).toContain('*Chats answered*\\n12');
    expect(home).toContain('*Median first response*\\n45 s');
    // Alice is in Sales and Support: 2 + 1 missed; Partners is not hers.
    expect(home).toContain('*Missed chats of your groups*\\n3');
    expect(home).toContain('in Sales &lt;EMEA&gt;, Support.');
  });

  it('a rep who answered nothing this week: 0 and “no answer yet”, their groups’ missed chats all the same', async () => {
    const { source } = fakeSource(week);
    const home = await openHome({ ...w.deps(), activityFigures: source }, w.agents.bob.slackUserId);
    expect(home).toContain('*Chats answered*\\n0');
    expect(home).toContain('*Median first response*\\nno answer yet');
    expect(home).toContain('*Missed chats of your groups*\\n6');
    expect(home).toContain('in Support, Partners.');
  });

  it('the org’s own calendar: the 7 days end with today in its time zone', async () => {
    // Set as the settings route stores it (the `timeZone` setting), also when the org has saved no settings yet (an
    // update without upsert changed nothing then, and the check passed only in the hours both calendars share the date).
    await w.mongo.db.collection('org_settings').updateOne({ _id: w.orgId as never }, { $set: { timeZone: 'Pacific/Kiritimati' } }, { upsert: true });
    expect(await w.store.orgSettings.get(w.orgId)).toMatchObject({ timeZone: 'Pacific/Kiritimati' });
    try {
      const { source, asked } = fakeSource(week);
      await openHome({ ...w.deps(), activityFigures: source }, w.agents.alice.slackUserId);
      // UTC+14: its today is never before UTC's.
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Kiritimati' }).format(w.clock.now());
      expect(asked.at(-1)).toEqual({ orgId: w.orgId, from: utcDate(new Date(`${today}T12:00:00Z`), -6), to: today });
    } finally {
      await w.mongo.db.collection('org_settings').updateOne({ _id: w.orgId as never }, { $unset: { timeZone: '' } });
    }
  });

  it('figures that cannot be read, or a worker without them: the tab is published with the chats and without figures', async () => {
    const failing = fakeSource(() => Promise.reject(new Error('store unavailable')));
    const home = await openHome({ ...w.deps(), activityFigures: failing.source }, w.agents.alice.slackUserId);
    expect(failing.asked).toHaveLength(1);
    expect(home).toContain('Linked to the chat agent *Alice Agent*');
    expect(home).not.toContain('Your last 7 days');
    const without = await openHome(w.deps(), w.agents.alice.slackUserId);
    expect(without).toContain('Linked to the chat agent *Alice Agent*');
    expect(without).not.toContain('Your last 7 days');
  });

  it('an unmapped user sees what to do, and no figures are asked for', async () => {
    const { source, asked } = fakeSource(week);
    const home = await openHome({ ...w.deps(), activityFigures: source }, w.unmappedSlackUserId);
    expect(home).toContain("isn't linked to a chat agent");
    expect(home).not.toContain('Your last 7 days');
    expect(asked).toEqual([]);
  });
});
