// app_home_opened: publish the rep's Home tab (src/slack/format/app-home.ts) from their mapping,
// the open chats they took or were assigned, and their own last 7 days (the activity figures;
// their groups as the platform directory has them). Redrawn each time it is opened.
import type { ConversationDeps } from './conversation-deps.ts';
import { appHomeView, type HomeChat, type HomeWeek } from '../slack/format/app-home.ts';
import { visitorDisplayName } from '../slack/format/conversation-messages.ts';
import { freshDirectory } from './notification-delivery.ts';
import { threadOpenableBy } from './chat-threads.ts';
import { agentOf, tenantToken, type SlackTenant } from './slack-tenant.ts';
import { orgTimeZone } from './activity-source.ts';
import { lastDays } from '../routing/org-calendar.ts';
import type { PlatformDirectory } from '../store/index.ts';

export type AppHomeDeps = Pick<
  ConversationDeps,
  'store' | 'slack' | 'platform' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget' | 'activityFigures'
>;

const LISTED = 20;
const WEEK_DAYS = 7;

export async function publishAppHome(deps: AppHomeDeps, tenant: SlackTenant, slackUserId: string): Promise<void> {
  const token = await tenantToken(deps, tenant);
  if (!token) return;
  const mapping = await agentOf(deps, tenant, slackUserId);
  if (!mapping) {
    await deps.slack.publishHome(token, { userId: slackUserId, view: appHomeView({ mapped: null, chats: [], moreChats: 0 }) });
    return;
  }
  const [records, directory] = await Promise.all([
    deps.store.conversations.listOpenForAgent(mapping.orgId, mapping.agentId, LISTED + 1),
    freshDirectory(deps, mapping.orgId),
  ]);
  const week = await repWeek(deps, mapping.orgId, mapping.agentId, directory);
  const now = deps.now().getTime();
  // A thread the rep can open: never one in another person's DM with the app.
  const linkFor = async (record: (typeof records)[number]) => {
    const thread = threadOpenableBy(record, slackUserId);
    return thread ? deps.slack.getPermalink(token, { channel: thread.ref.channelId, ts: thread.ref.threadTs }).catch(() => null) : null;
  };
  const chats: HomeChat[] = await Promise.all(
    records.slice(0, LISTED).map(async (r) => ({
      visitorName: visitorDisplayName(r.conversation),
      accountName: r.conversation?.account?.name ?? null,
      waitingMinutes: Math.max(0, Math.floor((now - r.createdAt.getTime()) / 60_000)),
      answered: Boolean(r.answeredBy),
      threadLink: await linkFor(r),
    })),
  );
  const agentName = directory.agents.find((a) => a.agentId === mapping.agentId)?.name ?? mapping.agentId;
  await deps.slack.publishHome(token, {
    userId: slackUserId,
    view: appHomeView({ mapped: { agentName }, chats, moreChats: Math.max(0, records.length - LISTED), week }),
  });
}

/**
 * The rep's last 7 days: their own answers, and the missed chats of the routing groups the
 * directory has them in. null (the tab shows its chats without it) when the worker has no
 * activity figures or they could not be read: the figures never keep a rep from their chats.
 */
async function repWeek(deps: AppHomeDeps, orgId: string, agentId: string, directory: PlatformDirectory): Promise<HomeWeek | null> {
  if (!deps.activityFigures) return null;
  try {
    const range = lastDays(deps.now(), await orgTimeZone(deps.store, orgId), WEEK_DAYS);
    const report = await deps.activityFigures.report(orgId, range);
    const own = report.agents.find((a) => a.agentId === agentId);
    const groups = directory.groups.filter((g) => g.memberAgentIds.includes(agentId));
    const missed = report.groups.filter((g) => groups.some((mine) => mine.groupId === g.routingGroupId)).reduce((n, g) => n + g.missed, 0);
    return {
      answered: own?.answered ?? 0,
      medianFirstResponseSeconds: own?.firstResponseSeconds.p50 ?? null,
      missedInGroups: missed,
      groupNames: groups.map((g) => g.name),
    };
  } catch (error) {
    deps.logger.warn({ err: error, orgId }, 'app home: the activity figures could not be read; the tab is shown without them');
    return null;
  }
}
