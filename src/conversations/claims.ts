// The Join button on a chat's notification: the first mapped rep to press it takes the chat
// (a unique claim, so two reps pressing at once cannot both get it); the parent message then
// shows who has it, and anyone pressing later is told who. The chat platform's contract has no
// assignment call, so the platform learns who took the chat the way the contract allows: a short
// message from that rep ("… joined the chat"), which the visitor sees as live chats usually show
// an agent joining. Its clientMessageId is fixed per chat, so a retry never sends it twice.
import type { ConversationDeps } from './conversation-deps.ts';
import type { BlockActionsPayload } from '../slack/slack-interactions.ts';
import { refreshParentMessage } from './parent-message.ts';
import { unmappedUserNotice } from '../slack/format/notices.ts';
import { alreadyTakenText } from '../slack/format/thread-notices.ts';
import { freshDirectory } from './notification-delivery.ts';
import { markAnswered } from './answers.ts';
import { PlatformApiError } from '../errors/index.ts';
import { foreignChatNotice } from '../slack/format/notices.ts';
import { agentOf, chatInThread, tenantToken, type SlackTenant } from './slack-tenant.ts';

export type ClaimsDeps = Pick<
  ConversationDeps,
  'store' | 'slack' | 'platform' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget' | 'producer' | 'activity' | 'observe'
>;

/** A click on Join (the payload parsed by the interaction processor). */
export async function handleClaimClick(deps: ClaimsDeps, tenant: SlackTenant, p: BlockActionsPayload): Promise<void> {
  const slackUserId = p.user.id;
  const channel = p.container.channel_id;
  const threadTs = p.container.thread_ts ?? p.container.message_ts;
  const found = await chatInThread(deps, tenant, { channelId: channel, threadTs });
  if (found.kind === 'none') return;
  const token = await tenantToken(deps, tenant);
  if (!token) return;
  const tell = (text: string) => deps.slack.postEphemeral(token, { channel, user: slackUserId, text });
  if (found.kind === 'foreign') {
    await tell(foreignChatNotice('You cannot take this chat'));
    return;
  }
  const mapping = await agentOf(deps, tenant, slackUserId);
  if (!mapping) {
    await tell(unmappedUserNotice('You cannot take this chat'));
    return;
  }
  const { orgId, conversationId } = found;
  const record = await deps.store.conversations.get(orgId, conversationId);
  if (!record || record.status === 'ended') {
    await tell('This chat has ended.');
    return;
  }
  const name = (await freshDirectory(deps, orgId)).agents.find((a) => a.agentId === mapping.agentId)?.name ?? slackUserId;
  const won = await deps.store.conversations.claimChat(orgId, conversationId, { agentId: mapping.agentId, slackUserId, name }, deps.now());
  if (!won) {
    const holder = await deps.store.conversations.chatClaim(orgId, conversationId);
    if (!holder) return; // cannot happen: a refused claim means one exists
    if (holder.slackUserId !== slackUserId) {
      await tell(alreadyTakenText(holder.slackUserId));
      return;
    }
    // The same rep again, or this job retried after winning: finish what the win started.
    await deps.store.conversations.settleClaim(orgId, conversationId, holder, deps.now());
    await announceJoin(deps, orgId, conversationId, holder, { channelId: channel, threadTs });
    return;
  }
  await announceJoin(deps, orgId, conversationId, { agentId: mapping.agentId, slackUserId, name }, { channelId: channel, threadTs });
  deps.logger.info({ orgId, conversationId, agentId: mapping.agentId }, 'chat taken from Slack');
}

/** Tells the platform (and the visitor) who joined, stops reminders, and redraws the parent. Idempotent. */
async function announceJoin(
  deps: ClaimsDeps,
  orgId: string,
  conversationId: string,
  by: { agentId: string; slackUserId: string; name: string },
  where: { channelId: string; threadTs: string },
): Promise<void> {
  try {
    await deps.platform.sendAgentMessage({
      orgId,
      conversationId,
      agentId: by.agentId,
      text: `${by.name} joined the chat.`,
      clientMessageId: `threadbridge-join-${conversationId}`,
    });
  } catch (error) {
    // The chat ended meanwhile: the claim stands, there is just nobody to tell.
    if (!(error instanceof PlatformApiError && error.code === 'conversation_ended')) throw error;
  }
  // The visitor has heard from a rep: reminders stop, as for any answer.
  await markAnswered(deps, orgId, conversationId, { ...by, thread: where, at: deps.now() });
  await refreshParentMessage(deps, orgId, conversationId);
}
