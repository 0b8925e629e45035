// Turning what an admin typed into a channel for notifications: a name (from the directory) or,
// in channel-ID mode, an ID (from the directory, else asked of Slack), and whether the app can
// post there. Used by the admin API for the global channel and the routing groups' channels.
import type { DirectoryChannel } from '../slack/slack-api.ts';
import type { ErrorName } from '../errors.ts';
import type { DirectoryLookup } from './directory-lookup.ts';

export type ChannelChoice = { ok: true; channel: DirectoryChannel } | { ok: false; error: ErrorName; detail: string };

/** What a Slack channel id looks like (C… public, G… private, as Slack issues them). */
export const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

/** Pure: why notifications could not be posted to this channel, or null when they can. */
export function channelProblem(channel: DirectoryChannel): 'CHANNEL_ARCHIVED' | 'CHANNEL_APP_NOT_MEMBER' | null {
  if (channel.isArchived) return 'CHANNEL_ARCHIVED';
  if (channel.isPrivate && !channel.isMember) return 'CHANNEL_APP_NOT_MEMBER';
  return null;
}

export async function chooseChannel(lookup: DirectoryLookup, teamId: string, input: string, channelIdMode: boolean): Promise<ChannelChoice> {
  const typed = input.trim();
  let channel: DirectoryChannel | null;
  if (channelIdMode) {
    if (!CHANNEL_ID.test(typed)) return { ok: false, error: 'CHANNEL_ID_EXPECTED', detail: `"${typed}" is not a channel ID` };
    channel = await lookup.channel(teamId, typed);
    if (!channel) return { ok: false, error: 'CHANNEL_ID_UNKNOWN', detail: typed };
  } else {
    channel = await lookup.channelByName(teamId, typed);
    if (!channel) return { ok: false, error: 'CHANNEL_NAME_UNKNOWN', detail: `#${typed.replace(/^#/, '')}` };
  }
  const problem = channelProblem(channel);
  return problem ? { ok: false, error: problem, detail: `#${channel.name}` } : { ok: true, channel };
}
