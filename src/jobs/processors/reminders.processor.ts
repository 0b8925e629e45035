// Runs a reminders job: a chat's reminder stage fell due (src/conversations/reminders.ts, stage 2
// escalating in src/conversations/escalation.ts), or a channel's batch of due reminders is flushed.
import type { WorkerDeps } from '../worker-deps.ts';
import type { RemindersQueueJob } from '../../queues/queues.ts';
import { runReminderStage, sendChannelReminders } from '../../conversations/reminders.ts';

export async function processRemindersJob(deps: WorkerDeps, job: RemindersQueueJob, jobId: string): Promise<void> {
  if ('kind' in job) await sendChannelReminders(deps, job, jobId);
  else await runReminderStage(deps, job);
}
