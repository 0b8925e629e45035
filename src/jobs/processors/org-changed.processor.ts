// An org's settings or Slack connection changed: its undeliverable chats are routed again, so a
// chat that found nowhere to go is delivered as soon as somewhere exists. When the answer time
// got shorter, the org's pending reminders also run now, each waiting out what is left of the new
// time (src/conversations/reminders.ts); running one again changes nothing, so a retry is safe.
// Then the org's problems that the change settled (a channel replaced, Slack connected again,
// no chat left undeliverable for a cause) are resolved.
import type { OrgChangedJob } from '../../queues/queues.ts';
import type { WorkerDeps } from '../worker-deps.ts';
import { syncConversationThread } from '../../conversations/conversation-thread.ts';
import { ThreadBusyError } from '../../errors/index.ts';
import { resolveGoneProblems } from '../../conversations/org-problem-notices.ts';
import { undeliverableCode } from '../../routing/undeliverable-reasons.ts';

const BATCH = 200;

export async function processOrgChanged(deps: WorkerDeps, job: OrgChangedJob): Promise<void> {
  if (job.cause === 'answer-time-shortened') {
    const moved = await deps.producer.hastenReminders(job.orgId);
    deps.logger.info({ orgId: job.orgId, cause: job.cause, reminders: moved }, 'pending reminders checked against the new answer time');
  }
  const waiting = await deps.store.conversations.listUndeliverable(job.orgId, BATCH);
  let delivered = 0;
  let busy: ThreadBusyError | null = null;
  for (const record of waiting) {
    try {
      await syncConversationThread(deps, record.orgId, record.conversationId);
    } catch (error) {
      // Another worker holds the chat: it may have read the settings before they changed (or have
      // died). The others are routed first; then this job comes back for the chats left.
      if (!(error instanceof ThreadBusyError)) throw error;
      busy = error;
    }
    const after = await deps.store.conversations.get(record.orgId, record.conversationId);
    if (after?.thread) delivered++;
  }
  deps.logger.info({ orgId: job.orgId, cause: job.cause, retried: waiting.length, delivered }, 'undeliverable chats routed again');
  const left = await deps.store.conversations.listUndeliverable(job.orgId, BATCH);
  const codes = left.length < BATCH ? new Set(left.map((r) => undeliverableCode(r.undeliverableReason ?? ''))) : null;
  const resolved = await resolveGoneProblems(deps, job.orgId, codes);
  if (resolved > 0) deps.logger.info({ orgId: job.orgId, resolved }, 'problems the change settled resolved');
  if (busy) throw busy;
}
