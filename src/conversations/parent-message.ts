// Keeps the parent message of each of a conversation's threads current (waiting, answered by whom, ended) with
// chat.update. Redrawn from stored state, so running it twice shows the same thing.
import type { ConversationDeps } from './conversation-deps.ts';
import type { ConversationRecord } from '../store/index.ts';
import { parentMessage, type ParentStatus } from '../slack/format/conversation-messages.ts';
import { SlackApiError } from '../errors/index.ts';
import { threadsOf } from './chat-threads.ts';

export type ParentMessageDeps = Pick<ConversationDeps, 'store' | 'slack' | 'logger' | 'now'>;

export function parentStatus(record: ConversationRecord, nowMs: number): ParentStatus {
  if (record.status === 'ended') return { kind: 'ended' };
  if (record.answeredBy) return { kind: 'answered', by: record.answeredBy.name };
  const minutes = Math.floor((nowMs - record.createdAt.getTime()) / 60_000);
  return minutes > 0 ? { kind: 'waiting', waitingMinutes: minutes } : { kind: 'waiting' };
}

/** Redraws the parent message of every thread of the chat. */
export async function refreshParentMessage(deps: ParentMessageDeps, orgId: string, conversationId: string): Promise<void> {
  const record = await deps.store.conversations.get(orgId, conversationId);
  if (!record?.thread || !record.conversation || !record.notification) return;
  const token = await deps.store.installations.botToken(record.thread.teamId, record.orgId);
  if (!token) return;
  const status = parentStatus(record, deps.now().getTime());
  for (const thread of threadsOf(record)) {
    const body = parentMessage(record.conversation, {
      mentionUserIds: thread.notification.mentionSlackUserIds,
      unmappedNames: thread.notification.unmappedMemberNames,
      groupName: thread.notification.groupName,
      reason: thread.notification.reason,
      status,
      claimedBySlackUserId: record.claimedBy?.slackUserId ?? null,
      meeting: record.meeting,
    });
    try {
      await deps.slack.updateMessage(token, { channel: thread.ref.channelId, ts: thread.ref.threadTs, ...body });
    } catch (error) {
      // The parent was deleted or its channel archived: the status line is lost, nothing else.
      if (error instanceof SlackApiError && !error.transient) {
        deps.logger.warn({ orgId, conversationId, channel: thread.ref.channelId, code: error.code }, 'could not update the parent message');
        continue;
      }
      throw error;
    }
  }
}
