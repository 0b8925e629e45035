// Keeps the directory current between full syncs from Slack's events: channels created,
// renamed, archived, unarchived and deleted (public and private), shared with another company
// (Slack Connect) or no longer, the app joining or leaving a channel (which decides whether a
// private channel may be offered; a public channel the org notifies in is joined again), users
// joining or changing. A channel the org notifies in that is
// archived, or that the app is out of for good, is reported as the org's problem (the installer
// is told); unarchived or the app back in it, the problem is resolved.
// Other people joining or leaving only change member counts, which the periodic resync
// refreshes: counting them here would double-count whatever a running sync has already seen.
import type { DirectorySyncDeps } from './directory-sync-deps.ts';
import type { DirectoryChange, OrgProblemKind } from '../store/index.ts';
import { toDirectoryChannel, toDirectoryUser, type DirectoryChannel } from '../slack/slack-api.ts';
import { callWithinBudget } from '../slack/tiered-call-budget.ts';
import { recordDirectoryChange } from '../directory/directory-changes.ts';
import { SlackBudgetExhaustedError, SlackApiError } from '../errors/index.ts';
import { ensureAppInChannel, knownChannel } from '../directory/channel-membership.ts';

export type DirectoryEventsDeps = Pick<DirectorySyncDeps, 'store' | 'slack' | 'producer' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget'>;

interface DirectoryEvent {
  type: string;
  channel?: unknown;
  user?: unknown;
  is_ext_shared?: unknown;
}

/**
 * What an event changes in the directory; null when nothing (or it needs a Slack call first).
 * `workspaceId`: the Grid workspace of an org-wide install the event happened in, which a channel
 * created there belongs to when Slack's object does not say.
 */
export function directoryChangeOf(event: DirectoryEvent, botUserId: string, workspaceId: string | null = null): DirectoryChange | null {
  const channelId = typeof event.channel === 'string' ? event.channel : null;
  const channelObject = typeof event.channel === 'object' && event.channel ? (event.channel as { id?: unknown; name?: unknown }) : null;
  switch (event.type) {
    case 'channel_created': {
      const channel = channelObject && toDirectoryChannel(channelObject);
      return channel ? { op: 'add', kind: 'channels', entity: inWorkspace(channel, workspaceId) } : null;
    }
    case 'channel_rename':
    case 'group_rename':
      // Strings only: an event is outside input, and its fields are stored.
      return typeof channelObject?.id === 'string' && channelObject.id && typeof channelObject.name === 'string' && channelObject.name
        ? { op: 'patch', kind: 'channels', id: channelObject.id, fields: { name: channelObject.name } }
        : null;
    case 'channel_archive':
    case 'group_archive':
      return channelId ? { op: 'patch', kind: 'channels', id: channelId, fields: { isArchived: true } } : null;
    case 'channel_unarchive':
    case 'group_unarchive':
      return channelId ? { op: 'patch', kind: 'channels', id: channelId, fields: { isArchived: false } } : null;
    case 'channel_deleted':
    case 'group_deleted':
      return channelId ? { op: 'remove', kind: 'channels', id: channelId } : null;
    case 'channel_left':
    case 'group_left':
      return channelId ? { op: 'patch', kind: 'channels', id: channelId, fields: { isMember: false } } : null;
    case 'member_left_channel':
      return channelId && event.user === botUserId ? { op: 'patch', kind: 'channels', id: channelId, fields: { isMember: false } } : null;
    case 'channel_shared':
      return channelId ? { op: 'patch', kind: 'channels', id: channelId, fields: { isExtShared: true } } : null;
    case 'channel_unshared':
      // Still shared with another company when Slack says so (`is_ext_shared`).
      return channelId && typeof event.is_ext_shared === 'boolean'
        ? { op: 'patch', kind: 'channels', id: channelId, fields: { isExtShared: event.is_ext_shared } }
        : null;
    case 'team_join':
    case 'user_change': {
      const user = typeof event.user === 'object' && event.user ? toDirectoryUser(event.user) : null;
      return user ? { op: 'put', kind: 'users', entity: user } : null;
    }
    default:
      return null;
  }
}

/** A channel as an org-wide install keeps it: naming its workspace (Slack's, else the one it was seen in). */
function inWorkspace(channel: DirectoryChannel, workspaceId: string | null): DirectoryChannel {
  return workspaceId && !channel.workspaceId ? { ...channel, workspaceId } : channel;
}

/**
 * `workspaceId`: the workspace the event happened in (the job's); it names a Grid workspace only
 * for an org-wide install, whose key (`teamId`) is the organization's: a workspace install's
 * channels are its own workspace's, as ever.
 */
export async function applyDirectoryEvent(
  deps: DirectoryEventsDeps,
  teamId: string,
  botUserId: string,
  event: DirectoryEvent,
  workspaceId: string | null = null,
): Promise<void> {
  const gridWorkspace = workspaceId && workspaceId !== teamId ? workspaceId : null;
  if (event.type === 'member_joined_channel') {
    if (event.user !== botUserId || typeof event.channel !== 'string') return;
    // The app was added to a channel, perhaps a private one it could not see: fetch it now so
    // that it is offered within seconds, not at the next resync.
    const channelId = event.channel;
    // A channel the directory knows only changes its membership: a fetched copy written now
    // could be older than an event handled meanwhile (an archive, a rename) and undo it.
    if (await knownChannel(deps, teamId, channelId)) {
      await recordDirectoryChange(deps, teamId, { op: 'patch', kind: 'channels', id: channelId, fields: { isMember: true } });
      await resolveChannelProblems(deps, teamId, channelId, ['app_removed_from_channel', 'channel_refused']);
      return;
    }
    if (await fetchChannel(deps, teamId, channelId, gridWorkspace, { isMember: true })) {
      await resolveChannelProblems(deps, teamId, channelId, ['app_removed_from_channel', 'channel_refused']);
    }
    return;
  }
  if (event.type === 'channel_shared' && typeof event.channel === 'string' && !(await knownChannel(deps, teamId, event.channel))) {
    // Shared before the directory heard of the channel (its channel_created handled later, or a
    // private one): a patch would have nothing to change, and the channel would be offered as not
    // shared until the next resync. Slack's copy says it is.
    await fetchChannel(deps, teamId, event.channel, gridWorkspace, {});
  } else {
    const change = directoryChangeOf(event, botUserId, gridWorkspace);
    if (change) await recordDirectoryChange(deps, teamId, change);
  }
  if (typeof event.channel !== 'string') return;
  const channelId = event.channel;
  switch (event.type) {
    case 'channel_archive':
    case 'group_archive': {
      const orgId = await orgNotifyingIn(deps, teamId, channelId);
      if (orgId) await deps.producer.orgProblem({ orgId, kind: 'channel_archived', subject: channelId, detail: null });
      return;
    }
    case 'channel_unarchive':
    case 'group_unarchive':
      await resolveChannelProblems(deps, teamId, channelId, ['channel_archived', 'channel_refused']);
      return;
    case 'channel_left':
    case 'group_left':
      await appRemoved(deps, teamId, channelId, event.type === 'group_left');
      return;
    case 'member_left_channel':
      if (event.user === botUserId) await appRemoved(deps, teamId, channelId, false);
      return;
    case 'channel_shared':
    case 'channel_unshared': {
      // An admin confirmed showing visitor details to the companies the channel was shared with
      // then; one more company (or none left) is not what they confirmed. A channel in use holds its
      // new chats again until they confirm anew (src/conversations/shared-channel-hold.ts).
      if (event.type === 'channel_unshared' && event.is_ext_shared !== false) return;
      const installation = await deps.store.installations.findByTeam(teamId);
      if (installation?.status === 'active') await deps.store.orgSettings.forgetSharedChannelConfirmation(installation.orgId, channelId);
      return;
    }
  }
}

/** Puts the channel as Slack has it now (conversations.info) into the directory; false when the installation has no token. */
async function fetchChannel(
  deps: DirectoryEventsDeps,
  teamId: string,
  channelId: string,
  gridWorkspace: string | null,
  fields: Partial<DirectoryChannel>,
): Promise<boolean> {
  const token = await deps.store.installations.botToken(teamId, null);
  if (!token) return false;
  const fetched = await callWithinBudget(deps.callBudget, teamId, 'conversations.info', { maxWaitMs: 10_000 }, () => deps.slack.channelInfo(token, channelId));
  if (!fetched.ok) throw new SlackBudgetExhaustedError('conversations.info', fetched.retryAfterMs);
  await recordDirectoryChange(deps, teamId, { op: 'put', kind: 'channels', entity: inWorkspace({ ...fetched.value, ...fields }, gridWorkspace) });
  return true;
}

/** The org of the workspace's active installation when it notifies in the channel (a routing group's, or the global channel while on); else null. */
async function orgNotifyingIn(deps: DirectoryEventsDeps, teamId: string, channelId: string): Promise<string | null> {
  const installation = await deps.store.installations.findByTeam(teamId);
  if (installation?.status !== 'active') return null;
  const settings = await deps.store.orgSettings.get(installation.orgId);
  const isGlobal = Boolean(settings?.globalChannelEnabled && settings.globalChannelId === channelId);
  if (!isGlobal && !(await deps.store.slackRouting.isGroupChannel(installation.orgId, channelId))) return null;
  return installation.orgId;
}

/**
 * The app was removed from a channel the org notifies in: a public one it joins again, or the
 * replies in its threads would go unheard. A private channel cannot be rejoined (nor one that is
 * archived or gone): the installer is told to add the app back.
 */
async function appRemoved(deps: DirectoryEventsDeps, teamId: string, channelId: string, isPrivate: boolean): Promise<void> {
  await deps.directoryCache.forgetAppInChannel(teamId, channelId);
  const orgId = await orgNotifyingIn(deps, teamId, channelId);
  if (!orgId) return;
  let refusal: string | null = null;
  if (!isPrivate && (await knownChannel(deps, teamId, channelId))?.isPrivate !== true) {
    try {
      await ensureAppInChannel(deps, teamId, channelId, { force: true });
    } catch (error) {
      if (!(error instanceof SlackApiError && !error.transient)) throw error;
      refusal = error.code;
      deps.logger.warn({ teamId, channel: channelId, code: error.code }, 'could not rejoin a channel the org notifies in');
    }
    // Joined (remembered as such); a private channel with a C id is left alone by the join.
    if (refusal === null && (await deps.directoryCache.appInChannelRemembered(teamId, channelId))) return;
  }
  await deps.producer.orgProblem({ orgId, kind: 'app_removed_from_channel', subject: channelId, detail: refusal });
}

/** The channel works again (unarchived, the app back in it): the org's problems of these kinds with it are gone. */
async function resolveChannelProblems(deps: DirectoryEventsDeps, teamId: string, channelId: string, kinds: OrgProblemKind[]): Promise<void> {
  const installation = await deps.store.installations.findByTeam(teamId);
  if (installation?.status !== 'active') return;
  for (const kind of kinds) await deps.store.orgProblems.resolve({ orgId: installation.orgId, kind, subject: channelId });
}
