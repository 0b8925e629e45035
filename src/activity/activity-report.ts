// An org's activity over a range of its days (src/routing/activity-figures.ts says what each
// figure means), from the per-day counts the roll-up keeps: two reads, the settings and the days,
// whatever the range. Used by the activity API, and by the worker for App Home and the digest.
import type { Store } from '../store/index.ts';
import { timeZoneOf } from '../store/org-settings.repository.ts';
import type { ActivityReport } from '../routing/activity-figures.ts';
import { addCounts, emptyCounts, figuresOf, type ActivityCounts } from '../routing/activity-counts.ts';
import { datesBetween } from '../routing/activity-dates.ts';
import { PERCENTILE_ERROR } from '../routing/first-response-histogram.ts';

/** `range`: dates (YYYY-MM-DD, valid, `from` ≤ `to`; the API checks them) in the org's time zone. */
export async function activityReport(
  store: Pick<Store, 'orgSettings' | 'chatActivity'>,
  orgId: string,
  range: { from: string; to: string },
): Promise<ActivityReport> {
  const [settings, stored] = await Promise.all([store.orgSettings.get(orgId), store.chatActivity.days(orgId, range.from, range.to)]);
  const byDate = new Map(stored.map((d) => [d.date, d]));
  const groups = new Map<string, { name: string | null; counts: ActivityCounts }>();
  const agents = new Map<string, { name: string | null; counts: ActivityCounts }>();
  // Days in order, so the last name seen is the latest.
  for (const day of stored) {
    for (const { routingGroupId, ...counts } of day.groups) {
      const group = groups.get(routingGroupId) ?? { name: null, counts: emptyCounts() };
      group.name = day.groupNames[routingGroupId] ?? group.name;
      addCounts(group.counts, counts);
      groups.set(routingGroupId, group);
    }
    for (const { agentId, name, ...counts } of day.agents) {
      const agent = agents.get(agentId) ?? { name: null, counts: emptyCounts() };
      agent.name = name;
      addCounts(agent.counts, counts);
      agents.set(agentId, agent);
    }
  }
  return {
    from: range.from,
    to: range.to,
    timeZone: timeZoneOf(settings),
    percentileError: PERCENTILE_ERROR,
    days: datesBetween(range.from, range.to).map((date) => ({ date, ...figuresOf(byDate.get(date)?.day ?? emptyCounts()) })),
    groups: [...groups]
      .map(([routingGroupId, g]) => ({ routingGroupId, name: g.name, ...figuresOf(g.counts) }))
      .sort((a, b) => b.chats - a.chats || a.routingGroupId.localeCompare(b.routingGroupId)),
    agents: [...agents]
      .map(([agentId, a]) => ({ agentId, name: a.name, ...figuresOf(a.counts) }))
      .sort((a, b) => b.answered - a.answered || a.agentId.localeCompare(b.agentId)),
  };
}
