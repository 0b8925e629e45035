// A problem a worker met with an org's integration after setup (src/store/org-problems.repository.ts):
// recorded for the settings page's Health section, and told to the Slack user who connected the
// workspace by DM, at most once a day per problem whichever worker sees it. A lost connection is
// recorded only: the app can no longer post, so the Health section is where it shows. The claim is
// taken before the post and given back when the post fails for a while, so a retried job DMs once.
import type { ConversationDeps } from './conversation-deps.ts';
import type { OrgProblemJob } from '../queues/queues.ts';
import { problemNotice, type ProblemNoticeInput } from '../slack/format/problem-notices.ts';
import { knownChannel } from '../directory/channel-membership.ts';
import { dmChannel, freshDirectory } from './notification-delivery.ts';
import { postJoiningIfNeeded } from './posting.ts';
import { SlackApiError, assertNever } from '../errors/index.ts';

export type OrgProblemNoticeDeps = Pick<
  ConversationDeps,
  'store' | 'slack' | 'platform' | 'producer' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget'
> & {
  /** PUBLIC_URL: the settings page's links start with it. */
  publicUrl: string;
};

/** The installer hears of one problem at most this often. */
export const PROBLEM_NOTICE_GAP_MS = 24 * 3600 * 1000;

/** The settings page's Health section for the org (the page asks for a session from the platform's Setup link). */
export function healthSectionUrl(publicUrl: string, orgId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/settings/${encodeURIComponent(orgId)}#health`;
}

export async function recordOrgProblem(deps: OrgProblemNoticeDeps, problem: OrgProblemJob): Promise<void> {
  const { orgId, kind, subject } = problem;
  const log = deps.logger.child({ orgId, problem: kind, subject });
  const now = deps.now();
  await deps.store.orgProblems.record(problem, now);
  if (kind === 'connection_lost') {
    log.warn('connection lost: recorded for the Health section (the app can no longer post, so nobody is told by DM)');
    return;
  }
  const installation = await deps.store.installations.findByOrg(orgId);
  const token = installation?.status === 'active' ? await deps.store.installations.botToken(installation.teamId, orgId) : null;
  if (!installation || !token) {
    log.info('problem recorded; Slack is not connected, so nobody is told by DM');
    return;
  }
  if (!installation.installerUserId) {
    log.info('problem recorded; nobody is told by DM: the installation does not say who connected it');
    return;
  }
  const { teamId, installerUserId } = installation;
  if (!(await deps.store.orgProblems.claimNotice(problem, now, PROBLEM_NOTICE_GAP_MS))) {
    log.debug('the installer was told of this problem within a day (or it is resolved)');
    return;
  }
  try {
    const notice = problemNotice(await noticeInput(deps, teamId, problem));
    const channel = await dmChannel(deps, teamId, token, installerUserId);
    if (!channel) {
      log.warn({ slackUser: installerUserId }, 'problem recorded; Slack will not let the app message the installer');
      return;
    }
    await postJoiningIfNeeded(deps, teamId, token, { channel, ...notice });
  } catch (error) {
    // A refusal that will not change (the installer's account deactivated, say): the claim stays,
    // so the next sighting today does not try again.
    if (error instanceof SlackApiError && !error.transient) {
      log.warn({ slackUser: installerUserId, code: error.code }, 'problem recorded; Slack refused the DM to the installer');
      return;
    }
    await deps.store.orgProblems.releaseNotice(problem, now);
    throw error;
  }
  log.info({ slackUser: installerUserId }, 'installer told of the problem by DM');
}

async function noticeInput(deps: OrgProblemNoticeDeps, teamId: string, problem: OrgProblemJob): Promise<ProblemNoticeInput> {
  const { orgId, kind, subject, detail } = problem;
  const healthUrl = healthSectionUrl(deps.publicUrl, orgId);
  if (kind === 'chats_undeliverable') return { kind, channel: null, usedBy: { groupNames: [], globalChannel: false }, detail, subject, healthUrl };
  if (kind === 'connection_lost') throw new Error('a lost connection is not told by DM');
  const [known, settings, groupIds, directory] = await Promise.all([
    knownChannel(deps, teamId, subject),
    deps.store.orgSettings.get(orgId),
    deps.store.slackRouting.groupsOfChannel(orgId, subject),
    // The groups' names as the platform has them now; the stored copy when it cannot be asked.
    freshDirectory(deps, orgId).catch(() => deps.store.platformDirectory.load(orgId)),
  ]);
  const name = (known as { name?: unknown } | null)?.name;
  const groupNames = groupIds.map((id) => directory.groups.find((g) => g.groupId === id)?.name ?? id);
  return {
    kind,
    channel: { id: subject, name: typeof name === 'string' && name ? name : null },
    usedBy: { groupNames, globalChannel: Boolean(settings?.globalChannelEnabled && settings.globalChannelId === subject) },
    detail,
    subject,
    healthUrl,
  };
}

/**
 * After the org's settings or connection changed (and its undeliverable chats were routed again):
 * the problems that are plainly gone are resolved. A lost connection once the workspace is
 * connected again; a channel's problems once the org no longer notifies in it (another channel
 * chosen for the group, the global channel changed or off); undeliverable chats of a cause none
 * is left of (`undeliverableCodes`: the causes of the chats still undeliverable, or null when
 * they were too many to read all).
 */
export async function resolveGoneProblems(
  deps: Pick<ConversationDeps, 'store'>,
  orgId: string,
  undeliverableCodes: ReadonlySet<string> | null,
): Promise<number> {
  const problems = await deps.store.orgProblems.list(orgId);
  if (problems.length === 0) return 0;
  const [installation, settings] = await Promise.all([deps.store.installations.findByOrg(orgId), deps.store.orgSettings.get(orgId)]);
  let resolved = 0;
  for (const problem of problems) {
    let gone: boolean;
    switch (problem.kind) {
      case 'connection_lost':
        gone = installation?.status === 'active';
        break;
      case 'chats_undeliverable':
        gone = undeliverableCodes !== null && !undeliverableCodes.has(problem.subject);
        break;
      case 'channel_archived':
      case 'app_removed_from_channel':
      case 'channel_refused':
        gone =
          !(settings?.globalChannelEnabled && settings.globalChannelId === problem.subject) &&
          !(await deps.store.slackRouting.isGroupChannel(orgId, problem.subject));
        break;
      default:
        assertNever(problem.kind, 'org problem kind');
    }
    if (!gone) continue;
    await deps.store.orgProblems.resolve(problem);
    resolved++;
  }
  return resolved;
}
