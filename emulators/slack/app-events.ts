// Decides which Events API events the app receives for a change in the workspace, as Slack does:
// only when installed, subscribed (scope held) and, for channel messages, a member of the channel.

import type { Deliverer } from './event-delivery.ts';
import type { AppEvents } from './method-types.ts';
import { messageEvent } from './message-format.ts';
import { channelType, findMessage } from './state.ts';
import type { EmulatorState } from './state.ts';
import type { Channel, Installation } from './types.ts';

/** The bot-event subscription a channel type needs, and the scope that subscription requires. */
const HISTORY_SCOPE = { channel: 'channels:history', group: 'groups:history', im: 'im:history' } as const;
const READ_SCOPE = { channel: 'channels:read', group: 'groups:read', im: 'im:read' } as const;

export function createAppEvents(state: EmulatorState, deliverer: Deliverer, now: () => number): AppEvents & {
  channelArchived(teamId: string, channelId: string, userId: string): void;
  uninstalled(teamId: string, install: Installation): void;
} {
  function liveInstall(teamId: string): Installation | undefined {
    const inst = state.installations.get(teamId);
    if (!inst) return undefined;
    const tok = state.tokens.get(inst.botToken);
    return tok && !tok.revoked ? inst : undefined;
  }

  function send(teamId: string, event: Record<string, unknown>): void {
    void deliverer.deliverEvent(teamId, event);
  }

  /** Slack sends channel message events only for conversations the bot user is in. */
  function seesMessages(inst: Installation, ch: Channel): boolean {
    return ch.members.has(inst.botUserId);
  }

  function eventTs(): string {
    const t = now();
    return `${Math.floor(t / 1000)}.${String((t % 1000) * 1000).padStart(6, '0')}`;
  }

  /**
   * reaction_added / reaction_removed (docs.slack.dev "reaction_added event"): the subscription needs
   * reactions:read, and like message events it is sent only for conversations the bot user is in.
   * `item_user` is the message's author and is left out when the message has none.
   */
  function reactionEvent(type: 'reaction_added' | 'reaction_removed', teamId: string, channelId: string, ts: string, userId: string, name: string): void {
    const inst = liveInstall(teamId);
    const ch = state.channels.get(channelId);
    const m = findMessage(state, channelId, ts);
    if (!inst || !ch || !m || !seesMessages(inst, ch) || !inst.scopes.includes('reactions:read')) return;
    send(teamId, {
      type, user: userId, reaction: name,
      ...(m.user ? { item_user: m.user } : {}),
      item: { type: 'message', channel: channelId, ts, channel_type: channelType(ch) },
      event_ts: eventTs(),
    });
  }

  return {
    messagePosted(teamId, channelId, ts) {
      const inst = liveInstall(teamId);
      const ch = state.channels.get(channelId);
      const m = findMessage(state, channelId, ts);
      if (!inst || !ch || !m || !seesMessages(inst, ch)) return;
      const type = channelType(ch);
      if (inst.scopes.includes(HISTORY_SCOPE[type])) send(teamId, messageEvent(state, m, type));
      const mentioned = m.text.includes(`<@${inst.botUserId}>`);
      if (mentioned && !m.bot_id && !ch.isIm && inst.scopes.includes('app_mentions:read')) {
        const { channel_type: _ct, ...ev } = messageEvent(state, m, type);
        send(teamId, { ...ev, type: 'app_mention' });
      }
    },
    messageChanged(teamId, channelId, before, ts) {
      const inst = liveInstall(teamId);
      const ch = state.channels.get(channelId);
      const m = findMessage(state, channelId, ts);
      if (!inst || !ch || !m || !seesMessages(inst, ch)) return;
      const type = channelType(ch);
      if (!inst.scopes.includes(HISTORY_SCOPE[type])) return;
      const { channel: _c, event_ts: _e, channel_type: _t, ...message } = messageEvent(state, m, type);
      const evTs = eventTs();
      send(teamId, {
        type: 'message', subtype: 'message_changed', message, previous_message: before,
        channel: channelId, hidden: true, ts: evTs, event_ts: evTs, channel_type: type,
      });
    },
    messageDeleted(teamId, channelId, before) {
      const inst = liveInstall(teamId);
      const ch = state.channels.get(channelId);
      if (!inst || !ch || !seesMessages(inst, ch)) return;
      const type = channelType(ch);
      if (!inst.scopes.includes(HISTORY_SCOPE[type])) return;
      const evTs = eventTs();
      send(teamId, {
        type: 'message', subtype: 'message_deleted', hidden: true, deleted_ts: before['ts'], channel: channelId,
        previous_message: before, ts: evTs, event_ts: evTs, channel_type: type,
      });
    },
    memberJoined(teamId, channelId, userId) {
      const inst = liveInstall(teamId);
      const ch = state.channels.get(channelId);
      if (!inst || !ch || ch.isIm || !ch.members.has(inst.botUserId)) return;
      const type = channelType(ch);
      if (!inst.scopes.includes(READ_SCOPE[type])) return;
      send(teamId, {
        type: 'member_joined_channel', user: userId, channel: channelId,
        channel_type: ch.isPrivate ? 'G' : 'C', team: teamId, event_ts: eventTs(),
      });
    },
    channelArchived(teamId, channelId, userId) {
      const inst = liveInstall(teamId);
      const ch = state.channels.get(channelId);
      if (!inst || !ch || ch.isIm) return;
      const type = channelType(ch);
      // Private channels are only visible to the app when its bot user is a member.
      if (ch.isPrivate && !ch.members.has(inst.botUserId)) return;
      if (!inst.scopes.includes(READ_SCOPE[type])) return;
      send(teamId, { type: ch.isPrivate ? 'group_archive' : 'channel_archive', channel: channelId, user: userId, event_ts: eventTs() });
    },
    reactionAdded(teamId, channelId, ts, userId, name) {
      reactionEvent('reaction_added', teamId, channelId, ts, userId, name);
    },
    reactionRemoved(teamId, channelId, ts, userId, name) {
      reactionEvent('reaction_removed', teamId, channelId, ts, userId, name);
    },
    uninstalled(teamId, install) {
      // Both are delivered even though the tokens are already revoked: they are how the app learns it.
      send(teamId, { type: 'tokens_revoked', tokens: { oauth: [], bot: [install.botUserId] }, event_ts: eventTs() });
      send(teamId, { type: 'app_uninstalled', event_ts: eventTs() });
    },
  };
}
