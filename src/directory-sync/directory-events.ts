// Keeps the directory current between full syncs from Slack's events: channels created,
// renamed, archived, unarchived and deleted (public and private), the app joining or leaving a
// channel (which decides whether a private channel may be offered; a public channel the org
// notifies in is joined again), users joining or changing.
// Other people joining or leaving only change member counts, which the periodic resync
// refreshes: counting them here would double-count whatever a running sync has already seen.
import type { DirectorySyncDeps } from './directory-sync-deps.ts';
import type { DirectoryChange } from '../store/index.ts';
import { toDirectoryChannel, toDirectoryUser } from '../slack/slack-api.ts';
import { callWithinBudget } from '../slack/tiered-call-budget.ts';
import { recordDirectoryChange } from '../directory/directory-changes.ts';
import { SlackBudgetExhaustedError, SlackApiError } from '../errors/index.ts';
import { ensureAppInChannel, knownChannel } from '../directory/channel-membership.ts';

export type DirectoryEventsDeps = Pick<DirectorySyncDeps, 'store' | 'slack' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget'>;

interface DirectoryEvent {
  type: string;
  channel?: unknown;
  user?: unknown;
}

/** What an event changes in the directory; null when nothing (or it needs a Slack call first). */
export function directoryChangeOf(event: DirectoryEvent, botUserId: string): DirectoryChange | null {
  const channelId = typeof event.channel === 'string' ? event.channel : null;
  const channelObject = typeof event.channel === 'object' && event.channel ? (event.channel as { id?: unknown; name?: unknown }) : null;
  switch (event.type) {
    case 'channel_created': {
      const channel = channelObject && toDirectoryChannel(channelObject);
      return channel ? { op: 'add', kind: 'channels', entity: channel } : null;
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
    case 'team_join':
    case 'user_change': {
      const user = typeof event.user === 'object' && event.user ? toDirectoryUser(event.user) : null;
      return user ? { op: 'put', kind: 'users', entity: user } : null;
    }
    default:
      return null;
  }
}

export async function applyDirectoryEvent(deps: DirectoryEventsDeps, teamId: string, botUserId: string, event: DirectoryEvent): Promise<void> {
  if (event.type === 'member_joined_channel') {
    if (event.user !== botUserId || typeof event.channel !== 'string') return;
    // The app was added to a channel, perhaps a private one it could not see: fetch it now so
    // that it is offered within seconds, not at the next resync.
    const channelId = event.channel;
    // A channel the directory knows only changes its membership: a fetched copy written now
    // could be older than an event handled meanwhile (an archive, a rename) and undo it.
    if (await knownChannel(deps, teamId, channelId)) {
      await recordDirectoryChange(deps, teamId, { op: 'patch', kind: 'channels', id: channelId, fields: { isMember: true } });
      return;
    }
    const token = await deps.store.installations.botToken(teamId, null);
    if (!token) return;
    const fetched = await callWithinBudget(deps.callBudget, teamId, 'conversations.info', { maxWaitMs: 10_000 }, () =>
      deps.slack.channelInfo(token, channelId),
    );
    if (!fetched.ok) throw new SlackBudgetExhaustedError('conversations.info', fetched.retryAfterMs);
    await recordDirectoryChange(deps, teamId, { op: 'put', kind: 'channels', entity: { ...fetched.value, isMember: true } });
    return;
  }
  const change = directoryChangeOf(event, botUserId);
  if (change) await recordDirectoryChange(deps, teamId, change);
  const appLeft = event.type === 'channel_left' || (event.type === 'member_left_channel' && event.user === botUserId);
  if (appLeft && typeof event.channel === 'string') {
    await deps.directoryCache.forgetAppInChannel(teamId, event.channel);
    await rejoinIfInUse(deps, teamId, event.channel);
  }
}

/**
 * The app was removed from a public channel the org notifies in (a routing group's, or the
 * global channel while it is on): it joins again, or the replies in its threads would go unheard.
 * A private channel cannot be rejoined; the settings page tells the admin to add the app back.
 */
async function rejoinIfInUse(deps: DirectoryEventsDeps, teamId: string, channelId: string): Promise<void> {
  const installation = await deps.store.installations.findByTeam(teamId);
  if (installation?.status !== 'active') return;
  const settings = await deps.store.orgSettings.get(installation.orgId);
  const isGlobal = Boolean(settings?.globalChannelEnabled && settings.globalChannelId === channelId);
  if (!isGlobal && !(await deps.store.slackRouting.isGroupChannel(installation.orgId, channelId))) return;
  try {
    await ensureAppInChannel(deps, teamId, channelId, { force: true });
  } catch (error) {
    // Archived or gone: routing finds out at the next chat and falls through.
    if (!(error instanceof SlackApiError && !error.transient)) throw error;
    deps.logger.warn({ teamId, channel: channelId, code: error.code }, 'could not rejoin a channel the org notifies in');
  }
}
