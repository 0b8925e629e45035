// The end of a chat: the parent message says so, the thread gets the rating prompt (once), and
// the transcript goes to the platform. A rep's click on a rating sends it to the platform and
// redraws the prompt with who rated it and how.
import type { ConversationDeps } from './conversation-deps.ts';
import { QUALIFY_ACTION_ID, type BlockActionsPayload } from '../slack/slack-interactions.ts';
import { qualificationPrompt, isRating } from '../slack/format/qualification-prompt.ts';
import { refreshParentMessage } from './parent-message.ts';
import { postJoiningIfNeeded } from './posting.ts';
import { postInEveryThread } from './chat-threads.ts';
import { foreignChatNotice, unmappedUserNotice } from '../slack/format/notices.ts';
import { agentOf, chatInThread, tenantToken, type SlackTenant } from './slack-tenant.ts';
import { ClaimBusyError } from '../errors/index.ts';
import { recordEnd, recordRating } from '../activity/activity-recording.ts';

export type EndOfChatDeps = Pick<
  ConversationDeps,
  'store' | 'slack' | 'platform' | 'producer' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget' | 'activity' | 'observe'
>;

export async function endConversation(deps: EndOfChatDeps, orgId: string, conversationId: string, endedBy: 'visitor' | 'agent' | 'timeout'): Promise<void> {
  const now = deps.now();
  await deps.store.conversations.markEnded(orgId, conversationId, endedBy, now);
  await refreshParentMessage(deps, orgId, conversationId);
  await deps.producer.pushTranscript({ orgId, conversationId });

  const record = await deps.store.conversations.get(orgId, conversationId);
  await recordEnd(deps, orgId, conversationId, endedBy, Boolean(record?.answeredBy));
  if (!record?.thread) return;
  const token = await deps.store.installations.botToken(record.thread.teamId, orgId);
  if (!token) return;
  // The chat's other threads get the prompt too: whoever answered there can rate the lead.
  await postInEveryThread(deps, record, token, 'end-prompt', () => qualificationPrompt({ endedBy, rated: null }), { except: record.thread });
  if (!(await deps.store.conversations.claimEndPrompt(orgId, conversationId, now))) {
    if (record.endPrompt?.state === 'posted') return;
    // Another job is posting it (or died doing so: its claim lapses, then this one takes over).
    const again = await deps.store.conversations.get(orgId, conversationId);
    if (again?.endPrompt?.state === 'posted') return;
    throw new ClaimBusyError(`end prompt of ${conversationId}`);
  }
  try {
    const posted = await postJoiningIfNeeded(deps, record.thread.teamId, token, {
      channel: record.thread.channelId,
      threadTs: record.thread.threadTs,
      ...qualificationPrompt({ endedBy, rated: null }),
    });
    await deps.store.conversations.settleEndPrompt(orgId, conversationId, posted.ts, deps.now());
  } catch (error) {
    await deps.store.conversations.settleEndPrompt(orgId, conversationId, null, deps.now());
    throw error;
  }
}

/** A click on one of the rating buttons (the payload parsed by the interaction processor). */
export async function handleQualificationClick(deps: EndOfChatDeps, tenant: SlackTenant, payload: BlockActionsPayload): Promise<void> {
  const action = payload.actions.find((a) => a.action_id.startsWith(QUALIFY_ACTION_ID));
  if (!action || !isRating(action.value)) return;
  const { channel_id: channel, message_ts: promptTs, thread_ts: threadTs } = payload.container;
  const slackUserId = payload.user.id;
  const log = deps.logger.child({ teamId: tenant.teamId, channel, slackUserId, rating: action.value });

  const found = threadTs ? await chatInThread(deps, tenant, { channelId: channel, threadTs }) : ({ kind: 'none' } as const);
  if (found.kind === 'none') {
    log.info('rating click outside a conversation thread; ignored');
    return;
  }
  const token = await tenantToken(deps, tenant);
  if (!token) return;
  if (found.kind === 'foreign') {
    await deps.slack.postEphemeral(token, { channel, user: slackUserId, threadTs, text: foreignChatNotice('Your rating was not saved') });
    return;
  }
  const mapping = await agentOf(deps, tenant, slackUserId);
  if (!mapping) {
    await deps.slack.postEphemeral(token, { channel, user: slackUserId, threadTs, text: unmappedUserNotice('Your rating was not saved') });
    return;
  }
  const { orgId, conversationId } = found;
  await deps.platform.putQualification({ orgId, conversationId, agentId: mapping.agentId, rating: action.value });
  await deps.store.conversations.setQualification(orgId, conversationId, { rating: action.value, agentId: mapping.agentId, slackUserId }, deps.now());
  await recordRating(deps, orgId, conversationId, action.value, mapping.agentId);
  const record = await deps.store.conversations.get(orgId, conversationId);
  await deps.slack.updateMessage(token, {
    channel,
    ts: promptTs,
    ...qualificationPrompt({ endedBy: record?.endedBy ?? null, rated: { rating: action.value, slackUserId } }),
  });
  // The rating is part of what the platform keeps about the chat: push the transcript again.
  await deps.producer.pushTranscript({ orgId, conversationId });
  log.info('lead rated');
}
