// Pure decision of where a new chat's notification goes (the parent message of its thread, so
// also where the thread lives) and whom it @mentions. Rules in order of precedence, each falling
// through when its target cannot be used; then the fallbacks. No I/O: facts are passed in,
// including the targets Slack already refused for this chat (`unusable`).

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
}

export interface DmTarget {
  agentId: string;
  slackUserId: string;
}

export type RoutingDecision =
  | { kind: 'channel'; rule: RoutingRule; channelId: string; mentionSlackUserIds: string[]; unmappedMemberNames: string[]; reason: string }
  | { kind: 'dm'; rule: RoutingRule; targets: DmTarget[]; reason: string }
  | { kind: 'undeliverable'; reason: string };

export type RoutingRule =
  | 'global-channel'
  | 'account-owner'
  | 'one-member-group'
  | 'only-member-not-on-dnd'
  | 'group-channel'
  | 'fallback-global-channel'
  | 'fallback-online-members';

export function routeNotification(input: RoutingInput): RoutingDecision {
  const { settings, conversation, group, agents, unusable } = input;
  const skipped: string[] = [];
  const channelOk = (id: string | null): id is string => id !== null && !unusable.channelIds.has(id);
  const mapped = (agentId: string | null): DmTarget | null => {
    const agent = agentId ? agents.get(agentId) : undefined;
    if (!agent?.slackUserId || unusable.slackUserIds.has(agent.slackUserId)) return null;
    return { agentId: agent.agentId, slackUserId: agent.slackUserId };
  };
  const members = (group?.memberAgentIds ?? []).map((id) => agents.get(id) ?? { agentId: id, name: id, status: 'offline' as const, slackUserId: null });
  const memberMentions = () => members.flatMap((m) => (mapped(m.agentId) ? [m.slackUserId!] : []));
  const unmappedNames = () => members.filter((m) => !mapped(m.agentId)).map((m) => m.name);
  const because = (reason: string) => (skipped.length ? `${reason} (${skipped.join('; ')})` : reason);

  // 1. One global channel for everything.
  if (settings.globalChannelEnabled) {
    if (channelOk(settings.globalChannelId)) {
      const owner = mapped(conversation.accountOwnerAgentId);
      const mentions = unique([...memberMentions(), ...(owner ? [owner.slackUserId] : [])]);
      return { kind: 'channel', rule: 'global-channel', channelId: settings.globalChannelId, mentionSlackUserIds: mentions, unmappedMemberNames: unmappedNames(), reason: because('global channel') };
    }
    skipped.push(settings.globalChannelId ? 'the global channel cannot be used' : 'the global channel is on but none is chosen');
  }

  // 2. A known target account with a mapped owner: the owner's DMs.
  if (conversation.accountOwnerAgentId) {
    const owner = mapped(conversation.accountOwnerAgentId);
    if (owner) return { kind: 'dm', rule: 'account-owner', targets: [owner], reason: because(`account owner of ${conversation.accountName ?? 'the account'}`) };
    skipped.push('the account owner is not mapped to a usable Slack user');
  }

  if (!group) {
    skipped.push(conversation.routingGroupId ? 'the routing group is unknown' : 'the chat has no routing group');
  } else {
    // 3. A one-member group: that member's DMs.
    if (members.length === 1) {
      const only = mapped(members[0]!.agentId);
      if (only) return { kind: 'dm', rule: 'one-member-group', targets: [only], reason: because('one-member group') };
      skipped.push('the only member is not mapped to a usable Slack user');
    }
    // 4. Everyone but one on Do Not Disturb, and that one online: their DMs.
    if (members.length >= 2) {
      const notDnd = members.filter((m) => m.status !== 'dnd');
      const lone = notDnd.length === 1 && notDnd[0]!.status === 'online' ? mapped(notDnd[0]!.agentId) : null;
      if (lone) return { kind: 'dm', rule: 'only-member-not-on-dnd', targets: [lone], reason: because('all other members on Do Not Disturb') };
      if (notDnd.length === 1 && notDnd[0]!.status === 'online') skipped.push('the one member not on Do Not Disturb is not mapped to a usable Slack user');
    }
    // 5. The group's channel, @mentioning its mapped members.
    if (channelOk(group.channelId)) {
      return { kind: 'channel', rule: 'group-channel', channelId: group.channelId, mentionSlackUserIds: memberMentions(), unmappedMemberNames: unmappedNames(), reason: because(`routing group ${group.name}`) };
    }
    skipped.push(group.channelId ? `the channel of ${group.name} cannot be used` : `${group.name} has no Slack channel`);
  }

  // Fallbacks: the global channel even with the toggle off, then each mapped online member.
  if (!settings.globalChannelEnabled && channelOk(settings.globalChannelId)) {
    return { kind: 'channel', rule: 'fallback-global-channel', channelId: settings.globalChannelId, mentionSlackUserIds: memberMentions(), unmappedMemberNames: unmappedNames(), reason: because('fallback to the global channel') };
  }
  const online = members.filter((m) => m.status === 'online').flatMap((m) => mapped(m.agentId) ?? []);
  if (online.length > 0) return { kind: 'dm', rule: 'fallback-online-members', targets: online, reason: because('fallback to each online member') };

  skipped.push('no mapped online member to message');
  return { kind: 'undeliverable', reason: `nowhere to notify: ${skipped.join('; ')}` };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
