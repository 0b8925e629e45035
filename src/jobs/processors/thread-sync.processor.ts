// A delayed look at one conversation's thread: after a gap had time to fill, or after a message
// arrived for a conversation we had not heard of (conversation.started late or lost).
import type { ThreadSyncJob } from '../../queues/queues.ts';
import type { WorkerDeps } from '../worker-deps.ts';
import { repairFromPlatform, syncConversationThread } from '../../conversations/conversation-thread.ts';

export async function processThreadSync(deps: WorkerDeps, job: ThreadSyncJob): Promise<void> {
  const record = await deps.store.conversations.get(job.orgId, job.conversationId);
  if (!record) return;
  if (!record.conversation) {
    const result = await repairFromPlatform(deps, job.orgId, job.conversationId);
    if (result === 'unknown') {
      deps.logger.warn({ ...job }, 'messages for a conversation the platform does not know; kept, not posted');
      return;
    }
  }
  await syncConversationThread(deps, job.orgId, job.conversationId);
}
