// The Join button on a chat's notification: the first mapped rep to press it takes the chat
// (a unique claim, so two reps pressing at once cannot both get it); the parent message then
// shows who has it, and anyone pressing later is told who. The chat platform's contract has no
// assignment call, so the platform learns who took the chat from that rep's messages (each
// carries their agentId), as with any rep answering from Slack.
import type { WorkerDeps } from './worker-deps.ts';
import type { InteractionPayload } from '../slack/slack-interactions.ts';
import { blockActionsSchema } from '../slack/slack-interactions.ts';
import { refreshParentMessage } from './parent-message.ts';
import { unmappedUserNotice } from '../slack/format/notices.ts';
import { freshDirectory } from './notification-delivery.ts';

export async function handleClaimClick(deps: WorkerDeps, raw: InteractionPayload): Promise<void> {
  const parsed = blockActionsSchema.safeParse(raw);
  if (!parsed.success) return;
  const p = parsed.data;
  const teamId = p.team.id;
  const slackUserId = p.user.id;
  const channel = p.container.channel_id;
  const threadTs = p.container.thread_ts ?? p.container.message_ts;
  const found = await deps.store.conversations.findByThread({ teamId, channelId: channel, threadTs });
  if (!found) return;
  const token = await deps.store.installations.botToken(teamId);
  if (!token) return;
  const tell = (text: string) => deps.slack.postEphemeral(token, { channel, user: slackUserId, text });
  const mapping = await deps.store.agentMappings.findBySlackUser(teamId, slackUserId);
  if (!mapping || mapping.orgId !== found.orgId) {
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
    const holder = (await deps.store.conversations.get(orgId, conversationId))?.claimedBy;
    // Pressed twice by the one who has it (or a retried job): nothing to tell.
    if (holder && holder.slackUserId !== slackUserId) await tell(`<@${holder.slackUserId}> already has this chat.`);
    await refreshParentMessage(deps, orgId, conversationId);
    return;
  }
  await refreshParentMessage(deps, orgId, conversationId);
  deps.logger.info({ orgId, conversationId, agentId: mapping.agentId }, 'chat taken from Slack');
}
