// Processes one Slack interaction (button click, shortcut, modal submission) from the
// interactive queue.
import type { SlackInteractionJob } from '../../slack/slack-interactions.ts';
import { QUALIFY_ACTION_ID } from '../../slack/slack-interactions.ts';
import type { WorkerDeps } from '../worker-deps.ts';
import { handleQualificationClick } from '../end-of-chat.ts';

export async function processSlackInteraction(deps: WorkerDeps, job: SlackInteractionJob): Promise<void> {
  const { payload } = job;
  const actions = (payload as { actions?: Array<{ action_id?: string }> }).actions ?? [];
  if (payload.type === 'block_actions' && actions.some((a) => a.action_id?.startsWith(QUALIFY_ACTION_ID))) {
    await handleQualificationClick(deps, payload);
    return;
  }
  deps.logger.debug({ teamId: job.teamId, type: payload.type }, 'interaction not handled');
}
