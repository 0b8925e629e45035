// Decides which Events API events the app receives for a change in the workspace, as Slack does:
// only when installed, subscribed (the manifest's bot_events) with the scope the subscription needs
// held by the install, and, for channel messages, a member of the channel.

import type { Deliverer } from './event-delivery.ts';
import type { AppManifestConfig } from './manifest.ts';
import { subscriptionFor } from './manifest.ts';
import type { AppEvents } from './method-types.ts';
import { messageEvent } from './message-format.ts';
import { normalizedName, userJson } from './methods/users.ts';
import { channelType, findMessage, installFor, inTeam } from './state.ts';
import type { EmulatorState } from './state.ts';
import type { Channel, Installation } from './types.ts';

/** The bot-event subscription a channel type needs, and the scope that subscription requires. */
const HISTORY_SCOPE = { channel: 'channels:history', group: 'groups:history', im: 'im:history' } as const;
const READ_SCOPE = { channel: 'channels:read', group: 'groups:read', im: 'im:read' } as const;

/** Workspace changes made by people (world.ts), beyond what Web API methods cause. */
export interface WorkspaceEvents {
  channelCreated(teamId: string, channelId: string): void;
  channelRenamed(teamId: string, channelId: string): void;
  channelArchived(teamId: string, channelId: string, userId: string): void;
  channelUnarchived(teamId: string, channelId: string, userId: string): void;
  /** Called while the channel still exists (membership decides who hears of it). */
  channelDeleted(ch: Channel, actorId: string): void;
  /** Called after `userId` left the channel's members. */
  memberLeft(teamId: string, channelId: string, userId: string, actorId: string | undefined): void;
  userJoined(teamId: string, userId: string): void;
  userChanged(teamId: string, userId: string): void;
  /** `teamId`: a workspace, or an enterprise id for an org-wide install. */
  uninstalled(teamId: string, install: Installation): void;
  /** Grid: an admin granted or revoked the org-wide install's access to workspaces. */
  teamAccessChanged(enterpriseId: string, type: 'team_access_granted' | 'team_access_revoked', teamIds: string[]): void;
  /** Slack Connect: the channel was shared with another company (`connectedTeamId`: its team or org). */
  channelShared(ch: Channel, connectedTeamId: string): void;
  /**
   * A person opened the app's App Home (`channel` is their DM with the app): app_home_opened,
   * with `view` (the published Home tab) when the tab is home and one was published.
   */
  appHomeOpened(
    teamId: string,
    userId: string,
    channelId: string,
    tab: 'home' | 'messages',
    view: Record<string, unknown> | null,
  ): Record<string, unknown> | null;
}

/** Join messages mention the joiner, but are not mentions: Slack sends no app_mention for them. */
const JOIN_SUBTYPES = new Set(['channel_join', 'group_join']);

export function createAppEvents(state: EmulatorState, deliverer: Deliverer, now: () => number, app: AppManifestConfig): AppEvents & WorkspaceEvents {
  /** The live install that hears the workspace: its own, or the org-wide one granted it (installFor). */
  function liveInstall(teamId: string): Installation | undefined {
    const inst = installFor(state, teamId);
    if (!inst) return undefined;
    const tok = state.tokens.get(inst.botToken);
    return tok && !tok.revoked ? inst : undefined;
  }

  /**
   * Delivers the event when the app subscribes to it (message events by conversation type, the
   * rest by their own type); every event page on docs.slack.dev, tokens_revoked and
   * app_uninstalled included, says it is sent to apps subscribed to it. Whether it was sent.
   */
  function send(teamId: string, event: Record<string, unknown>): boolean {
    if (!app.botEvents.has(subscriptionFor(event))) return false;
    void deliverer.deliverEvent(teamId, event);
    return true;
  }

  /** Slack sends channel message events only for conversations the bot user is in. */
  function seesMessages(inst: Installation, ch: Channel): boolean {
    return ch.members.has(inst.botUserId);
  }

  /**
   * The live install that may hear of a change to a channel: it holds the read scope for the
   * channel's type and, for a private channel, its bot user is a member (the app cannot see others).
   */
  function channelWatcher(ch: Channel): Installation | undefined {
    if (ch.isIm) return undefined;
    const inst = liveInstall(ch.teamId);
    if (!inst?.scopes.includes(READ_SCOPE[channelType(ch)])) return undefined;
    if (ch.isPrivate && !ch.members.has(inst.botUserId)) return undefined;
    return inst;
  }

  /** team_join / user_change: the whole user as users.info shows it to this install, with cache_ts. */
  function userEvent(type: 'team_join' | 'user_change', teamId: string, userId: string): void {
    const inst = liveInstall(teamId);
    const u = state.users.get(userId);
    if (!inst || !u || !inTeam(u, teamId) || !inst.scopes.includes('users:read')) return;
    const user = userJson(u, { withEmail: inst.scopes.includes('users:read.email'), appId: inst.appId });
    send(teamId, { type, user, cache_ts: Math.floor(now() / 1000), event_ts: eventTs() });
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
      type,
      user: userId,
      reaction: name,
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
      if (mentioned && !m.bot_id && !ch.isIm && !JOIN_SUBTYPES.has(m.subtype ?? '') && inst.scopes.includes('app_mentions:read')) {
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
        type: 'message',
        subtype: 'message_changed',
        message,
        previous_message: before,
        channel: channelId,
        hidden: true,
        ts: evTs,
        event_ts: evTs,
        channel_type: type,
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
        type: 'message',
        subtype: 'message_deleted',
        hidden: true,
        deleted_ts: before['ts'],
        channel: channelId,
        previous_message: before,
        ts: evTs,
        event_ts: evTs,
        channel_type: type,
      });
    },
    memberJoined(teamId, channelId, userId, inviterId) {
      const inst = liveInstall(teamId);
      const ch = state.channels.get(channelId);
      if (!inst || !ch || ch.isIm || !ch.members.has(inst.botUserId)) return;
      const type = channelType(ch);
      if (!inst.scopes.includes(READ_SCOPE[type])) return;
      send(teamId, {
        type: 'member_joined_channel',
        user: userId,
        channel: channelId,
        channel_type: ch.isPrivate ? 'G' : 'C',
        team: teamId,
        ...(inviterId && inviterId !== userId ? { inviter: inviterId } : {}),
        event_ts: eventTs(),
      });
    },
    channelArchived(teamId, channelId, userId) {
      const ch = state.channels.get(channelId);
      if (!ch || !channelWatcher(ch)) return;
      send(teamId, { type: ch.isPrivate ? 'group_archive' : 'channel_archive', channel: channelId, user: userId, event_ts: eventTs() });
    },
    channelCreated(teamId, channelId) {
      const ch = state.channels.get(channelId);
      // A private channel is created with its members; the app hears nothing until its bot is added.
      if (!ch || ch.isPrivate || !channelWatcher(ch)) return;
      send(teamId, {
        type: 'channel_created',
        // The fields of @slack/types ChannelCreatedEvent (docs.slack.dev shows id, name, created, creator).
        channel: {
          id: ch.id,
          is_channel: true,
          name: ch.name,
          name_normalized: normalizedName(ch.name),
          created: ch.created,
          creator: ch.creator,
          is_shared: false,
          is_org_shared: false,
          context_team_id: ch.teamId,
          is_archived: ch.isArchived,
          is_frozen: false,
          is_general: false,
          is_group: false,
          is_private: false,
          is_ext_shared: false,
          is_im: false,
          is_mpim: false,
          is_pending_ext_shared: false,
        },
        event_ts: eventTs(),
      });
    },
    channelRenamed(teamId, channelId) {
      const ch = state.channels.get(channelId);
      if (!ch || !channelWatcher(ch)) return;
      send(teamId, {
        type: ch.isPrivate ? 'group_rename' : 'channel_rename',
        channel: { id: ch.id, name: ch.name, name_normalized: normalizedName(ch.name), created: ch.created, is_channel: true, is_mpim: false },
        event_ts: eventTs(),
      });
    },
    channelUnarchived(teamId, channelId, userId) {
      const ch = state.channels.get(channelId);
      if (!ch || !channelWatcher(ch)) return;
      // @slack/types: channel_unarchive carries `user`, group_unarchive `actor_id`.
      send(
        teamId,
        ch.isPrivate
          ? { type: 'group_unarchive', channel: channelId, ...(userId ? { actor_id: userId } : {}), event_ts: eventTs() }
          : { type: 'channel_unarchive', channel: channelId, user: userId, event_ts: eventTs() },
      );
    },
    channelDeleted(ch, actorId) {
      if (!channelWatcher(ch)) return;
      send(
        ch.teamId,
        ch.isPrivate
          ? { type: 'group_deleted', channel: ch.id, date_deleted: Math.floor(now() / 1000), ...(actorId ? { actor_id: actorId } : {}), event_ts: eventTs() }
          : { type: 'channel_deleted', channel: ch.id, event_ts: eventTs() },
      );
    },
    memberLeft(teamId, channelId, userId, actorId) {
      const inst = liveInstall(teamId);
      const ch = state.channels.get(channelId);
      if (!inst || !ch || ch.isIm || !inst.scopes.includes(READ_SCOPE[channelType(ch)])) return;
      if (userId === inst.botUserId) {
        // The app's own bot user was removed: it is told so, and no longer hears the channel's members.
        send(teamId, {
          type: ch.isPrivate ? 'group_left' : 'channel_left',
          channel: channelId,
          ...(actorId ? { actor_id: actorId } : {}),
          event_ts: eventTs(),
        });
        return;
      }
      if (!ch.members.has(inst.botUserId)) return;
      send(teamId, {
        type: 'member_left_channel',
        user: userId,
        channel: channelId,
        channel_type: ch.isPrivate ? 'G' : 'C',
        team: teamId,
        event_ts: eventTs(),
      });
    },
    userJoined(teamId, userId) {
      userEvent('team_join', teamId, userId);
    },
    userChanged(teamId, userId) {
      userEvent('user_change', teamId, userId);
    },
    reactionAdded(teamId, channelId, ts, userId, name) {
      reactionEvent('reaction_added', teamId, channelId, ts, userId, name);
    },
    reactionRemoved(teamId, channelId, ts, userId, name) {
      reactionEvent('reaction_removed', teamId, channelId, ts, userId, name);
    },
    appHomeOpened(teamId, userId, channelId, tab, view) {
      // docs.slack.dev "app_home_opened event": no scope is required; the app needs a bot user and
      // the subscription.
      if (!liveInstall(teamId)) return null;
      const event: Record<string, unknown> = {
        type: 'app_home_opened',
        user: userId,
        channel: channelId,
        tab,
        ...(tab === 'home' && view ? { view } : {}),
        event_ts: eventTs(),
      };
      return send(teamId, event) ? event : null;
    },
    teamAccessChanged(enterpriseId, type, teamIds) {
      // docs.slack.dev "team_access_granted": no scope required; sent to the org-ready app.
      if (!liveInstall(enterpriseId)) return;
      send(enterpriseId, { type, team_ids: [...teamIds], event_ts: eventTs() });
    },
    channelShared(ch, connectedTeamId) {
      // The channel_shared page: to subscriptions holding channels:read (groups:read for private ones).
      if (!channelWatcher(ch)) return;
      send(ch.teamId, { type: 'channel_shared', connected_team_id: connectedTeamId, channel: ch.id, event_ts: eventTs() });
    },
    uninstalled(teamId, install) {
      // Both are delivered even though the tokens are already revoked: they are how the app learns it.
      send(teamId, { type: 'tokens_revoked', tokens: { oauth: [], bot: [install.botUserId] }, event_ts: eventTs() });
      send(teamId, { type: 'app_uninstalled', event_ts: eventTs() });
    },
  };
}
