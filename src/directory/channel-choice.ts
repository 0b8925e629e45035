// Turning what an admin typed into a channel for notifications: a name (from the directory) or,
// in channel-ID mode, an ID (from the directory, else asked of Slack), and whether the app can
// post there. Used by the admin API for the global channel and the routing groups' channels.
import type { DirectoryChannel } from '../slack/slack-api.ts';
import type { ErrorCode } from '../errors/index.ts';
import type { DirectoryLookup } from './directory-lookup.ts';

export type ChannelChoice = { ok: true; channel: DirectoryChannel } | { ok: false; error: ErrorCode; detail: string };

/** What a Slack channel id looks like (C… public, G… private, as Slack issues them). */
export const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

/** Pure: why notifications could not be posted to this channel, or null when they can. */
export function channelProblem(channel: DirectoryChannel): 'channel_archived' | 'channel_app_not_member' | null {
  if (channel.isArchived) return 'channel_archived';
  if (channel.isPrivate && !channel.isMember) return 'channel_app_not_member';
  return null;
}

export async function chooseChannel(lookup: DirectoryLookup, teamId: string, input: string, channelIdMode: boolean): Promise<ChannelChoice> {
  const typed = input.trim();
  let channel: DirectoryChannel | null;
  if (channelIdMode) {
    if (!CHANNEL_ID.test(typed)) return { ok: false, error: 'channel_id_expected', detail: `"${typed}" is not a channel ID` };
    channel = await lookup.channel(teamId, typed);
    if (!channel) return { ok: false, error: 'channel_id_unknown', detail: typed };
  } else {
    channel = await lookup.channelByName(teamId, typed);
    if (!channel) return { ok: false, error: 'channel_unknown', detail: `#${typed.replace(/^#/, '')}` };
  }
  const problem = channelProblem(channel);
  return problem ? { ok: false, error: problem, detail: `#${channel.name}` } : { ok: true, channel };
}
