// Someone joining a channel, the same way whoever causes it: by conversations.join (the app's bot
// user joins itself) or by a person adding someone (world.addToChannel). Slack raises two things
// for a join: the member_joined_channel event and the join message in the channel.

import type { AppEvents } from './method-types.ts';
import { channelMessages, nextTs } from './state.ts';
import type { EmulatorState } from './state.ts';
import type { Channel, StoredMessage } from './types.ts';

/**
 * Slack Connect: in a channel shared with other companies every message names its author's
 * workspace as user_team and source_team (the one of theirs the channel is in); elsewhere nothing.
 */
export function sharedChannelAuthor(state: EmulatorState, ch: Channel, userId: string): Partial<StoredMessage> {
  if (!ch.sharedTeamIds?.length) return {};
  const u = state.users.get(userId);
  const team = [ch.teamId, ...ch.sharedTeamIds].find((t) => u && (u.teamId === t || u.teamIds?.includes(t))) ?? ch.teamId;
  return { user_team: team, source_team: team };
}

/**
 * Adds `userId` to the channel and raises what Slack raises: member_joined_channel, then the join
 * message (docs.slack.dev "channel_join message": `<@U…> has joined the channel`, `inviter` when
 * someone else added them; a private channel's is the documented group_join, "has joined the
 * group"), which reaches the app as a `message` event like any other message in the channel.
 * No-op when already a member; throws for DMs and archived channels (nobody can join those).
 */
export function addMember(state: EmulatorState, events: AppEvents, ch: Channel, userId: string, nowMs: number, inviterId?: string): boolean {
  if (ch.isIm) throw new Error(`cannot add members to ${ch.id}: it is a DM`);
  if (ch.members.has(userId)) return false;
  if (ch.isArchived) throw new Error(`cannot add ${userId} to ${ch.id}: the channel is archived (Slack: is_archived)`);
  ch.members.add(userId);
  events.memberJoined(ch.teamId, ch.id, userId, inviterId);
  const ts = nextTs(state, nowMs);
  const m: StoredMessage = {
    type: 'message',
    subtype: ch.isPrivate ? 'group_join' : 'channel_join',
    ts,
    channel: ch.id,
    team: ch.teamId,
    user: userId,
    text: `<@${userId}> has joined the ${ch.isPrivate ? 'group' : 'channel'}`,
    ...(inviterId && inviterId !== userId ? { inviter: inviterId } : {}),
    ...sharedChannelAuthor(state, ch, userId),
  };
  channelMessages(state, ch.id).push(m);
  events.messagePosted(ch.teamId, ch.id, ts);
  return true;
}
