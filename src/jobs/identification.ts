// conversation.updated: when the platform identifies the visitor or matches their account, the
// conversation's thread gets a short line saying so (the parent message is redrawn too).
import type { WorkerDeps } from './worker-deps.ts';
import type { Conversation } from '../platform/webhook-events.ts';
import { identificationLine } from '../slack/format/conversation-messages.ts';
import { postWhenBudgetAllows } from './paced-slack-api.ts';

export async function noteIdentification(deps: WorkerDeps, after: Conversation): Promise<void> {
  const record = await deps.store.conversations.get(after.orgId, after.id);
  if (!record?.thread) return;
  const line = identificationLine(record.conversation, after);
  if (!line) return;
  const token = await deps.store.installations.botToken(record.thread.teamId);
  if (!token) return;
  await postWhenBudgetAllows(deps.slack, token, { channel: record.thread.channelId, threadTs: record.thread.threadTs, text: line }, 5000);
}
