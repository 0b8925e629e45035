// A delayed look at one conversation's thread: after a gap had time to fill, after a message
// arrived for a conversation we had not heard of (conversation.started late or lost), or for
// messages handed over by jobs that found the thread busy (taken together, as one batch).
import type { ThreadSyncJob } from '../../queues/queues.ts';
import type { WorkerDeps } from '../worker-deps.ts';
import { repairFromPlatform, syncConversationThread } from '../../conversations/conversation-thread.ts';

export async function processThreadSync(deps: WorkerDeps, job: ThreadSyncJob): Promise<void> {
  // The writer reads the record under the lock and says what it found: no read of it before.
  const record = await syncConversationThread(deps, job.orgId, job.conversationId);
  if (!record || record.conversation) return;
  const result = await repairFromPlatform(deps, job.orgId, job.conversationId);
  if (result === 'unknown') {
    deps.logger.warn({ ...job }, 'messages for a conversation the platform does not know; kept, not posted');
    return;
  }
  await syncConversationThread(deps, job.orgId, job.conversationId);
}
