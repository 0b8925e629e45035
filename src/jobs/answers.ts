// The first answer to a chat, from Slack or the console: recorded once, shown on the parent
// message, and the reason reminders stop.
import type { WorkerDeps } from './worker-deps.ts';
import { refreshParentMessage } from './parent-message.ts';

export async function markAnswered(deps: WorkerDeps, orgId: string, conversationId: string, by: { agentId: string; name: string }): Promise<void> {
  const first = await deps.store.conversations.markAnswered(orgId, conversationId, by, deps.now());
  if (first) await refreshParentMessage(deps, orgId, conversationId);
}
