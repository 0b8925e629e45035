// An org's activity over a range of its days (src/routing/activity-figures.ts says what each
// figure means), from the counts the roll-up keeps: the settings and the range's counts read side
// by side (the store reads each day's own counts, and the groups and agents as whole months' sums
// and the single days of the months at the ends: src/store/chat-activity.repository.ts), whatever
// the range. Used by the activity API, and by the worker for App Home and the digest.
import type { Store } from '../store/index.ts';
import { timeZoneOf } from '../store/org-settings.repository.ts';
import type { ActivityReport } from '../routing/activity-figures.ts';
import { emptyCounts, figuresOf, sumBreakdowns } from '../routing/activity-counts.ts';
import { datesBetween } from '../routing/activity-dates.ts';
import { PERCENTILE_ERROR } from '../routing/first-response-histogram.ts';

/** `range`: dates (YYYY-MM-DD, valid, `from` ≤ `to`; the API checks them) in the org's time zone. */
export async function activityReport(
  store: Pick<Store, 'orgSettings' | 'chatActivity'>,
  orgId: string,
  range: { from: string; to: string },
): Promise<ActivityReport> {
  const [settings, stored] = await Promise.all([store.orgSettings.get(orgId), store.chatActivity.rangeCounts(orgId, range.from, range.to)]);
  const byDate = new Map(stored.days.map((d) => [d.date, d.counts]));
  const { groups, agents, groupNames } = sumBreakdowns(stored.breakdowns);
  return {
    from: range.from,
    to: range.to,
    timeZone: timeZoneOf(settings),
    percentileError: PERCENTILE_ERROR,
    days: datesBetween(range.from, range.to).map((date) => ({ date, ...figuresOf(byDate.get(date) ?? emptyCounts()) })),
    groups: groups
      .map(({ routingGroupId, ...counts }) => ({ routingGroupId, name: groupNames[routingGroupId] ?? null, ...figuresOf(counts) }))
      .sort((a, b) => b.chats - a.chats || a.routingGroupId.localeCompare(b.routingGroupId)),
    agents: agents
      .map(({ agentId, name, ...counts }) => ({ agentId, name, ...figuresOf(counts) }))
      .sort((a, b) => b.answered - a.answered || a.agentId.localeCompare(b.agentId)),
  };
}
