// conversation.assigned: every thread of the chat says who has it (the assignee @mentioned when
// mapped), once under retries. An assignee who can see none of the chat's threads (not in their
// channel, and none in their own DM) gets a thread of the chat in their DM, with the conversation
// so far, so an assignment made in the console can be answered in Slack: never a link into
// someone else's DM, which they could not open.
import type { ConversationDeps } from './conversation-deps.ts';
import type { ConversationRecord } from '../store/index.ts';
import { freshDirectory } from './notification-delivery.ts';
import { assignedText } from '../slack/format/thread-notices.ts';
import { dmOwnerOf, postInEveryThread, threadsOf } from './chat-threads.ts';
import { addThreads } from './conversation-thread.ts';

export type AssignmentDeps = Pick<
  ConversationDeps,
  'store' | 'slack' | 'platform' | 'producer' | 'locks' | 'logger' | 'now' | 'threadGapWaitMs' | 'directoryCache' | 'callBudget' | 'threadCursors' | 'observe'
>;

export async function announceAssignment(deps: AssignmentDeps, orgId: string, conversationId: string, agentId: string, eventId: string): Promise<void> {
  const record = await deps.store.conversations.get(orgId, conversationId);
  if (!record?.thread || !record.notification) return;
  const token = await deps.store.installations.botToken(record.thread.teamId, record.orgId);
  if (!token) return;
  const mapping = await deps.store.agentMappings.findByAgent(orgId, agentId);
  const key = `assigned:${agentId}:${eventId}`;
  if (!mapping) {
    // Still said in the threads, by name, so reps in Slack know someone has it.
    const find = async (force: boolean) => (await freshDirectory(deps, orgId, { force })).agents.find((a) => a.agentId === agentId);
    const agent = (await find(false)) ?? (await find(true));
    const name = agent?.name ?? 'an agent without a Slack account';
    await postInEveryThread(deps, record, token, key, () => ({ text: assignedText({ name }) }));
    return;
  }
  const assignee = mapping.slackUserId;
  // Not in the thread this assignment opens in the assignee's DM (its parent says so): a retry
  // after that thread opened would otherwise post there and ping them a second time.
  const before = { ...record, mirrors: record.mirrors.filter((m) => !(m.opened === 'assignment' && m.notification.dmSlackUserIds[0] === assignee)) };
  await postInEveryThread(deps, before, token, key, () => ({ text: assignedText({ slackUserId: assignee }) }));
  // The thread this assignment opened in their DM (a retry after it opened): brought up to date below.
  const openedByThis = record.mirrors.some((m) => m.opened === 'assignment' && m.notification.dmSlackUserIds[0] === assignee);
  if (!openedByThis && (await seesChat(deps, token, record, assignee))) return;
  const groupName = record.notification.groupName;
  await addThreads(deps, orgId, conversationId, [
    {
      target: { kind: 'dm', slackUserId: assignee },
      notification: {
        rule: 'assignment',
        reason: 'the chat was assigned to you',
        targetKind: 'dm',
        mentionSlackUserIds: [],
        unmappedMemberNames: [],
        groupName,
        dmSlackUserIds: [assignee],
      },
      opened: 'assignment',
    },
  ]);
}

/** Whether the person can see one of the chat's threads: one in their DM, or one in a channel they are in. */
async function seesChat(deps: AssignmentDeps, token: string, record: ConversationRecord, slackUserId: string): Promise<boolean> {
  for (const thread of threadsOf(record)) {
    if (dmOwnerOf(thread) === slackUserId) return true;
    if (thread.notification.targetKind === 'channel' && (await deps.slack.isChannelMember(token, { channel: thread.ref.channelId, user: slackUserId })))
      return true;
  }
  return false;
}
