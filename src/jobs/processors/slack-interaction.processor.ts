// Processes one Slack interaction (button click, shortcut, modal submission) from the
// interactive queue. What it is for is read leniently (below); one that is Threadbridge's is
// then parsed with its kind's schema (src/slack/slack-interactions.ts) and handed on parsed. One
// of Threadbridge's that does not parse is dropped for good (slack-payload.ts); anything else
// (another app's button, a Home tab link, a modal closed) is not Threadbridge's to handle.
// Every interaction passes the tenant gate first (src/conversations/slack-tenant.ts): it acts
// for the org of the workspace's active installation only. A person of another company (Slack
// Connect) acting on a chat is then refused and told why (src/conversations/slack-connect-people.ts).
import type { SlackInteractionJob } from '../../slack/slack-interactions.ts';
import { blockActionsSchema, messageActionSchema, QUALIFY_ACTION_ID, viewSubmissionSchema } from '../../slack/slack-interactions.ts';
import type { WorkerDeps } from '../worker-deps.ts';
import { handleQualificationClick } from '../../conversations/end-of-chat.ts';
import { handleMessageShortcut, handleViewSubmission, shortcutCallbackIds, shortcutViewIds } from '../../conversations/shortcuts.ts';
import { handleClaimClick } from '../../conversations/claims.ts';
import { CLAIM_ACTION_ID } from '../../slack/format/conversation-messages.ts';
import { z } from 'zod';
import { readSlackPayload } from './slack-payload.ts';
import { slackTenantOf } from '../../conversations/slack-tenant.ts';
import { ofAnotherCompany, refuseExternalAction } from '../../conversations/slack-connect-people.ts';

// What routing an interaction needs, read leniently: a field of the wrong type from outside is
// absent (and the interaction not handled), never a crash. Each handler validates the rest.
const routingSchema = z.object({
  actions: z
    .array(
      z
        .object({ action_id: z.string().optional().catch(undefined) })
        .passthrough()
        .catch({}),
    )
    .catch([])
    .optional(),
  callback_id: z.string().optional().catch(undefined),
  view: z
    .object({ callback_id: z.string().optional().catch(undefined) })
    .passthrough()
    .optional()
    .catch(undefined),
  // Who acted, and where: a person of another company (Slack Connect) is refused before any handler.
  user: z
    .object({ id: z.string().optional().catch(undefined), team_id: z.string().optional().catch(undefined) })
    .passthrough()
    .optional()
    .catch(undefined),
  channel: z
    .object({ id: z.string().optional().catch(undefined) })
    .passthrough()
    .optional()
    .catch(undefined),
  message: z
    .object({ ts: z.string().optional().catch(undefined), thread_ts: z.string().optional().catch(undefined) })
    .passthrough()
    .optional()
    .catch(undefined),
});

export async function processSlackInteraction(deps: WorkerDeps, job: SlackInteractionJob): Promise<void> {
  const { payload } = job;
  const routing = routingSchema.safeParse(payload);
  const { actions = [], callback_id: callbackId, view, user, channel, message } = routing.success ? routing.data : {};
  const what = { kind: 'interaction' as const, type: payload.type, log: deps.logger.child({ teamId: job.teamId }) };
  const tenant = await slackTenantOf(deps, job.teamId);
  if (!tenant) {
    what.log.info({ type: payload.type }, 'interaction from a workspace with no active installation; ignored');
    return;
  }
  await deps.store.orgActivity.noteSlackEvent(tenant.orgId, deps.now());
  const onChat =
    (payload.type === 'block_actions' && actions.some((a) => a.action_id?.startsWith(QUALIFY_ACTION_ID) || a.action_id === CLAIM_ACTION_ID)) ||
    (payload.type === 'message_action' && callbackId !== undefined && shortcutCallbackIds.has(callbackId));
  if (onChat && user?.id && user.team_id && channel?.id && (await ofAnotherCompany(deps, tenant, { userTeam: user.team_id }))) {
    const threadTs = message?.thread_ts ?? message?.ts ?? null;
    await refuseExternalAction(deps, tenant, { channel: channel.id, user: user.id, threadTs, userTeam: user.team_id });
    return;
  }
  if (payload.type === 'block_actions' && actions.some((a) => a.action_id?.startsWith(QUALIFY_ACTION_ID))) {
    await handleQualificationClick(deps, tenant, readSlackPayload(blockActionsSchema, payload, what));
    return;
  }
  if (payload.type === 'block_actions' && actions.some((a) => a.action_id === CLAIM_ACTION_ID)) {
    await handleClaimClick(deps, tenant, readSlackPayload(blockActionsSchema, payload, what));
    return;
  }
  if (payload.type === 'message_action' && callbackId && shortcutCallbackIds.has(callbackId)) {
    await handleMessageShortcut(deps, tenant, readSlackPayload(messageActionSchema, payload, what));
    return;
  }
  const viewCallbackId = view?.callback_id;
  if (payload.type === 'view_submission' && viewCallbackId && shortcutViewIds.has(viewCallbackId)) {
    await handleViewSubmission(deps, tenant, readSlackPayload(viewSubmissionSchema, payload, what));
    return;
  }
  deps.logger.debug({ teamId: job.teamId, type: payload.type }, 'interaction not handled');
}
