// A channel an admin types into a setting, as the admin API resolves, checks, joins and shows it:
// resolved (a name from the directory, or in channel-ID mode an ID, asked of Slack when the
// directory lacks it), not archived, a private one only with the app in it, a public one joined
// before it is saved (Slack sends an app a channel's messages only where it is a member), each
// error naming its field; shown with whether the app is in it and what stops posting there.
// The one way for every channel setting: the global channel and each routing group's
// (settings.route.ts), the digest's (digest.route.ts).
import type { AdminDeps } from './admin-deps.ts';
import type { DirectoryChannel } from '../../slack/slack-api.ts';
import { appError, SlackApiError, SlackRateLimitedError, errors } from '../../errors/index.ts';
import { rowLookup, slackLookup } from './admin-org.ts';
import { channelProblem, chooseChannel } from '../../directory/channel-choice.ts';
import { channelView, workspaceField } from './directory.route.ts';

/** A warning for a channel notifications cannot be posted to (archived, deleted, app not in it). */
export function channelWarning(channel: DirectoryChannel | null, channelId: string): string | null {
  if (!channel) return `Channel ${channelId} no longer exists or the app cannot see it: notifications for this group go to the fallbacks.`;
  const problem = channelProblem(channel);
  return problem ? `${errors[problem].message}.` : null;
}

/**
 * A chosen channel as the admin API shows it: whether the app is in it, what stops posting there,
 * and whether it is shared with another company (Slack Connect).
 */
export function chosenChannelView(channel: DirectoryChannel, warning: string | null) {
  return { ...channelView(channel), appInChannel: channel.isMember, warning, sharedExternally: channel.isExtShared === true };
}

/** What to do about Slack's refusal to let the app join, by Slack's code. */
const JOIN_REFUSAL_HINTS: Record<string, string> = {
  missing_scope: 'the connection predates the permission to join channels (channels:join): connect Slack again to grant it, then save again',
  is_archived: 'the channel is archived: choose another',
  channel_not_found: 'the channel no longer exists: choose another',
  method_not_supported_for_channel_type: 'it is a private channel: in Slack, type @Threadbridge in the channel and click "Add to Channel", then save again',
};

/** Slack's refusal of a join as the catalogue answers it; anything else as it is. */
function joinRefusal(error: unknown, channel: DirectoryChannel, field: string): unknown {
  if (error instanceof SlackRateLimitedError) return appError('slack_rate_limited', `conversations.join, again in ${error.retryAfterSeconds} s`, field);
  if (error instanceof SlackApiError) {
    const hint = JOIN_REFUSAL_HINTS[error.code];
    return appError('channel_join_failed', `#${channel.name}: Slack answered ${error.code}${hint ? `; ${hint}` : ''}`, field);
  }
  return error;
}

/**
 * A stored channel id as the page shows it: with its name, and a warning when posting would
 * fail. Shown as its bare id when Slack's budget did not allow checking it.
 */
export async function storedChannel(admin: Pick<AdminDeps, 'directory'>, teamId: string, channelId: string | null) {
  if (!channelId) return null;
  const { value: channel, verified } = await rowLookup(() => admin.directory.channel(teamId, channelId));
  if (channel)
    return { ...chosenChannelView(channel, channelWarning(channel, channelId)), ...workspaceField(channel, await admin.directory.orgWorkspaces(teamId)) };
  // Unverified: whether the app is in it is not known (null), nor whether it still exists.
  return {
    id: channelId,
    name: null,
    appInChannel: verified ? false : null,
    warning: verified ? channelWarning(null, channelId) : null,
    sharedExternally: null,
  };
}

/** The channel typed in `field`, resolved and checked; refused with the catalogue's error naming the field. */
export async function resolveChannel(
  admin: Pick<AdminDeps, 'directory'>,
  teamId: string,
  typed: string,
  channelIdMode: boolean,
  field: string,
): Promise<DirectoryChannel> {
  const choice = await slackLookup(() => chooseChannel(admin.directory, teamId, typed, channelIdMode), field);
  if (!choice.ok) throw appError(choice.error, choice.detail, field);
  return choice.channel;
}

/**
 * A public channel the app is not in is joined before the choice is saved. The admin's browser
 * waits on this answer, which is why the web process calls Slack here, within the per-minute
 * budget every process shares.
 */
export async function withAppIn(admin: Pick<AdminDeps, 'channelJoiner'>, teamId: string, channel: DirectoryChannel, field: string): Promise<DirectoryChannel> {
  if (channel.isMember || channel.isPrivate) return channel; // a private one without the app was refused already
  try {
    return await slackLookup(() => admin.channelJoiner.join(teamId, channel.id), field);
  } catch (error) {
    throw joinRefusal(error, channel, field);
  }
}
