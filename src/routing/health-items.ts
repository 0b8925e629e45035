// The integration's health as an org admin sees it (GET /api/orgs/:orgId/health, the settings
// page's Health section): from the facts gathered about the org (src/health/org-health.ts), each
// thing that keeps chats from reaching a person, in words naming only the org's own things, with
// what to do and where on the settings page it is done. Pure.
//
// CONTRACT (shared by the API, the page and the tests; change all three together):
// - `anchor` is the id of the element on the settings page where the fix is made:
//   'connection' (Connect again), 'chat-handling', 'global-channel', `group-${groupId}` (a
//   routing group's row), `agent-${agentId}` (an agent's row), `chat-${conversationId}` (the
//   health section's own row of an undeliverable or waiting chat).
// - `action`, when present, is a button the page shows on the item: Connect again (a link to
//   the install URL), Route again (a POST to `path`, answered 202), or Add to workspaces (a link
//   to Slack's page, opened in a new tab, where an org admin adds an org-wide install to workspaces).

import { undeliverableCode, type UndeliverableCode } from './undeliverable-reasons.ts';

export type HealthItemKind =
  | 'slack_not_connected'
  | 'connection_lost'
  | 'no_workspace_granted'
  | 'scopes_missing'
  | 'group_without_channel'
  | 'channel_missing'
  | 'channel_archived'
  | 'channel_private_without_app'
  | 'channel_refused'
  | 'channel_shared_externally'
  | 'channel_shared_unconfirmed'
  | 'agent_unmapped'
  | 'chat_undeliverable'
  | 'chat_waiting';

/**
 * 'problem': chats are (or will be) lost or unanswered because of it; 'warning': worth a look;
 * 'info': nothing wrong, but worth knowing (a channel shared with another company, as confirmed).
 */
export type HealthSeverity = 'problem' | 'warning' | 'info';

export type HealthAction =
  | { kind: 'connect-again'; url: string }
  | { kind: 'route-again'; method: 'POST'; path: string }
  | { kind: 'add-to-workspaces'; url: string };

/**
 * Slack's page where an admin of an Enterprise Grid organization adds an org-wide install to
 * workspaces (api.slack.com/enterprise/apps); it opens in Slack, outside Threadbridge.
 */
export function addToWorkspacesUrl(enterpriseId: string, appId: string): string {
  return `https://app.slack.com/manage/${encodeURIComponent(enterpriseId)}/integrations/profile/${encodeURIComponent(appId)}/workspaces/add`;
}

export interface HealthItem {
  kind: HealthItemKind;
  severity: HealthSeverity;
  /** What is wrong, one sentence. */
  message: string;
  /** What to do about it, one sentence. */
  fix: string;
  anchor: string;
  action: HealthAction | null;
  /** Since when it is known to be so (ISO 8601), when known. */
  since: string | null;
  /** What it is about, for a script: only the ones that apply are present. */
  subject: {
    routingGroup?: { id: string; name: string };
    /** `global: true` for the global channel. */
    channel?: { id: string; name: string | null; global?: boolean };
    agent?: { id: string; name: string };
    conversation?: { id: string; visitor: string; routingGroup: { id: string; name: string } | null; waitingSince: string };
    scopes?: string[];
    /** An org-wide install's Enterprise Grid organization. */
    organization?: { id: string; name: string };
    /** Slack's error code or the stored reason, when one says why. */
    code?: string;
  };
}

export interface OrgHealth {
  /** 'ok' with no problem or warning (info items may be listed); otherwise the worst item's severity. */
  status: 'ok' | Exclude<HealthSeverity, 'info'>;
  checkedAt: string;
  connection: {
    status: 'connected' | 'not-connected' | 'disconnected';
    /** Why it is disconnected: 'tokens_revoked', 'app_uninstalled', 'token_refresh_failed', 'disconnected_by_admin'; null otherwise. */
    reason: string | null;
    workspace: { id: string; name: string } | null;
    /** Bot scopes the current manifest asks for that the install lacks. */
    missingScopes: string[];
  };
  lastSlackEventAt: string | null;
  lastPlatformWebhookAt: string | null;
  items: HealthItem[];
}

/** What the gatherer (src/health/org-health.ts) knows about a channel, from the directory. */
export type ChannelFact =
  | {
      kind: 'found';
      name: string;
      isArchived: boolean;
      isPrivate: boolean;
      isMember: boolean /** Slack Connect: shared with another company. */;
      isExtShared?: boolean;
    }
  /** Deleted, or private without the app (the directory then does not list it). */
  | { kind: 'missing' }
  /** Not checked: Slack's budget did not allow a lookup the directory could not answer. */
  | { kind: 'unverified' };

export interface HealthChat {
  conversationId: string;
  visitorName: string | null;
  routingGroupId: string | null;
  startedAt: Date;
}

/** Everything the health items are made from; gathered in src/health/org-health.ts. */
export interface HealthFacts {
  orgId: string;
  now: Date;
  /** Where Connect again leads (a fresh install link). */
  installUrl: string;
  /** The bot scopes the current manifest asks for (src/slack/bot-scopes.ts). */
  requiredScopes: readonly string[];
  installation: {
    teamId: string;
    teamName: string;
    /** 'enterprise': org-wide on a Grid organization (`teamId`, `teamName` are the organization's). */
    kind: 'workspace' | 'enterprise';
    appId: string;
    /** The workspaces its token acts in (an org-wide install's granted ones, possibly none). */
    workspaces: Array<{ id: string; name: string }>;
    status: 'active' | 'disconnected';
    disconnectReason: string | null;
    scopes: string[];
    updatedAt: Date;
  } | null;
  settings: { globalChannelEnabled: boolean; globalChannelId: string | null; answerTimeMs: number | null };
  /** The platform's routing groups, each with the channel the org chose for it (null: none). */
  groups: Array<{ id: string; name: string; memberAgentIds: string[]; channelId: string | null }>;
  agents: Array<{ id: string; name: string }>;
  mappedAgentIds: ReadonlySet<string>;
  /** The channels in use (the groups' and the global one), by id. */
  channels: ReadonlyMap<string, ChannelFact>;
  /** Slack's refusals recorded by the workers (org problems of kind channel_refused): channel id → code and since when. */
  refusedChannels: ReadonlyMap<string, { code: string | null; since: Date }>;
  /** When the workers first met a channel archived or the app removed from it (org problems), by channel id. */
  channelTroubleSince: ReadonlyMap<string, Date>;
  /** Channels shared with another company that an admin confirmed, by channel id: who (as the page names them) and when. */
  sharedChannelConfirmations?: ReadonlyMap<string, { by: string; at: Date }>;
  /** Open chats whose notification reached no one, with the stored reason. */
  undeliverable: Array<HealthChat & { reason: string }>;
  /** Open chats, with whether anyone answered. */
  openChats: Array<HealthChat & { answered: boolean }>;
  lastSlackEventAt: Date | null;
  lastPlatformWebhookAt: Date | null;
}

const CONNECTION_LOST: Record<string, { message: (workspace: string, code: string | null) => string; fix: string }> = {
  tokens_revoked: {
    message: (w) => `The app’s access to the Slack workspace ${w} was revoked in Slack: no chat reaches Slack.`,
    fix: 'Connect Slack again (a Slack admin of the workspace approves the app).',
  },
  app_uninstalled: {
    message: (w) => `The app was removed from the Slack workspace ${w}: no chat reaches Slack.`,
    fix: 'Connect Slack again to reinstall the app.',
  },
  token_refresh_failed: {
    message: (w, code) => `Slack refused to renew the app’s token for ${w}${code ? ` (${code})` : ''}: no chat reaches Slack.`,
    fix: 'Connect Slack again.',
  },
  disconnected_by_admin: {
    message: (w) => `Slack was disconnected from this page (workspace ${w}): no chat reaches Slack.`,
    fix: 'Connect Slack again when the org should get its chats in Slack.',
  },
};

/** What an undeliverable reason means and what fixes it, by its code (src/routing/undeliverable-reasons.ts). */
const UNDELIVERABLE_FIX: Record<UndeliverableCode, string> = {
  slack_not_connected: 'Connect Slack, then Route again.',
  slack_connection_lost: 'Connect Slack again, then Route again.',
  no_target: 'Give its routing group a Slack channel (or turn on the global channel) or map its members to Slack users, then Route again.',
  slack_refused: 'Choose another channel for its routing group (or check the app is in it), then Route again.',
  channel_shared_unconfirmed:
    'Confirm the channel shared with another company (the checkbox under its channel on this page), or pick another channel; its held chats are then routed again.',
  other: 'Route again; if it stays undeliverable, check the routing group’s channel and members.',
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const channelName = (id: string, fact: ChannelFact | undefined) => (fact?.kind === 'found' ? `#${fact.name}` : id);
const visitorOf = (chat: HealthChat) => chat.visitorName ?? 'an unnamed visitor';

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 1) return `${Math.round(ms / 1000)} s`;
  return m === 1 ? '1 minute' : `${m} minutes`;
}

/** The org's health from its facts: the connection, then channels, agents and chats. Pure. */
export function orgHealth(facts: HealthFacts): OrgHealth {
  const { installation } = facts;
  const items: HealthItem[] = [];
  const connectAgain: HealthAction = { kind: 'connect-again', url: facts.installUrl };
  const groupsById = new Map(facts.groups.map((g) => [g.id, g]));
  const groupRef = (id: string | null) => {
    const group = id ? groupsById.get(id) : undefined;
    return group ? { id: group.id, name: group.name } : null;
  };

  const missingScopes = installation?.status === 'active' ? facts.requiredScopes.filter((s) => !installation.scopes.includes(s)) : [];
  if (!installation) {
    items.push({
      kind: 'slack_not_connected',
      severity: 'problem',
      message: 'Slack is not connected: no chat reaches Slack.',
      fix: 'Connect Slack.',
      anchor: 'connection',
      action: connectAgain,
      since: null,
      subject: {},
    });
  } else if (installation.status === 'disconnected') {
    const [reason = 'unknown', code = null] = (installation.disconnectReason ?? 'unknown').split(/:(.*)/s);
    const words = CONNECTION_LOST[reason];
    items.push({
      kind: 'connection_lost',
      severity: 'problem',
      message: words
        ? words.message(installation.teamName, code)
        : `The connection to the Slack workspace ${installation.teamName} ended (${reason}): no chat reaches Slack.`,
      fix: words?.fix ?? 'Connect Slack again.',
      anchor: 'connection',
      action: connectAgain,
      since: iso(installation.updatedAt),
      subject: { code: code ?? reason },
    });
  } else if (installation.kind === 'enterprise' && installation.workspaces.length === 0) {
    // Nothing else can be checked (no channel, no person is reachable) until a workspace is granted.
    items.push({
      kind: 'no_workspace_granted',
      severity: 'problem',
      message: `The app is installed on the Slack organization ${installation.teamName} but is in no workspace yet: no chat reaches Slack.`,
      fix: 'An admin of the Slack organization adds the app to the workspaces your team works in, on Slack’s page (Add to workspaces); this check then shows the rest.',
      anchor: 'connection',
      action: { kind: 'add-to-workspaces', url: addToWorkspacesUrl(installation.teamId, installation.appId) },
      since: null,
      subject: { organization: { id: installation.teamId, name: installation.teamName } },
    });
  } else {
    if (missingScopes.length > 0) {
      items.push({
        kind: 'scopes_missing',
        severity: 'problem',
        message: `The Slack connection lacks permissions this version of the app needs: ${missingScopes.join(', ')}.`,
        fix: 'Connect Slack again to grant them.',
        anchor: 'connection',
        action: connectAgain,
        since: null,
        subject: { scopes: missingScopes },
      });
    }
    items.push(...channelItems(facts));
    items.push(...unmappedAgentItems(facts));
  }

  const undeliverableIds = new Set(facts.undeliverable.map((c) => c.conversationId));
  for (const chat of facts.undeliverable) {
    const code = undeliverableCode(chat.reason);
    const group = groupRef(chat.routingGroupId);
    items.push({
      kind: 'chat_undeliverable',
      severity: 'problem',
      message: `The chat ${chat.conversationId} with ${visitorOf(chat)}${group ? ` (${group.name})` : ''} reached no one in Slack: ${chat.reason}.`,
      fix: UNDELIVERABLE_FIX[code],
      anchor: `chat-${chat.conversationId}`,
      action: { kind: 'route-again', method: 'POST', path: routeAgainPath(facts.orgId, chat.conversationId) },
      since: iso(chat.startedAt),
      subject: { conversation: conversationSubject(chat, group), code },
    });
  }

  const answerTimeMs = facts.settings.answerTimeMs;
  if (answerTimeMs !== null) {
    for (const chat of facts.openChats) {
      const waited = facts.now.getTime() - chat.startedAt.getTime();
      if (chat.answered || undeliverableIds.has(chat.conversationId) || waited <= answerTimeMs) continue;
      const group = groupRef(chat.routingGroupId);
      items.push({
        kind: 'chat_waiting',
        severity: 'warning',
        message: `The chat ${chat.conversationId} with ${visitorOf(chat)}${group ? ` (${group.name})` : ''} has waited ${minutes(waited)} for an answer, longer than the answer time (${minutes(answerTimeMs)}).`,
        fix: 'Answer it in its Slack thread or the chat console; if nobody was told of it, check its routing group’s channel and members.',
        anchor: `chat-${chat.conversationId}`,
        action: null,
        since: iso(chat.startedAt),
        subject: { conversation: conversationSubject(chat, group) },
      });
    }
  }

  const worst = items.some((i) => i.severity === 'problem') ? 'problem' : items.some((i) => i.severity === 'warning') ? 'warning' : 'ok';
  return {
    status: worst,
    checkedAt: facts.now.toISOString(),
    connection: {
      status: !installation ? 'not-connected' : installation.status === 'active' ? 'connected' : 'disconnected',
      reason: installation?.status === 'disconnected' ? (installation.disconnectReason ?? 'unknown').split(':')[0]! : null,
      workspace: installation ? { id: installation.teamId, name: installation.teamName } : null,
      missingScopes,
    },
    lastSlackEventAt: iso(facts.lastSlackEventAt),
    lastPlatformWebhookAt: iso(facts.lastPlatformWebhookAt),
    items,
  };
}

export function routeAgainPath(orgId: string, conversationId: string): string {
  return `/api/orgs/${encodeURIComponent(orgId)}/conversations/${encodeURIComponent(conversationId)}/route-again`;
}

function conversationSubject(chat: HealthChat, group: { id: string; name: string } | null) {
  return { id: chat.conversationId, visitor: visitorOf(chat), routingGroup: group, waitingSince: chat.startedAt.toISOString() };
}

/**
 * The global channel's (while it is on) and each routing group's: none chosen, or one
 * notifications cannot be posted to. While a usable global channel is on, the groups' channels
 * are not used (every chat goes there: src/routing/notification-router.ts), so theirs are warnings.
 */
function channelItems(facts: HealthFacts): HealthItem[] {
  const items: HealthItem[] = [];
  const { globalChannelEnabled, globalChannelId } = facts.settings;
  const globalUsable = globalChannelEnabled && globalChannelId !== null && channelUsable(facts, globalChannelId);
  if (globalChannelEnabled && globalChannelId) {
    const item = channelItem(facts, globalChannelId, 'problem', {
      where: 'The global channel',
      anchor: 'global-channel',
      fix: 'choose another global channel, or turn it off so chats go to their routing groups',
      subject: {},
    });
    if (item) items.push(item);
  }
  for (const group of facts.groups) {
    const severity: HealthSeverity = globalUsable ? 'warning' : 'problem';
    const subject = { routingGroup: { id: group.id, name: group.name } };
    if (!group.channelId) {
      items.push({
        kind: 'group_without_channel',
        severity,
        message: globalUsable
          ? `The routing group ${group.name} has no Slack channel; while the global channel is on, its chats go there.`
          : `The routing group ${group.name} has no Slack channel: its chats go only to its mapped members’ direct messages (its only member, or those online), and to no one when none of them is online.`,
        fix: `Choose a Slack channel for ${group.name}.`,
        anchor: `group-${group.id}`,
        action: null,
        since: null,
        subject,
      });
      continue;
    }
    const item = channelItem(facts, group.channelId, severity, {
      where: `The channel of the routing group ${group.name}`,
      anchor: `group-${group.id}`,
      fix: `choose another channel for ${group.name}`,
      subject,
    });
    if (item) items.push(item);
  }
  return items;
}

function channelUsable(facts: HealthFacts, channelId: string): boolean {
  const fact = facts.channels.get(channelId);
  if (facts.refusedChannels.has(channelId) || sharedUnconfirmed(facts, channelId)) return false;
  return !fact || fact.kind === 'unverified' || (fact.kind === 'found' && !fact.isArchived && !(fact.isPrivate && !fact.isMember));
}

function channelItem(
  facts: HealthFacts,
  channelId: string,
  severity: HealthSeverity,
  about: { where: string; anchor: string; fix: string; subject: HealthItem['subject'] },
): HealthItem | null {
  const fact = facts.channels.get(channelId);
  const name = channelName(channelId, fact);
  const channel = { id: channelId, name: fact?.kind === 'found' ? fact.name : null, ...(about.anchor === 'global-channel' ? { global: true } : {}) };
  const base = { severity, anchor: about.anchor, action: null, subject: { ...about.subject, channel } };
  const troubleSince = facts.channelTroubleSince.get(channelId);
  const since = troubleSince ? troubleSince.toISOString() : null;
  if (fact?.kind === 'missing') {
    return {
      ...base,
      kind: 'channel_missing',
      message: `${about.where}, ${channelId}, no longer exists or the app cannot see it: notifications cannot be posted there.`,
      fix: `In Slack, add the app to the channel if it is private, or ${about.fix}.`,
      since,
    };
  }
  if (fact?.kind === 'found' && fact.isArchived) {
    return {
      ...base,
      kind: 'channel_archived',
      message: `${about.where}, ${name}, is archived: notifications cannot be posted there.`,
      fix: `Unarchive ${name} in Slack, or ${about.fix}.`,
      since,
    };
  }
  if (fact?.kind === 'found' && fact.isPrivate && !fact.isMember) {
    return {
      ...base,
      kind: 'channel_private_without_app',
      message: `${about.where}, ${name}, is private and the app is not in it: notifications cannot be posted there.`,
      fix: `In Slack, type @Threadbridge in ${name} and click “Add to Channel”, or ${about.fix}.`,
      since,
    };
  }
  const refused = facts.refusedChannels.get(channelId);
  if (refused) {
    return {
      ...base,
      kind: 'channel_refused',
      message: `Slack refused to post in ${about.where.charAt(0).toLowerCase()}${about.where.slice(1)}, ${name}${refused.code ? ` (${refused.code})` : ''}.`,
      fix: `Check the app may post in ${name} (posting permissions, the app in the channel), or ${about.fix}.`,
      since: refused.since.toISOString(),
      subject: { ...base.subject, ...(refused.code ? { code: refused.code } : {}) },
    };
  }
  return sharedChannelItem(facts, channelId, name, base, about);
}

function sharedUnconfirmed(facts: HealthFacts, channelId: string): boolean {
  const fact = facts.channels.get(channelId);
  return fact?.kind === 'found' && fact.isExtShared === true && !facts.sharedChannelConfirmations?.has(channelId);
}

/**
 * A channel in use that is shared with another company (Slack Connect): confirmed, worth knowing
 * (its people see the visitors' details); shared since it was chosen and never confirmed, its
 * chats are held (src/routing/notification-router.ts) until an admin confirms it or picks another.
 */
function sharedChannelItem(
  facts: HealthFacts,
  channelId: string,
  name: string,
  base: Pick<HealthItem, 'severity' | 'anchor' | 'action' | 'subject'>,
  about: { where: string; fix: string },
): HealthItem | null {
  const fact = facts.channels.get(channelId);
  if (fact?.kind !== 'found' || !fact.isExtShared) return null;
  const confirmed = facts.sharedChannelConfirmations?.get(channelId);
  if (confirmed) {
    return {
      ...base,
      severity: 'info',
      kind: 'channel_shared_externally',
      message: `${about.where}, ${name}, is shared with another company (Slack Connect): visitor details (name, email, company, messages) of the chats notified there are visible to that company’s people, as ${confirmed.by} confirmed on ${confirmed.at.toISOString().slice(0, 10)}.`,
      fix: `Nothing to do if that is intended; otherwise ${about.fix}.`,
      since: confirmed.at.toISOString(),
    };
  }
  return {
    ...base,
    kind: 'channel_shared_unconfirmed',
    message: `${about.where}, ${name}, became shared with another company (Slack Connect) after it was chosen, and nobody confirmed that visitor details may be visible to that company: new chats that would go there are held.`,
    fix: `Confirm the shared channel (the checkbox under it on this page) or ${about.fix}; held chats are then routed again.`,
    since: null,
  };
}

/** Agents with no Slack user, in a routing group with open chats: they are not told of them and cannot answer from Slack. */
function unmappedAgentItems(facts: HealthFacts): HealthItem[] {
  const items: HealthItem[] = [];
  for (const agent of facts.agents) {
    if (facts.mappedAgentIds.has(agent.id)) continue;
    const groups = facts.groups.filter((g) => g.memberAgentIds.includes(agent.id));
    const chats = facts.openChats.filter((c) => groups.some((g) => g.id === c.routingGroupId));
    if (chats.length === 0) continue;
    const waiting = chats.filter((c) => !c.answered).length;
    const names = groups.filter((g) => chats.some((c) => c.routingGroupId === g.id)).map((g) => g.name);
    items.push({
      kind: 'agent_unmapped',
      severity: waiting > 0 ? 'problem' : 'warning',
      message: `${agent.name} is not mapped to a Slack user while ${names.join(', ')} ${names.length === 1 ? 'has' : 'have'} ${chats.length} open chat${chats.length === 1 ? '' : 's'}${waiting > 0 ? ` (${waiting} unanswered)` : ''}: they are not notified in Slack and cannot answer from there.`,
      fix: `Enter ${agent.name}’s Slack username.`,
      anchor: `agent-${agent.id}`,
      action: null,
      since: null,
      subject: { agent: { id: agent.id, name: agent.name } },
    });
  }
  return items;
}
