// A chat event job with its place in the org's order of status changes (src/queues/status-order.ts):
// a chat start waits until the status changes accepted before it are stored, so it is routed by
// them; a status change, once stored, says so.
import type { ChatEventJob } from '../../queues/queues.ts';
import type { WorkerDeps } from '../worker-deps.ts';
import { StatusChangesPendingError } from '../../errors/index.ts';
import { processChatEvent } from './chat-event.processor.ts';

/**
 * The longest a chat start waits for an earlier status change: far longer than one quick write
 * takes, short enough that a status change whose job failed for good delays a notification only so long.
 */
export const STATUS_WAIT_MAX_MS = 30_000;

export async function processOrderedChatEvent(deps: WorkerDeps, job: ChatEventJob, queuedAt: number): Promise<void> {
  if (job.type === 'conversation.started' && job.statusOrder) await awaitEarlierStatusChanges(deps, job.orgId, job.statusOrder, queuedAt);
  await processChatEvent(deps, job, queuedAt);
  if (job.type === 'agent.status_changed' && job.statusOrder) await deps.statusOrder.applied(job.orgId, job.statusOrder);
}

async function awaitEarlierStatusChanges(deps: WorkerDeps, orgId: string, through: number, queuedAt: number): Promise<void> {
  // Read only when a status change was pending at the ingress (the stamp is 0 otherwise).
  if ((await deps.statusOrder.appliedThrough(orgId)) >= through) return;
  const waited = deps.now().getTime() - queuedAt;
  if (waited < STATUS_WAIT_MAX_MS) throw new StatusChangesPendingError(orgId, through);
  deps.logger.warn({ through, waitedMs: waited }, 'earlier status changes still not stored; routing the chat without them');
  await deps.statusOrder.giveUpThrough(orgId, through);
}
