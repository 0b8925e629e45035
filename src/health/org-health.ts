// The facts the integration's health is made of (src/routing/health-items.ts), gathered for one
// org at the least cost: every read that does not depend on another runs at once (one round
// trip's time for the store, one for the platform), no query per chat, and channels are read
// from the directory (Redis), whose lookups spend Slack's budget only for a channel it lacks;
// a used-up budget leaves that channel unverified instead of failing the check.
import type { DirectoryLookup } from '../directory/directory-lookup.ts';
import type { PlatformApi } from '../platform/platform-api.ts';
import type { AdminActor, Store } from '../store/index.ts';
import { botScopes } from '../slack/bot-scopes.ts';
import { DirectoryRateLimitedError } from '../errors/index.ts';
import { orgHealth, type ChannelFact, type HealthFacts, type OrgHealth } from '../routing/health-items.ts';
import { answerTimeOf } from '../store/org-settings.repository.ts';

export interface OrgHealthDeps {
  store: Pick<Store, 'installations' | 'orgSettings' | 'agentMappings' | 'slackRouting' | 'orgProblems' | 'conversations' | 'orgActivity'>;
  directory: Pick<DirectoryLookup, 'channel'>;
  platform: Pick<PlatformApi, 'listAgents' | 'listRoutingGroups'>;
  now: () => Date;
}

/** The most undeliverable and open chats one look lists (the oldest first). */
const CHATS_SHOWN = 100;
const OPEN_CHATS_READ = 500;

export async function checkOrgHealth(deps: OrgHealthDeps, orgId: string, installUrl: string): Promise<OrgHealth> {
  return orgHealth(await gatherHealthFacts(deps, orgId, installUrl));
}

export async function gatherHealthFacts(deps: OrgHealthDeps, orgId: string, installUrl: string): Promise<HealthFacts> {
  const { store } = deps;
  const [installation, settings, groupChannels, mappings, problems, undeliverable, openChats, activity, groups, agents] = await Promise.all([
    store.installations.findByOrg(orgId),
    store.orgSettings.get(orgId),
    store.slackRouting.groupChannels(orgId),
    store.agentMappings.listForOrg(orgId),
    store.orgProblems.list(orgId),
    store.conversations.listUndeliverable(orgId, CHATS_SHOWN),
    store.conversations.listOpen(orgId, OPEN_CHATS_READ),
    store.orgActivity.get(orgId),
    deps.platform.listRoutingGroups(orgId),
    deps.platform.listAgents(orgId),
  ]);
  const connectedTeam = installation?.status === 'active' ? installation.teamId : null;
  const globalChannelId = settings?.globalChannelEnabled ? (settings.globalChannelId ?? null) : null;
  const inUse = [...new Set([...(globalChannelId ? [globalChannelId] : []), ...groups.flatMap((g) => groupChannels.get(g.id) ?? [])])];
  const channels = new Map<string, ChannelFact>(
    connectedTeam ? await Promise.all(inUse.map(async (id) => [id, await channelFact(deps.directory, connectedTeam, id)] as const)) : [],
  );

  return {
    orgId,
    now: deps.now(),
    installUrl,
    requiredScopes: botScopes,
    installation: installation && {
      teamId: installation.teamId,
      teamName: installation.teamName,
      kind: installation.kind,
      appId: installation.appId,
      workspaces: installation.workspaces,
      status: installation.status,
      disconnectReason: installation.disconnectReason,
      scopes: installation.scopes,
      updatedAt: installation.updatedAt,
    },
    settings: {
      globalChannelEnabled: settings?.globalChannelEnabled ?? false,
      globalChannelId: settings?.globalChannelId ?? null,
      answerTimeMs: answerTimeOf(settings),
    },
    groups: groups.map((g) => ({ id: g.id, name: g.name, memberAgentIds: g.memberAgentIds, channelId: groupChannels.get(g.id) ?? null })),
    agents: agents.map((a) => ({ id: a.id, name: a.name })),
    // Only mappings to the workspace connected now count (as the agents page shows them).
    mappedAgentIds: new Set(mappings.filter((m) => m.teamId === installation?.teamId).map((m) => m.agentId)),
    channels,
    refusedChannels: new Map(problems.filter((p) => p.kind === 'channel_refused').map((p) => [p.subject, { code: p.detail, since: p.firstSeenAt }])),
    sharedChannelConfirmations: new Map(
      Object.entries(settings?.sharedChannelConfirmations ?? {}).map(([channelId, c]) => [channelId, { by: actorName(c.by), at: new Date(c.at) }]),
    ),
    channelTroubleSince: new Map(
      problems.filter((p) => p.kind === 'channel_archived' || p.kind === 'app_removed_from_channel').map((p) => [p.subject, p.firstSeenAt]),
    ),
    undeliverable: undeliverable.map((r) => ({
      conversationId: r.conversationId,
      visitorName: r.conversation?.visitor.name ?? null,
      routingGroupId: r.conversation?.routingGroupId ?? null,
      startedAt: r.conversation ? new Date(r.conversation.startedAt) : r.createdAt,
      reason: r.undeliverableReason ?? '',
    })),
    openChats,
    lastSlackEventAt: activity.lastSlackEventAt,
    lastPlatformWebhookAt: activity.lastPlatformWebhookAt,
  };
}

/** Who confirmed, as the health's words name them. */
function actorName(actor: AdminActor): string {
  return actor.kind === 'operator' ? 'an operator' : (actor.userName ?? actor.userId);
}

async function channelFact(directory: OrgHealthDeps['directory'], teamId: string, channelId: string): Promise<ChannelFact> {
  try {
    const channel = await directory.channel(teamId, channelId);
    if (!channel) return { kind: 'missing' };
    return {
      kind: 'found',
      name: channel.name,
      isArchived: channel.isArchived,
      isPrivate: channel.isPrivate,
      isMember: channel.isMember,
      isExtShared: channel.isExtShared === true,
    };
  } catch (error) {
    if (error instanceof DirectoryRateLimitedError) return { kind: 'unverified' };
    throw error;
  }
}
