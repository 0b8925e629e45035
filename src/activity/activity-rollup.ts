// Rolls up an org's activity facts into its per-day counts: the days whose chats got a fact since
// the last roll-up are each computed again from all their chats' facts and replaced, then the sums
// of their months again from the months' days (so running twice, or after a worker died half-way,
// writes the same figures). One roll-up of an org at a
// time (a Redis lock): two at once could each read before the other's facts and write last.
// It also deletes the org's facts older than ACTIVITY_RETENTION_DAYS.
import type { ActivityDeps } from './activity-deps.ts';
import { countDay } from '../routing/activity-counts.ts';
import { dateIn, nextDate, startOfDate } from '../routing/activity-dates.ts';
import { timeZoneOf } from '../store/org-settings.repository.ts';

export type RollupDeps = Pick<ActivityDeps, 'store' | 'producer' | 'locks' | 'logger' | 'now' | 'activity'>;

/** Facts written this long before the last roll-up began are read again: workers' clocks differ a little. */
const CLOCK_MARGIN_MS = 60_000;
const DAY_MS = 86_400_000;

export async function rollUpActivity(deps: RollupDeps, orgId: string): Promise<void> {
  const lock = await deps.locks.tryAcquire(`activity-rollup:${orgId}`, 60_000);
  if (!lock) {
    // Another roll-up of the org runs: one more after it, for what it may have read too early.
    await deps.producer.rollUpActivity({ orgId }, deps.activity.rollupDelayMs);
    return;
  }
  lock.renewWhileHeld(); // a first roll-up of a busy org reads many days
  try {
    const began = deps.now();
    const [settings, through, directory] = await Promise.all([
      deps.store.orgSettings.get(orgId),
      deps.store.chatActivity.rolledUpThrough(orgId),
      deps.store.platformDirectory.load(orgId),
    ]);
    const timeZone = timeZoneOf(settings);
    const since = new Date(through ? through.getTime() - CLOCK_MARGIN_MS : 0);
    const starts = await deps.store.chatActivity.startsTouchedSince(orgId, since);
    // A day whose facts may already be expiring is left as it was rolled up last.
    const oldest = dateIn(new Date(began.getTime() - (deps.activity.retentionDays - 1) * DAY_MS), timeZone);
    const dates = [...new Set(starts.map((at) => dateIn(at, timeZone)))].filter((d) => d >= oldest).sort();
    const groupNames = Object.fromEntries(directory.groups.map((g) => [g.groupId, g.name]));
    for (const date of dates) {
      const chats = await deps.store.chatActivity.chatsStartedBetween(orgId, startOfDate(date, timeZone), startOfDate(nextDate(date), timeZone));
      const counts = countDay(chats);
      const names = Object.fromEntries(counts.groups.flatMap((g) => (groupNames[g.routingGroupId] ? [[g.routingGroupId, groupNames[g.routingGroupId]!]] : [])));
      await deps.store.chatActivity.saveDay({ orgId, date, timeZone, ...counts, groupNames: names, rolledAt: deps.now() });
    }
    // Each rewritten day's month sum, added up again from the month's days (a report reads it).
    await deps.store.chatActivity.sumMonths(
      orgId,
      dates.map((date) => date.slice(0, 7)),
    );
    await deps.store.chatActivity.setRolledUpThrough(orgId, began);
    // The facts' retention is kept here, by the org's own roll-ups (FerretDB has no TTL index).
    const deleted = await deps.store.chatActivity.deleteBefore(orgId, new Date(began.getTime() - deps.activity.retentionDays * DAY_MS));
    deps.logger.debug({ orgId, days: dates, deleted }, 'activity rolled up');
  } finally {
    await lock.release();
  }
}
