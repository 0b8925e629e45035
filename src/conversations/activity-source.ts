// Where App Home and the weekly digest get an org's activity figures (src/routing/activity-figures.ts):
// a dependency the worker is given, so tests pass a report of their own. The worker wires in the
// store's report (src/activity/activity-report.ts); a worker given none shows no figures and
// posts no digest.
import type { ActivityReport } from '../routing/activity-figures.ts';
import type { Store } from '../store/index.ts';
import { knownTimeZone } from '../routing/org-calendar.ts';

export interface ActivitySource {
  /** The org's figures over its calendar days `from` to `to` (YYYY-MM-DD, both included). */
  report(orgId: string, range: { from: string; to: string }): Promise<ActivityReport>;
}

/** The org's time zone: its `timeZone` setting when this runtime knows it, else UTC. */
export async function orgTimeZone(store: Pick<Store, 'orgSettings'>, orgId: string): Promise<string> {
  // Read loosely: the setting is optional, and a value the runtime does not know reads as UTC.
  const settings = (await store.orgSettings.get(orgId)) as { timeZone?: unknown } | null;
  return knownTimeZone(typeof settings?.timeZone === 'string' ? settings.timeZone : null);
}
