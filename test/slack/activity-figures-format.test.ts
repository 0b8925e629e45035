// The activity figures as Slack shows them (App Home's "Your last 7 days", the weekly digest, a
// first-response time in words) and the org calendar they are counted on (its days, ISO weeks,
// the week before, the hour in its time zone): table by table, data in, text out.
import { describe, expect, it } from 'vitest';
import { responseTime } from '../../src/slack/format/durations.ts';
import { appHomeView, type HomeWeek } from '../../src/slack/format/app-home.ts';
import { weeklyDigestMessage } from '../../src/slack/format/weekly-digest.ts';
import { isoWeek, knownTimeZone, lastDays, localTime, weekBefore } from '../../src/routing/org-calendar.ts';
import type { ActivityFigures, ActivityReport } from '../../src/routing/activity-figures.ts';

describe('a first-response time in words', () => {
  it.each([
    [null, 'no answer yet'],
    [0, '0 s'],
    [44.6, '45 s'],
    [60, '1 min'],
    [125, '2 min 5 s'],
    [3599, '59 min 59 s'],
    [3600, '1 h'],
    [4210, '1 h 10 min'],
    [90_000, '25 h'],
  ])('%s s → %s', (seconds, words) => {
    expect(responseTime(seconds)).toBe(words);
  });
});

describe('App Home: the rep’s last 7 days', () => {
  const week = (over: Partial<HomeWeek> = {}): HomeWeek => ({
    answered: 12,
    medianFirstResponseSeconds: 45,
    missedInGroups: 3,
    groupNames: ['Sales', 'Support'],
    ...over,
  });
  const texts = (view: ReturnType<typeof appHomeView>) => JSON.stringify(view.blocks);

  it.each([
    {
      why: 'under the open chats: three figures and what they count',
      week: week(),
      has: ['Your last 7 days', '*Chats answered*\\n12', '*Median first response*\\n45 s', '*Missed chats of your groups*\\n3', 'in Sales, Support.'],
    },
    {
      why: 'nothing answered',
      week: week({ answered: 0, medianFirstResponseSeconds: null }),
      has: ['*Chats answered*\\n0', '*Median first response*\\nno answer yet'],
    },
    {
      why: 'in no routing group',
      week: week({ missedInGroups: 0, groupNames: [] }),
      has: ['*Missed chats of your groups*\\n0', 'you are in no routing group.'],
    },
    { why: 'group names escaped', week: week({ groupNames: ['<!channel> & co'] }), has: ['in &lt;!channel&gt; &amp; co.'] },
    {
      why: 'many groups: the names that fit, the rest counted',
      week: week({ groupNames: Array.from({ length: 80 }, (_, i) => `Routing group number ${i}`) }),
      has: ['Routing group number 0, ', 'more.'],
    },
  ])('$why', ({ week: w, has }) => {
    const view = appHomeView({ mapped: { agentName: 'Alice' }, chats: [], moreChats: 0, week: w });
    const text = texts(view);
    for (const part of has) expect(text).toContain(part);
    // After the chats: the week's header comes after "No open chats".
    expect(text.indexOf('No open chats')).toBeLessThan(text.indexOf('Your last 7 days'));
    expect(view.blocks.slice(-3).map((b) => b.type)).toEqual(['header', 'section', 'context']);
  });

  it('without figures (none given, or null), the tab is as before', () => {
    const before = appHomeView({ mapped: { agentName: 'Alice' }, chats: [], moreChats: 0 });
    expect(appHomeView({ mapped: { agentName: 'Alice' }, chats: [], moreChats: 0, week: null })).toEqual(before);
    expect(texts(before)).not.toContain('Your last 7 days');
  });

  it('an unmapped user gets no figures', () => {
    expect(texts(appHomeView({ mapped: null, chats: [], moreChats: 0, week: week() }))).not.toContain('Your last 7 days');
  });
});

const zero: ActivityFigures = {
  chats: 0,
  answered: 0,
  missed: 0,
  answeredInSlack: 0,
  answeredInConsole: 0,
  answeredWithinAnswerTime: 0,
  firstResponseSeconds: { p50: null, p90: null },
};
const f = (chats: number, missed: number, p50: number | null, p90: number | null): ActivityFigures => ({
  chats,
  answered: chats - missed,
  missed,
  answeredInSlack: chats - missed - 1,
  answeredInConsole: 1,
  answeredWithinAnswerTime: chats - missed - 1,
  firstResponseSeconds: { p50, p90 },
});
function report(over: Partial<ActivityReport> = {}): ActivityReport {
  return {
    from: '2026-11-30',
    to: '2026-12-06',
    timeZone: 'Europe/Berlin',
    percentileError: 'at most 25 % above the true value, never below',
    days: [
      { date: '2026-11-30', ...f(30, 2, 40, 120) },
      { date: '2026-12-01', ...f(10, 1, 60, 300) },
    ],
    groups: [{ routingGroupId: 'rg_1', name: 'Sales', ...f(40, 3, 45, 200) }],
    agents: [{ agentId: 'ag_1', name: 'Alice', ...f(37, 0, 45, 200) }],
    ...over,
  };
}

describe('the weekly digest message', () => {
  const text = (r: ActivityReport, url: string | null = 'https://tb.test/settings/org_1') => JSON.stringify(weeklyDigestMessage(r, url).blocks);

  it.each([
    {
      why: 'a week of chats: the totals, by group and by agent, what the figures mean, the link to change it',
      report: report(),
      summary: 'Last week (Mon, Nov 30 – Sun, Dec 6): 40 chats, 3 missed, 37 answered.',
      has: [
        'Last week’s chats: Mon, Nov 30 – Sun, Dec 6',
        '*Chats*\\n40',
        '*Missed*\\n3 (8 %)',
        '*Answered*\\n37 (93 %)',
        '*Within the answer time*\\n35 (95 %)',
        '*Answered in Slack / the console*\\n35 / 2',
        '*By routing group*\\n• *Sales*: 40 chats, 3 missed, p50 45 s · p90 3 min 20 s',
        '*By agent (answered first)*\\n• *Alice*: 37 answered, p50 45 s · p90 3 min 20 s',
        'Days in Europe/Berlin.',
        'at most 25 % above the true value, never below',
        '<https://tb.test/settings/org_1|the Slack integration settings>',
      ],
    },
    {
      why: 'a week without chats: says so, nothing else',
      report: report({ days: [{ date: '2026-11-30', ...zero }], groups: [], agents: [] }),
      summary: 'Last week (Mon, Nov 30 – Sun, Dec 6): no chats.',
      has: ['No chats last week'],
    },
    {
      why: 'names escaped, bold kept closed, unknown names by id',
      report: report({
        groups: [{ routingGroupId: 'rg_9', name: null, ...f(5, 5, null, null) }],
        agents: [{ agentId: 'ag_9', name: '*Bo* <@U123>', ...f(4, 0, 30, 30) }],
      }),
      summary: 'Last week (Mon, Nov 30 – Sun, Dec 6): 40 chats, 3 missed, 37 answered.',
      has: ['• *group rg_9*: 5 chats, 5 missed, p50 no answer yet · p90 no answer yet', '• *∗Bo∗ &lt;@U123&gt;*: 4 answered'],
    },
    {
      why: 'more than ten groups: ten listed, the rest counted',
      report: report({ groups: Array.from({ length: 14 }, (_, i) => ({ routingGroupId: `rg_${i}`, name: `Group ${i}`, ...f(20 - i, 0, 30, 60) })) }),
      summary: 'Last week (Mon, Nov 30 – Sun, Dec 6): 40 chats, 3 missed, 37 answered.',
      has: ['• *Group 9*:', '…and 4 more'],
    },
  ])('$why', ({ report: r, summary, has }) => {
    const message = weeklyDigestMessage(r, 'https://tb.test/settings/org_1');
    expect(message.text).toBe(summary);
    for (const part of has) expect(text(r)).toContain(part);
  });

  it('without a usable settings link, no link', () => {
    expect(text(report(), 'javascript:alert(1)')).not.toContain('javascript');
    expect(text(report(), null)).not.toContain('Change or stop');
  });
});

describe('the org calendar', () => {
  it.each([
    ['2026-12-07', '2026-W50'],
    ['2026-01-01', '2026-W01'],
    ['2027-01-01', '2026-W53'],
    ['2024-12-30', '2025-W01'],
    ['2026-12-06', '2026-W49'],
  ])('%s is in ISO week %s', (date, week) => {
    expect(isoWeek(date)).toBe(week);
  });

  it.each([
    ['2026-12-07', { from: '2026-11-30', to: '2026-12-06' }],
    ['2026-12-13', { from: '2026-11-30', to: '2026-12-06' }],
    ['2026-01-01', { from: '2025-12-22', to: '2025-12-28' }],
  ])('the week before %s', (date, week) => {
    expect(weekBefore(date)).toEqual(week);
  });

  it.each([
    { at: '2026-12-07T08:59:00Z', zone: 'UTC', local: { date: '2026-12-07', weekday: 'monday', hour: 8 } },
    { at: '2026-12-07T23:30:00Z', zone: 'Europe/Berlin', local: { date: '2026-12-08', weekday: 'tuesday', hour: 0 } },
    { at: '2026-12-07T03:00:00Z', zone: 'America/New_York', local: { date: '2026-12-06', weekday: 'sunday', hour: 22 } },
    { at: '2026-12-07T03:00:00Z', zone: 'Not/AZone', local: { date: '2026-12-07', weekday: 'monday', hour: 3 } },
  ])('$at in $zone', ({ at, zone, local }) => {
    expect(localTime(new Date(at), zone)).toEqual(local);
  });

  it('the last 7 days end with the org’s today', () => {
    expect(lastDays(new Date('2026-12-07T23:30:00Z'), 'Europe/Berlin', 7)).toEqual({ from: '2026-12-02', to: '2026-12-08' });
    expect(lastDays(new Date('2026-12-07T23:30:00Z'), 'UTC', 30)).toEqual({ from: '2026-11-08', to: '2026-12-07' });
  });

  it('a zone the runtime does not know reads as UTC', () => {
    expect(knownTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(knownTimeZone('Mars/Olympus')).toBe('UTC');
    expect(knownTimeZone(null)).toBe('UTC');
  });
});
