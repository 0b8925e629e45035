// app_home_opened: publish the rep's Home tab (src/slack/format/app-home.ts) from their mapping
// and the open chats they took or were assigned. Redrawn each time it is opened.
import type { ConversationDeps } from './conversation-deps.ts';
import { appHomeView, type HomeChat } from '../slack/format/app-home.ts';
import { visitorDisplayName } from '../slack/format/conversation-messages.ts';
import { freshDirectory } from './notification-delivery.ts';
import { threadOpenableBy } from './chat-threads.ts';
import { agentOf, tenantToken, type SlackTenant } from './slack-tenant.ts';

export type AppHomeDeps = Pick<ConversationDeps, 'store' | 'slack' | 'platform' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget'>;

const LISTED = 20;

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
    view: appHomeView({ mapped: { agentName }, chats, moreChats: Math.max(0, records.length - LISTED) }),
  });
}
