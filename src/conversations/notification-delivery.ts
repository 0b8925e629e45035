// Sends a new chat's notification where the routing rules say, and opens the conversation's
// primary thread there (the decision's other targets become threads of the same chat, opened
// by the thread writer). Gathers the facts the pure router needs (platform agents and groups,
// mappings, settings, group channels), and feeds Slack's refusals (channel_not_found,
// not_in_channel, is_archived, a user who cannot be messaged) back into the router until a
// target works.
import type { ConversationDeps } from './conversation-deps.ts';
import type { ConversationRecord, NotificationRecord, PlannedThread, SlackThreadRef } from '../store/index.ts';
import type { OrgSettings } from '../store/org-settings.repository.ts';
import { routeNotification, type NotifyTarget, type RoutingAgent, type RoutingDecision, type RoutingInput } from '../routing/notification-router.ts';
import { parentMessage, type ParentStatus } from '../slack/format/conversation-messages.ts';
import { SlackApiError, contentRefusalCodes, LockBusyError } from '../errors/index.ts';
import { ensureAppInChannel } from '../directory/channel-membership.ts';
import { postJoiningIfNeeded } from './posting.ts';
import { acquireWithin } from '../locks/redis-locks.ts';
import { undeliverableReasons } from '../routing/undeliverable-reasons.ts';
import { heldSharedChannels } from './shared-channel-hold.ts';

export type NotificationDeliveryDeps = Pick<
  ConversationDeps,
  'store' | 'slack' | 'platform' | 'producer' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget'
>;

/** Agents and groups fetched from the platform are reused this long; status events update them meanwhile. */
export const DIRECTORY_MAX_AGE_MS = 60_000;
/** How long a job waits for another process's refresh of the same org, and how long a refresh may hold it. */
const REFRESH_WAIT_MS = 5_000;
const REFRESH_LEASE_MS = 15_000;
const channelRefusals = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'channel_is_archived']);
const userRefusals = new Set(['user_not_found', 'user_disabled', 'user_not_visible', 'cannot_dm_bot', 'account_inactive']);
const MAX_ATTEMPTS = 8;
/** A parent message waits in-process for its channel's next slot (kept for it) this long at most. */
const PARENT_BUDGET_WAIT_MS = 5_000;

export type DeliveryResult = { ok: true; thread: SlackThreadRef; notification: NotificationRecord; planned: PlannedThread[] } | { ok: false; reason: string };

/** `settingsRead`: the org's settings when the caller reads them for more than routing (one read, not two). */
export async function routingFacts(
  deps: NotificationDeliveryDeps,
  record: ConversationRecord,
  settingsRead?: Promise<OrgSettings | null>,
): Promise<Omit<RoutingInput, 'unusable'>> {
  const { orgId } = record;
  const conversation = record.conversation!;
  const [directory, mappings, settings] = await Promise.all([
    freshDirectory(deps, orgId),
    deps.store.agentMappings.listForOrg(orgId),
    settingsRead ?? deps.store.orgSettings.get(orgId),
  ]);
  const slackUserOf = new Map(mappings.map((m) => [m.agentId, m.slackUserId]));
  const agents = new Map<string, RoutingAgent>(
    directory.agents.map((a) => [a.agentId, { agentId: a.agentId, name: a.name, status: a.status, slackUserId: slackUserOf.get(a.agentId) ?? null }]),
  );
  const platformGroup = conversation.routingGroupId ? directory.groups.find((g) => g.groupId === conversation.routingGroupId) : undefined;
  const group = platformGroup
    ? {
        id: platformGroup.groupId,
        name: platformGroup.name,
        memberAgentIds: platformGroup.memberAgentIds,
        channelId: await deps.store.slackRouting.groupChannel(orgId, platformGroup.groupId),
      }
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

/**
 * The org's agents and groups, fetched again when older than a minute, or when `force`d (an id we
 * do not know yet). One process refreshes an org at a time (a Redis lock): fifty chats starting at
 * once make one platform fetch and one snapshot write, not fifty racing writes of the same
 * documents (which FerretDB v1.24 can hang on, and which spend the platform's rate limit).
 */
export async function freshDirectory(deps: Omit<NotificationDeliveryDeps, 'producer'>, orgId: string, options: { force?: boolean } = {}) {
  const cached = await deps.store.platformDirectory.load(orgId);
  const fresh = (d: typeof cached) => Boolean(d.fetchedAt && deps.now().getTime() - d.fetchedAt.getTime() < DIRECTORY_MAX_AGE_MS);
  if (!options.force && fresh(cached)) return cached;
  const name = `platform-directory:${orgId}`;
  // Merely old (not missing, nothing unknown asked for): whoever holds the lock is refreshing it,
  // and this chat routes with what there is. Waiting would line every chat starting meanwhile up
  // behind the lock, each taking it in turn to find the refresh done (one of 200 waited 6 s).
  const lock =
    !options.force && cached.fetchedAt
      ? await deps.locks.tryAcquire(name, REFRESH_LEASE_MS)
      : await acquireWithin(deps.locks, name, { waitMs: REFRESH_WAIT_MS, leaseMs: REFRESH_LEASE_MS });
  if (!lock) {
    // Another process has been refreshing for a while: route with what there is, or come back.
    if (cached.fetchedAt) return cached;
    throw new LockBusyError(`platform-directory:${orgId}`);
  }
  try {
    // Whoever held the lock before may have just refreshed it.
    const latest = await deps.store.platformDirectory.load(orgId);
    const refreshedMeanwhile = latest.fetchedAt && (!cached.fetchedAt || latest.fetchedAt > cached.fetchedAt);
    if (refreshedMeanwhile && (fresh(latest) || options.force)) return latest;
    const now = deps.now();
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
      if (latest.fetchedAt) {
        deps.logger.warn({ orgId, err: error }, 'could not refresh agents and routing groups; routing with the cached ones');
        return latest;
      }
      throw error;
    }
  } finally {
    await lock.release();
  }
}

export async function deliverNotification(
  deps: NotificationDeliveryDeps,
  record: ConversationRecord,
  teamId: string,
  token: string,
  beforeEachPost?: () => Promise<void>,
  /** routingFacts(deps, record), when the caller started reading them already. */
  prefetchedFacts?: Promise<Omit<RoutingInput, 'unusable'>>,
): Promise<DeliveryResult> {
  const facts = await (prefetchedFacts ?? routingFacts(deps, record));
  const unusable = { channelIds: new Set<string>(), slackUserIds: new Set<string>() };
  const heldChannelIds = await heldSharedChannels(deps, teamId, record.orgId, [
    facts.settings.globalChannelEnabled ? facts.settings.globalChannelId : null,
    facts.group?.channelId ?? null,
  ]);
  const log = deps.logger.child({ orgId: record.orgId, conversationId: record.conversationId });

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const decision = routeNotification({ ...facts, unusable, heldChannelIds });
    if (decision.kind === 'undeliverable') return { ok: false, reason: decision.reason };
    const [first, ...others] = decision.targets;
    const notificationOf = (target: NotifyTarget) => describe(decision, target, facts.group?.name ?? null);
    const notification = notificationOf(first!);
    try {
      const thread = await openThreadAt(deps, record, teamId, token, plannedTarget(first!), notification, { kind: 'waiting' }, beforeEachPost);
      if (!thread) {
        // A person Slack will not let the app message (deactivated, a bot…).
        if (first!.kind === 'dm') unusable.slackUserIds.add(first!.slackUserId);
        continue;
      }
      // The other targets get their threads on the thread writer's next step, under the same
      // lock: planned first, so that a worker dying half-way leaves them to its retry.
      const planned = others.map((t) => ({ target: plannedTarget(t), notification: notificationOf(t), opened: 'notification' as const }));
      return { ok: true, thread, notification, planned };
    } catch (error) {
      // Slack refused the parent message itself, even as plain text: no target would take it.
      if (error instanceof SlackApiError && contentRefusalCodes.has(error.code)) {
        log.error({ code: error.code, rule: decision.rule }, 'Slack refused the notification itself');
        return { ok: false, reason: undeliverableReasons.refusedContent(error.code) };
      }
      const refused = refusalOf(error, plannedTarget(first!));
      if (!refused) throw error;
      log.warn({ ...refused.log, rule: decision.rule }, 'Slack refused the notification target; routing again without it');
      if (refused.channelId) {
        unusable.channelIds.add(refused.channelId);
        // A channel the org notifies in that Slack refuses: the installer hears of it (deduplicated per channel).
        await deps.producer.orgProblem({ orgId: record.orgId, kind: 'channel_refused', subject: refused.channelId, detail: refused.code });
      }
      if (refused.slackUserId) unusable.slackUserIds.add(refused.slackUserId);
    }
  }
  return { ok: false, reason: undeliverableReasons.refusedEveryTarget() };
}

function plannedTarget(target: NotifyTarget): PlannedThread['target'] {
  return target.kind === 'channel' ? { kind: 'channel', channelId: target.channelId } : { kind: 'dm', slackUserId: target.slackUserId };
}

/** The refused channel or Slack user when `error` is Slack refusing a notification target, else null. */
export function refusalOf(
  error: unknown,
  target: PlannedThread['target'],
): { channelId?: string; slackUserId?: string; code: string; log: Record<string, string> } | null {
  if (!(error instanceof SlackApiError)) return null;
  if (target.kind === 'channel' && channelRefusals.has(error.code))
    return { channelId: target.channelId, code: error.code, log: { channel: target.channelId, code: error.code } };
  if (target.kind === 'dm' && (channelRefusals.has(error.code) || userRefusals.has(error.code)))
    return { slackUserId: target.slackUserId, code: error.code, log: { slackUser: target.slackUserId, code: error.code } };
  return null;
}

/**
 * Posts the chat's parent message at a target and returns the thread it opens; null when the
 * target is a person Slack will not let the app message. The app joins a public channel first,
 * so it hears the replies. A parent goes before the channel's other waiting posts.
 */
export async function openThreadAt(
  deps: NotificationDeliveryDeps,
  record: ConversationRecord,
  teamId: string,
  token: string,
  target: PlannedThread['target'],
  notification: NotificationRecord,
  status: ParentStatus,
  beforeEachPost?: () => Promise<void>,
): Promise<SlackThreadRef | null> {
  const body = parentMessage(record.conversation!, {
    mentionUserIds: notification.mentionSlackUserIds,
    unmappedNames: notification.unmappedMemberNames,
    groupName: notification.groupName,
    reason: notification.reason,
    status,
    claimedBySlackUserId: record.claimedBy?.slackUserId ?? null,
    meeting: record.meeting,
  });
  const channel = await targetChannel(deps, teamId, token, target);
  if (!channel) return null;
  // Waits as this chat's parent in this channel, so a retried job keeps its turn.
  const waiterId = `parent:${record.orgId}:${record.conversationId}:${channel}`;
  const posted = await postJoiningIfNeeded(deps, teamId, token, { channel, ...body, priority: 'parent', waiterId }, PARENT_BUDGET_WAIT_MS, beforeEachPost);
  return { teamId, channelId: posted.channel, threadTs: posted.ts };
}

/**
 * The Slack channel a thread at `target` lives in: the channel (the app joins a public one first,
 * so it hears the replies), or the app's DM with the person; null when Slack will not let the
 * app message them.
 */
export async function targetChannel(deps: NotificationDeliveryDeps, teamId: string, token: string, target: PlannedThread['target']): Promise<string | null> {
  if (target.kind === 'channel') {
    await ensureAppInChannel(deps, teamId, target.channelId);
    return target.channelId;
  }
  return dmChannel(deps, teamId, token, target.slackUserId);
}

function describe(decision: Extract<RoutingDecision, { kind: 'notify' }>, target: NotifyTarget, groupName: string | null): NotificationRecord {
  if (target.kind === 'channel') {
    return {
      rule: decision.rule,
      reason: decision.reason,
      targetKind: 'channel',
      mentionSlackUserIds: target.mentionSlackUserIds,
      unmappedMemberNames: target.unmappedMemberNames,
      groupName,
      dmSlackUserIds: [],
    };
  }
  return {
    rule: decision.rule,
    reason: decision.reason,
    targetKind: 'dm',
    mentionSlackUserIds: [],
    unmappedMemberNames: [],
    groupName,
    dmSlackUserIds: [target.slackUserId],
  };
}

/** The app's DM with a user, cached; null when Slack refuses to open it (deactivated, a bot…). */
export async function dmChannel(
  deps: Pick<NotificationDeliveryDeps, 'store' | 'slack'>,
  teamId: string,
  token: string,
  slackUserId: string,
): Promise<string | null> {
  const cached = await deps.store.slackRouting.dmChannel(teamId, slackUserId);
  if (cached) return cached;
  try {
    const channel = await deps.slack.openDm(token, slackUserId);
    await deps.store.slackRouting.saveDmChannel(teamId, slackUserId, channel);
    return channel;
  } catch (error) {
    if (error instanceof SlackApiError && userRefusals.has(error.code)) return null;
    throw error;
  }
}
