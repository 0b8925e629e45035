// conversation.assigned: the assignee is @mentioned in the thread and, when they are neither in
// the thread's channel nor the person whose DM holds it, DMed a link to it, so an assignment made
// in the console is seen in Slack too.
import type { WorkerDeps } from './worker-deps.ts';
import { freshDirectory, pointOthersToThread } from './notification-delivery.ts';
import { postWhenBudgetAllows } from './paced-slack-api.ts';
import { escapeSlackText } from '../slack/format/escape.ts';

export async function announceAssignment(deps: WorkerDeps, orgId: string, conversationId: string, agentId: string): Promise<void> {
  const record = await deps.store.conversations.get(orgId, conversationId);
  if (!record?.thread || !record.notification) return;
  const mapping = await deps.store.agentMappings.findByAgent(orgId, agentId);
  const token = await deps.store.installations.botToken(record.thread.teamId);
  if (!token) return;
  if (!mapping) {
    // Still said in the thread, by name, so reps in Slack know someone has it.
    const find = async (force: boolean) => (await freshDirectory(deps, orgId, { force })).agents.find((a) => a.agentId === agentId);
    const agent = (await find(false)) ?? (await find(true));
    await postWhenBudgetAllows(deps.slack, token, { channel: record.thread.channelId, threadTs: record.thread.threadTs, text: `:bust_in_silhouette: Assigned to ${escapeSlackText(agent?.name ?? 'an agent without a Slack account')}.` });
    return;
  }
  const { thread } = record;
  await postWhenBudgetAllows(deps.slack, token, { channel: thread.channelId, threadTs: thread.threadTs, text: `:bust_in_silhouette: Assigned to <@${mapping.slackUserId}>.` });
  const seesThread =
    record.notification.targetKind === 'dm'
      ? record.notification.dmSlackUserIds[0] === mapping.slackUserId
      : await deps.slack.isChannelMember(token, { channel: thread.channelId, user: mapping.slackUserId });
  if (!seesThread) await pointOthersToThread(deps, thread.teamId, token, record, thread, [mapping.slackUserId], 'You were assigned the chat with');
}
