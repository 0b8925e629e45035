// The weekly digest (the org's `digest` setting: a channel and a weekday): last week's activity
// figures, Monday to Sunday of the org's calendar, posted once a week on the chosen weekday from
// 09:00 in the org's time zone. A sweep every few minutes (the `digests` queue's scheduled job)
// looks at the orgs with the digest on; the one worker that claims the org's ISO week in the store
// posts it, so two workers, a job run twice and a restart post it once. A post that fails for a
// while gives the claim back, for the next sweep; a refusal that will not change (the channel
// archived, the app removed) keeps it: the week is skipped, and said in the log.
import type { ConversationDeps } from './conversation-deps.ts';
import type { DigestSetting } from '../store/index.ts';
import { orgTimeZone, type ActivitySource } from './activity-source.ts';
import { postJoiningIfNeeded } from './posting.ts';
import { isoWeek, localTime, weekBefore } from '../routing/org-calendar.ts';
import { weeklyDigestMessage } from '../slack/format/weekly-digest.ts';
import { SlackApiError } from '../errors/index.ts';

export type WeeklyDigestDeps = Pick<ConversationDeps, 'store' | 'slack' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget' | 'activityFigures'> & {
  /** PUBLIC_URL: the digest links to the settings page where it is changed or stopped. */
  publicUrl: string;
};

/** The digest is posted from this hour (the org's time) of its weekday. */
export const DIGEST_HOUR = 9;

/** Each org whose digest is due now gets it (once per ISO week); returns how many were posted. */
export async function sweepDigests(deps: WeeklyDigestDeps): Promise<number> {
  const activity = deps.activityFigures;
  if (!activity) {
    deps.logger.debug('digest sweep: this worker has no activity figures; nothing posted');
    return 0;
  }
  let posted = 0;
  for (const { orgId, digest } of await deps.store.orgSettings.withDigest()) {
    try {
      if (await postDigestIfDue(deps, activity, orgId, digest)) posted++;
    } catch (error) {
      // One org's failure never keeps the others' digests back; its claim was given back for the next sweep.
      deps.logger.warn({ err: error, orgId }, 'weekly digest not posted; tried again at the next sweep');
    }
  }
  return posted;
}

async function postDigestIfDue(deps: WeeklyDigestDeps, activity: ActivitySource, orgId: string, digest: DigestSetting): Promise<boolean> {
  const now = deps.now();
  const timeZone = await orgTimeZone(deps.store, orgId);
  const local = localTime(now, timeZone);
  if (local.weekday !== digest.weekday || local.hour < DIGEST_HOUR) return false;
  const installation = await deps.store.installations.findByOrg(orgId);
  const token = installation?.status === 'active' ? await deps.store.installations.botToken(installation.teamId, orgId) : null;
  if (!installation || !token) return false;
  const week = isoWeek(local.date);
  if (!(await deps.store.digestClaims.claim(orgId, week, now))) return false;
  const log = deps.logger.child({ orgId, week, channel: digest.channelId });
  try {
    const report = await activity.report(orgId, weekBefore(local.date));
    const message = weeklyDigestMessage(report, settingsUrl(deps.publicUrl, orgId));
    await postJoiningIfNeeded(deps, installation.teamId, token, { channel: digest.channelId, ...message });
  } catch (error) {
    if (error instanceof SlackApiError && !error.transient) {
      log.warn({ code: error.code }, 'weekly digest: Slack refused the post; this week is skipped (choose another channel in the settings)');
      return false;
    }
    await deps.store.digestClaims.release(orgId, week);
    throw error;
  }
  log.info('weekly digest posted');
  return true;
}

function settingsUrl(publicUrl: string, orgId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/settings/${encodeURIComponent(orgId)}`;
}
