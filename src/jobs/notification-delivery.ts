// Sends a new chat's notification where the routing rules say, and opens the conversation's
// thread there. Gathers the facts the pure router needs (platform agents and groups, mappings,
// settings, group channels), and feeds Slack's refusals (channel_not_found, not_in_channel,
// is_archived, a user who cannot be messaged) back into the router until a target works.
import type { WorkerDeps } from './worker-deps.ts';
import type { ConversationRecord, NotificationRecord, SlackThreadRef } from '../store/index.ts';
import { routeNotification, type RoutingAgent, type RoutingDecision, type RoutingInput } from '../routing/notification-router.ts';
import { parentMessage, visitorDisplayName } from '../slack/format/conversation-messages.ts';
import { escapeSlackText } from '../slack/format/escape.ts';
import { SlackApiError } from '../slack/slack-errors.ts';
import { postWhenBudgetAllows } from './paced-slack-api.ts';

/** Agents and groups fetched from the platform are reused this long; status events update them meanwhile. */
export const DIRECTORY_MAX_AGE_MS = 60_000;
const channelRefusals = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'channel_is_archived']);
const userRefusals = new Set(['user_not_found', 'user_disabled', 'user_not_visible', 'cannot_dm_bot', 'account_inactive']);
const MAX_ATTEMPTS = 8;

export type DeliveryResult = { ok: true; thread: SlackThreadRef; notification: NotificationRecord } | { ok: false; reason: string };

export async function routingFacts(deps: WorkerDeps, record: ConversationRecord): Promise<Omit<RoutingInput, 'unusable'>> {
  const { orgId } = record;
  const conversation = record.conversation!;
  const [directory, mappings, settings] = await Promise.all([
    freshDirectory(deps, orgId),
    deps.store.agentMappings.listForOrg(orgId),
    deps.store.orgSettings.get(orgId),
  ]);
  const slackUserOf = new Map(mappings.map((m) => [m.agentId, m.slackUserId]));
  const agents = new Map<string, RoutingAgent>(
    directory.agents.map((a) => [a.agentId, { agentId: a.agentId, name: a.name, status: a.status, slackUserId: slackUserOf.get(a.agentId) ?? null }]),
  );
  const platformGroup = conversation.routingGroupId ? directory.groups.find((g) => g.groupId === conversation.routingGroupId) : undefined;
  const group = platformGroup
    ? { id: platformGroup.groupId, name: platformGroup.name, memberAgentIds: platformGroup.memberAgentIds, channelId: await deps.store.slackRouting.groupChannel(orgId, platformGroup.groupId) }
    : null;
  return {
    settings: { globalChannelEnabled: settings?.globalChannelEnabled ?? false, globalChannelId: settings?.globalChannelId ?? null },
    conversation: {
      routingGroupId: conversation.routingGroupId,
      accountName: conversation.account?.name ?? null,
      accountOwnerAgentId: conversation.account?.ownerAgentId ?? null,
    },
    group,
    agents,
  };
}

/** The org's agents and groups, fetched again when older than a minute, or when `force`d (an id we do not know yet). */
export async function freshDirectory(deps: WorkerDeps, orgId: string, options: { force?: boolean } = {}) {
  const cached = await deps.store.platformDirectory.load(orgId);
  const now = deps.now();
  if (!options.force && cached.fetchedAt && now.getTime() - cached.fetchedAt.getTime() < DIRECTORY_MAX_AGE_MS) return cached;
  try {
    const [agents, groups] = await Promise.all([deps.platform.listAgents(orgId), deps.platform.listRoutingGroups(orgId)]);
    await deps.store.platformDirectory.saveSnapshot(
      orgId,
      agents.map((a) => ({ agentId: a.id, name: a.name, email: a.email, status: a.status })),
      groups.map((g) => ({ groupId: g.id, name: g.name, memberAgentIds: g.memberAgentIds })),
      now,
    );
    return deps.store.platformDirectory.load(orgId);
  } catch (error) {
    // A stale directory routes better than none; without one, let the job retry.
    if (cached.fetchedAt) {
      deps.logger.warn({ orgId, err: error }, 'could not refresh agents and routing groups; routing with the cached ones');
      return cached;
    }
    throw error;
  }
}

export async function deliverNotification(deps: WorkerDeps, record: ConversationRecord, teamId: string, token: string): Promise<DeliveryResult> {
  const facts = await routingFacts(deps, record);
  const unusable = { channelIds: new Set<string>(), slackUserIds: new Set<string>() };
  const log = deps.logger.child({ orgId: record.orgId, conversationId: record.conversationId });

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const decision = routeNotification({ ...facts, unusable });
    if (decision.kind === 'undeliverable') return { ok: false, reason: decision.reason };
    const notification = describe(decision, facts.group?.name ?? null);
    const body = parentMessage(record.conversation!, {
      mentionUserIds: notification.mentionSlackUserIds,
      unmappedNames: notification.unmappedMemberNames,
      groupName: notification.groupName,
      reason: decision.reason,
      status: { kind: 'waiting' },
    });
    try {
      if (decision.kind === 'channel') {
        const posted = await deps.slack.postMessage(token, { channel: decision.channelId, ...body });
        return { ok: true, thread: { teamId, channelId: posted.channel, threadTs: posted.ts }, notification };
      }
      const [primary, ...others] = decision.targets;
      const primaryChannel = await dmChannel(deps, teamId, token, primary!.slackUserId, unusable);
      if (!primaryChannel) continue;
      const posted = await deps.slack.postMessage(token, { channel: primaryChannel, ...body });
      const thread = { teamId, channelId: posted.channel, threadTs: posted.ts };
      // The thread lives in the first DM; the others get a pointer to it.
      if (others.length > 0) await pointOthersToThread(deps, teamId, token, record, thread, others.map((o) => o.slackUserId), 'New chat from', unusable);
      return { ok: true, thread, notification };
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      if (decision.kind === 'channel' && channelRefusals.has(error.code)) {
        log.warn({ channel: decision.channelId, code: error.code, rule: decision.rule }, 'Slack refused the notification channel; routing again without it');
        unusable.channelIds.add(decision.channelId);
        continue;
      }
      if (decision.kind === 'dm' && (channelRefusals.has(error.code) || userRefusals.has(error.code))) {
        log.warn({ slackUser: decision.targets[0]!.slackUserId, code: error.code, rule: decision.rule }, 'Slack refused the DM; routing again without that user');
        unusable.slackUserIds.add(decision.targets[0]!.slackUserId);
        continue;
      }
      throw error;
    }
  }
  return { ok: false, reason: 'Slack refused every target the routing rules allowed' };
}

function describe(decision: Exclude<RoutingDecision, { kind: 'undeliverable' }>, groupName: string | null): NotificationRecord {
  if (decision.kind === 'channel') {
    return { rule: decision.rule, reason: decision.reason, targetKind: 'channel', mentionSlackUserIds: decision.mentionSlackUserIds, unmappedMemberNames: decision.unmappedMemberNames, groupName, dmSlackUserIds: [] };
  }
  return { rule: decision.rule, reason: decision.reason, targetKind: 'dm', mentionSlackUserIds: [], unmappedMemberNames: [], groupName, dmSlackUserIds: decision.targets.map((t) => t.slackUserId) };
}

/** The app's DM with a user, cached; null (and the user marked unusable) when Slack refuses it. */
export async function dmChannel(deps: WorkerDeps, teamId: string, token: string, slackUserId: string, unusable?: { slackUserIds: Set<string> }): Promise<string | null> {
  const cached = await deps.store.slackRouting.dmChannel(teamId, slackUserId);
  if (cached) return cached;
  try {
    const channel = await deps.slack.openDm(token, slackUserId);
    await deps.store.slackRouting.saveDmChannel(teamId, slackUserId, channel);
    return channel;
  } catch (error) {
    if (error instanceof SlackApiError && userRefusals.has(error.code) && unusable) {
      unusable.slackUserIds.add(slackUserId);
      return null;
    }
    throw error;
  }
}

/** DMs each user "<lead> <visitor>: answer in its thread", linking to the conversation's thread. */
export async function pointOthersToThread(
  deps: WorkerDeps,
  teamId: string,
  token: string,
  record: ConversationRecord,
  thread: SlackThreadRef,
  slackUserIds: string[],
  lead: string,
  unusable?: { slackUserIds: Set<string> },
): Promise<void> {
  const permalink = await deps.slack.getPermalink(token, { channel: thread.channelId, ts: thread.threadTs });
  const name = escapeSlackText(visitorDisplayName(record.conversation));
  for (const user of slackUserIds) {
    const channel = await dmChannel(deps, teamId, token, user, unusable);
    if (!channel) continue;
    await postWhenBudgetAllows(deps.slack, token, { channel, text: `${lead} ${name}: <${permalink}|answer in its thread>` });
  }
}
