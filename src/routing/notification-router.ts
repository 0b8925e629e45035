// Pure decision of where a new chat's notification goes and whom it @mentions. Each target
// becomes one Slack thread of the chat (the first one is its primary thread); every person
// notified can answer where they were notified. Rules in order of precedence, each falling
// through when its target cannot be used; then the fallback. No I/O: facts are passed in,
// including the targets Slack already refused for this chat (`unusable`).
//
// A global channel whose toggle is off is not used for anything (docs/reference/how-it-works.md, "notifications").
import { undeliverableReasons } from './undeliverable-reasons.ts';

export type AgentStatus = 'online' | 'dnd' | 'offline';

export interface RoutingAgent {
  agentId: string;
  name: string;
  status: AgentStatus;
  /** The Slack user the agent is mapped to, or null when unmapped. */
  slackUserId: string | null;
}

export interface RoutingInput {
  settings: { globalChannelEnabled: boolean; globalChannelId: string | null };
  conversation: { routingGroupId: string | null; accountName: string | null; accountOwnerAgentId: string | null };
  /** The conversation's routing group, or null when it has none or the platform does not know it. */
  group: { id: string; name: string; memberAgentIds: string[]; channelId: string | null } | null;
  agents: ReadonlyMap<string, RoutingAgent>;
  /** Channels and Slack users known not to work (archived, deleted, app not a member, deactivated). */
  unusable: { channelIds: ReadonlySet<string>; slackUserIds: ReadonlySet<string> };
  /**
   * Channels shared with another company (Slack Connect) since they were chosen, with nobody's
   * confirmation: a chat that would go there is held (undeliverable) rather than shown to that
   * company or sent elsewhere, until an admin confirms the channel or chooses another.
   */
  heldChannelIds?: ReadonlySet<string>;
}

export interface DmTarget {
  kind: 'dm';
  agentId: string;
  slackUserId: string;
}

export interface ChannelTarget {
  kind: 'channel';
  channelId: string;
  mentionSlackUserIds: string[];
  /** Group members with no usable Slack account, named so nobody is silently left out. */
  unmappedMemberNames: string[];
}

export type NotifyTarget = ChannelTarget | DmTarget;

export type RoutingDecision = { kind: 'notify'; rule: RoutingRule; targets: NotifyTarget[]; reason: string } | { kind: 'undeliverable'; reason: string };

export type RoutingRule =
  | 'global-channel'
  | 'account-owner'
  | 'account-owner-away'
  | 'one-member-group'
  | 'only-member-not-on-dnd'
  | 'group-channel'
  | 'fallback-online-members';

type Found = { rule: RoutingRule; targets: NotifyTarget[]; reason: string };

export function routeNotification(input: RoutingInput): RoutingDecision {
  const { settings, conversation, group, agents, unusable } = input;
  const skipped: string[] = [];
  const channelOk = (id: string | null): id is string => id !== null && !unusable.channelIds.has(id);
  const mapped = (agentId: string | null): DmTarget | null => {
    const agent = agentId ? agents.get(agentId) : undefined;
    if (!agent?.slackUserId || unusable.slackUserIds.has(agent.slackUserId)) return null;
    return { kind: 'dm', agentId: agent.agentId, slackUserId: agent.slackUserId };
  };
  const members = (group?.memberAgentIds ?? []).map((id) => agents.get(id) ?? { agentId: id, name: id, status: 'offline' as const, slackUserId: null });
  const memberMentions = () => members.flatMap((m) => (mapped(m.agentId) ? [m.slackUserId!] : []));
  const unmappedNames = () => members.filter((m) => !mapped(m.agentId)).map((m) => m.name);
  const channelTarget = (channelId: string, extraMentions: string[] = []): ChannelTarget => ({
    kind: 'channel',
    channelId,
    mentionSlackUserIds: unique([...memberMentions(), ...extraMentions]),
    unmappedMemberNames: unmappedNames(),
  });
  const because = (reason: string) => (skipped.length ? `${reason} (${skipped.join('; ')})` : reason);
  const held = (id: string | null): id is string => id !== null && (input.heldChannelIds?.has(id) ?? false);

  if (settings.globalChannelEnabled && held(settings.globalChannelId))
    return { kind: 'undeliverable', reason: undeliverableReasons.sharedChannelUnconfirmed(`the global channel (${settings.globalChannelId})`) };
  // The group's channel is used unless a usable global channel takes every chat.
  if (group && held(group.channelId) && !(settings.globalChannelEnabled && channelOk(settings.globalChannelId)))
    return { kind: 'undeliverable', reason: undeliverableReasons.sharedChannelUnconfirmed(`the channel of ${group.name} (${group.channelId})`) };

  // 1. One global channel for everything, when its toggle is on.
  if (settings.globalChannelEnabled) {
    if (channelOk(settings.globalChannelId)) {
      const owner = mapped(conversation.accountOwnerAgentId);
      return notify({
        rule: 'global-channel',
        targets: [channelTarget(settings.globalChannelId, owner ? [owner.slackUserId] : [])],
        reason: because('global channel'),
      });
    }
    skipped.push(settings.globalChannelId ? 'the global channel cannot be used' : 'the global channel is on but none is chosen');
  }

  /** Rules 3–5 and the fallback: where the routing group is notified; null when nowhere. */
  function groupRules(): Found | null {
    if (!group) {
      skipped.push(conversation.routingGroupId ? 'the routing group is unknown' : 'the chat has no routing group');
    } else {
      // 3. A one-member group: that member's DMs.
      if (members.length === 1) {
        const only = mapped(members[0]!.agentId);
        if (only) return { rule: 'one-member-group', targets: [only], reason: because('one-member group') };
        skipped.push('the only member is not mapped to a usable Slack user');
      }
      // 4. Everyone but one on Do Not Disturb, and that one online: their DMs.
      if (members.length >= 2) {
        const notDnd = members.filter((m) => m.status !== 'dnd');
        const lone = notDnd.length === 1 && notDnd[0]!.status === 'online' ? mapped(notDnd[0]!.agentId) : null;
        if (lone) return { rule: 'only-member-not-on-dnd', targets: [lone], reason: because('all other members on Do Not Disturb') };
        if (notDnd.length === 1 && notDnd[0]!.status === 'online') skipped.push('the one member not on Do Not Disturb is not mapped to a usable Slack user');
      }
      // 5. The group's channel, @mentioning its mapped members.
      if (channelOk(group.channelId))
        return { rule: 'group-channel', targets: [channelTarget(group.channelId)], reason: because(`routing group ${group.name}`) };
      skipped.push(group.channelId ? `the channel of ${group.name} cannot be used` : `${group.name} has no Slack channel`);
    }
    // Fallback: a thread in each mapped online member's DMs.
    const online = members.filter((m) => m.status === 'online').flatMap((m) => mapped(m.agentId) ?? []);
    if (online.length > 0) return { rule: 'fallback-online-members', targets: online, reason: because('fallback to each online member') };
    skipped.push('no mapped online member to message');
    return null;
  }

  // 2. A known target account with a mapped owner: the owner's DMs. An owner who is not online
  //    is not left alone with the chat: the group is notified as well, mentioning them.
  if (conversation.accountOwnerAgentId) {
    const owner = mapped(conversation.accountOwnerAgentId);
    const account = conversation.accountName ?? 'the account';
    if (owner) {
      const status = agents.get(owner.agentId)!.status;
      if (status === 'online') return notify({ rule: 'account-owner', targets: [owner], reason: because(`account owner of ${account}`) });
      const away = status === 'dnd' ? 'on Do Not Disturb' : 'offline';
      const alongside = groupRules();
      if (!alongside)
        return notify({
          rule: 'account-owner-away',
          targets: [owner],
          reason: `account owner of ${account}, who is ${away} (nowhere else to notify: ${skipped.join('; ')})`,
        });
      const groupTargets = alongside.targets
        .map((t) => (t.kind === 'channel' ? { ...t, mentionSlackUserIds: unique([...t.mentionSlackUserIds, owner.slackUserId]) } : t))
        .filter((t) => !(t.kind === 'dm' && t.slackUserId === owner.slackUserId));
      return notify({
        rule: 'account-owner-away',
        targets: [owner, ...groupTargets],
        reason: `account owner of ${account}, who is ${away}, and ${alongside.reason}`,
      });
    }
    skipped.push('the account owner is not mapped to a usable Slack user');
  }

  const found = groupRules();
  return found ? notify(found) : { kind: 'undeliverable', reason: undeliverableReasons.nowhere(skipped) };
}

function notify(found: Found): RoutingDecision {
  return { kind: 'notify', ...found };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
