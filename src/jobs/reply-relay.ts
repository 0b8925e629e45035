// A rep's reply in a conversation's Slack thread, relayed to the visitor through the platform.
// The clientMessageId is derived from the Slack message itself, so a retried job or a
// redelivered event sends the same id and the platform answers with the same message.
import { createHash } from 'node:crypto';
import type { WorkerDeps } from './worker-deps.ts';
import { slackMarkupToPlainText } from '../slack/format/escape.ts';
import { PlatformApiError } from '../platform/platform-api.ts';
import { markAnswered } from './answers.ts';
import { ENDED_CONVERSATION_NOTICE, unmappedUserNotice } from '../slack/format/notices.ts';

export interface SlackReply {
  teamId: string;
  channel: string;
  threadTs: string;
  ts: string;
  user: string;
  text: string;
}


export function clientMessageIdFor(reply: Pick<SlackReply, 'teamId' | 'channel' | 'ts'>): string {
  return `slack-${createHash('sha256').update(`${reply.teamId}/${reply.channel}/${reply.ts}`).digest('hex').slice(0, 32)}`;
}

export async function relayReply(deps: WorkerDeps, reply: SlackReply): Promise<void> {
  const conversation = await deps.store.conversations.findByThread({ teamId: reply.teamId, channelId: reply.channel, threadTs: reply.threadTs });
  if (!conversation) return; // a thread that is not a conversation's: reps may talk anywhere
  const { orgId, conversationId } = conversation;
  const log = deps.logger.child({ orgId, conversationId, slackUser: reply.user, ts: reply.ts });
  const clientMessageId = clientMessageIdFor(reply);
  const mapping = await deps.store.agentMappings.findBySlackUser(reply.teamId, reply.user);

  const claimed = await deps.store.relayedReplies.claim(
    { clientMessageId, orgId, conversationId, teamId: reply.teamId, channelId: reply.channel, slackTs: reply.ts, slackUserId: reply.user, agentId: mapping?.agentId ?? null },
    deps.now(),
  );
  if (claimed.state !== 'sending') return; // done by an earlier delivery of this event

  if (!mapping || mapping.orgId !== orgId) {
    await refuse(deps, reply, clientMessageId, 'unmapped_slack_user', unmappedUserNotice('Your reply was not sent'));
    log.info('reply from an unmapped Slack user refused');
    return;
  }
  try {
    const message = await deps.platform.sendAgentMessage({
      orgId,
      conversationId,
      agentId: mapping.agentId,
      text: slackMarkupToPlainText(reply.text),
      clientMessageId,
    });
    await deps.store.relayedReplies.markSent(clientMessageId, message.id, deps.now());
    log.info({ messageId: message.id, seq: message.seq }, 'reply relayed to the visitor');
    await markAnswered(deps, orgId, conversationId, { agentId: mapping.agentId, name: message.author.name });
  } catch (error) {
    if (error instanceof PlatformApiError && error.status === 409 && error.code === 'conversation_ended') {
      await refuse(deps, reply, clientMessageId, 'conversation_ended', ENDED_CONVERSATION_NOTICE);
      return;
    }
    throw error;
  }
}

async function refuse(deps: WorkerDeps, reply: SlackReply, clientMessageId: string, refusal: string, notice: string): Promise<void> {
  const token = await deps.store.installations.botToken(reply.teamId);
  // Tell the rep before recording the refusal: a retry after a failed notice tries again.
  if (token) await deps.slack.postEphemeral(token, { channel: reply.channel, user: reply.user, text: notice, threadTs: reply.threadTs });
  await deps.store.relayedReplies.markRefused(clientMessageId, refusal, deps.now());
}
