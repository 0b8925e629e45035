// The message shortcuts a rep uses on a chat's thread: "Book a meeting" and "Collect info".
// A click opens the modal (views.open, within the 3-second life of its trigger_id, which is why
// the checks before it are a few reads); used outside a chat thread, by an unmapped user or on
// an ended chat, it explains why instead. The modal's submission asks the platform (meeting
// request, form request) and says so in the thread; the platform's meeting.booked and
// form.submitted webhooks later post the outcome there (src/conversations/shortcut-outcomes.ts).
import { createHash } from 'node:crypto';
import type { ConversationDeps } from './conversation-deps.ts';
import type { MessageActionPayload, ViewSubmissionPayload } from '../slack/slack-interactions.ts';
import {
  BOOK_MEETING_SHORTCUT,
  COLLECT_INFO_SHORTCUT,
  BOOK_MEETING_VIEW,
  COLLECT_INFO_VIEW,
  bookMeetingModal,
  collectInfoModal,
  readMeetingSubmission,
  readFormSubmission,
  readShortcutContext,
  type ShortcutContext,
} from '../slack/format/shortcut-views.ts';
import { visitorDisplayName } from '../slack/format/conversation-messages.ts';
import { foreignChatNotice, unmappedUserNotice } from '../slack/format/notices.ts';
import { agentOf, chatInThread, tenantToken, type SlackTenant } from './slack-tenant.ts';
import { formRequestedText, meetingOfferedText, shortcutRefusal } from '../slack/format/thread-notices.ts';
import { SlackApiError, PlatformApiError } from '../errors/index.ts';
import type { FormField } from '../platform/platform-api.ts';
import { freshDirectory } from './notification-delivery.ts';
import { postInEveryThread } from './chat-threads.ts';

export type ShortcutsDeps = Pick<ConversationDeps, 'store' | 'slack' | 'platform' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget'>;

export const shortcutCallbackIds = new Set([BOOK_MEETING_SHORTCUT, COLLECT_INFO_SHORTCUT]);
export const shortcutViewIds = new Set([BOOK_MEETING_VIEW, COLLECT_INFO_VIEW]);

/**
 * The calendars "Book a meeting" offers (the org's mapped agents, by name), kept a short while
 * per process: two collection reads less inside the 3-second window, for a list that changes
 * only when an admin maps someone. The choice is checked again at submission.
 */
const CALENDARS_TTL_MS = 30_000;
const calendarCache = new Map<string, { at: number; calendars: Array<{ agentId: string; name: string }> }>();

async function calendarsOf(deps: ShortcutsDeps, orgId: string): Promise<Array<{ agentId: string; name: string }>> {
  const cached = calendarCache.get(orgId);
  if (cached && Date.now() - cached.at < CALENDARS_TTL_MS) return cached.calendars;
  const [mappings, directory] = await Promise.all([deps.store.agentMappings.listForOrg(orgId), deps.store.platformDirectory.load(orgId)]);
  const nameOf = new Map(directory.agents.map((a) => [a.agentId, a.name]));
  const calendars = mappings.map((m) => ({ agentId: m.agentId, name: nameOf.get(m.agentId) ?? m.agentId }));
  calendarCache.set(orgId, { at: Date.now(), calendars });
  return calendars;
}

/** A shortcut used on a message (the payload parsed by the interaction processor). */
export async function handleMessageShortcut(deps: ShortcutsDeps, tenant: SlackTenant, p: MessageActionPayload): Promise<void> {
  const { teamId } = tenant;
  const slackUserId = p.user.id;
  const channelId = p.channel.id;
  const threadTs = p.message.thread_ts ?? p.message.ts;
  const log = deps.logger.child({ teamId, slackUserId, shortcut: p.callback_id });
  // Every read that can go at once does: the whole path must fit well inside Slack's 3 s.
  const startedAt = Date.now();
  const isBooking = p.callback_id === BOOK_MEETING_SHORTCUT;
  const [token, mapping, found] = await Promise.all([
    tenantToken(deps, tenant),
    agentOf(deps, tenant, slackUserId),
    chatInThread(deps, tenant, { channelId, threadTs }),
  ]);
  if (!token) return;
  const explain = async (text: string) => {
    try {
      await deps.slack.postEphemeral(token, { channel: channelId, user: slackUserId, text, ...(p.message.thread_ts ? { threadTs } : {}) });
    } catch (error) {
      // A DM or channel the app cannot post in: nothing else to tell the person with.
      if (!(error instanceof SlackApiError) || error.transient) throw error;
      log.info({ code: error.code }, 'could not explain the refused shortcut');
    }
  };
  if (found.kind === 'none') {
    await explain(shortcutRefusal(p.callback_id, 'not-in-chat'));
    return;
  }
  if (found.kind === 'foreign') {
    await explain(foreignChatNotice('Nothing was opened'));
    return;
  }
  if (!mapping) {
    await explain(shortcutRefusal(p.callback_id, 'unmapped'));
    return;
  }
  const [record, calendars] = await Promise.all([
    deps.store.conversations.openState(found.orgId, found.conversationId),
    isBooking ? calendarsOf(deps, found.orgId) : Promise.resolve([]),
  ]);
  if (!record.known || record.status === 'ended') {
    await explain(shortcutRefusal(p.callback_id, 'ended'));
    return;
  }
  const context: ShortcutContext = { orgId: found.orgId, conversationId: found.conversationId, channelId, threadTs };
  const visitorName = visitorDisplayName(record.conversation);
  let view;
  if (isBooking) {
    view = bookMeetingModal({ context, visitorName, calendars, defaultAgentId: mapping.agentId });
  } else {
    const v = record.conversation?.visitor;
    const known: FormField[] = [
      ...(v?.email ? (['email'] as const) : []),
      ...(v?.name ? (['name'] as const) : []),
      ...(v?.company ? (['company'] as const) : []),
    ];
    view = collectInfoModal({ context, visitorName, alreadyKnown: known });
  }
  const readMs = Date.now() - startedAt;
  try {
    await deps.slack.openView(token, { triggerId: p.trigger_id, view });
  } catch (error) {
    // The 3 seconds passed (or the trigger was used): say so rather than leave the click unanswered.
    if (error instanceof SlackApiError && ['expired_trigger_id', 'exchanged_trigger_id'].includes(error.code)) {
      log.warn({ code: error.code }, 'the shortcut modal could not open in time');
      await explain(shortcutRefusal(p.callback_id, 'too-slow'));
      return;
    }
    throw error;
  }
  // How long the reads and views.open took: the 3-second trigger budget, as operators see it.
  log.info({ orgId: found.orgId, conversationId: found.conversationId, readMs, openMs: Date.now() - startedAt - readMs }, 'shortcut modal opened');
}

/** A shortcut's modal submitted (the payload parsed by the interaction processor). */
export async function handleViewSubmission(deps: ShortcutsDeps, tenant: SlackTenant, p: ViewSubmissionPayload): Promise<void> {
  const context = readShortcutContext(p.view.private_metadata);
  if (!context) return;
  const { teamId } = tenant;
  const slackUserId = p.user.id;
  const log = deps.logger.child({ teamId, slackUserId, view: p.view.callback_id });
  const token = await tenantToken(deps, tenant);
  if (!token) return;
  const tell = (text: string) => deps.slack.postEphemeral(token, { channel: context.channelId, user: slackUserId, threadTs: context.threadTs, text });
  // The modal names its chat (private_metadata, written when it opened). The workspace may have
  // moved to another org while it was open: a chat of another org is not this tenant's to act on.
  if (context.orgId !== tenant.orgId) {
    await tell(foreignChatNotice('Nothing was sent to the visitor'));
    log.info('modal of a chat of another Slack connection submitted; refused');
    return;
  }
  // Checked again: the mapping or the chat may have changed while the modal was open.
  const mapping = await agentOf(deps, tenant, slackUserId);
  if (!mapping) {
    await tell(unmappedUserNotice('Nothing was sent to the visitor'));
    return;
  }
  const record = await deps.store.conversations.get(context.orgId, context.conversationId);
  if (!record || record.status === 'ended') {
    await tell('Nothing was sent to the visitor: the chat ended while the form was open.');
    return;
  }
  const visitorName = visitorDisplayName(record.conversation);
  // The submission's own id makes the thread note once-only under retries, and the platform
  // request too (clientRequestId): a retried job offers the visitor nothing twice.
  const submission = `${teamId}/${p.view.id ?? ''}/${p.view.hash ?? ''}`;
  const noticeKey = `view:${p.view.id ?? ''}:${p.view.hash ?? ''}`;
  const clientRequestId = `threadbridge-${createHash('sha256').update(submission).digest('hex').slice(0, 32)}`;
  // Said in every thread of the chat: whoever follows it elsewhere sees what was offered.
  const post = (text: string) => postInEveryThread(deps, record, token, noticeKey, () => ({ text }));
  try {
    if (p.view.callback_id === BOOK_MEETING_VIEW) {
      const choice = readMeetingSubmission(p.view.state.values);
      if (!choice) return;
      const calendarOwner = await deps.store.agentMappings.findByAgent(context.orgId, choice.agentId);
      await deps.platform.requestMeeting({
        orgId: context.orgId,
        conversationId: context.conversationId,
        agentId: choice.agentId,
        durationMinutes: choice.durationMinutes,
        clientRequestId,
      });
      // Named by mention when they are in Slack; otherwise by the platform's name for them.
      const ownerName = calendarOwner ? null : (await freshDirectory(deps, context.orgId)).agents.find((a) => a.agentId === choice.agentId)?.name;
      const owner = calendarOwner ? { slackUserId: calendarOwner.slackUserId } : ownerName ? { name: ownerName } : null;
      await post(meetingOfferedText({ bySlackUserId: slackUserId, visitorName, durationMinutes: choice.durationMinutes, calendarOwner: owner }));
    } else if (p.view.callback_id === COLLECT_INFO_VIEW) {
      const fields = readFormSubmission(p.view.state.values);
      if (!fields) return;
      await deps.platform.requestForm({ orgId: context.orgId, conversationId: context.conversationId, agentId: mapping.agentId, fields, clientRequestId });
      await post(formRequestedText({ bySlackUserId: slackUserId, visitorName, fields }));
    }
  } catch (error) {
    if (error instanceof PlatformApiError && !error.transient && error.status !== 429) {
      log.warn({ status: error.status, code: error.code }, 'the platform refused the shortcut');
      await tell(
        error.code === 'conversation_ended'
          ? 'Nothing was sent: the chat has ended.'
          : `The chat platform refused it (${error.code}); nothing was sent to the visitor.`,
      );
      return;
    }
    throw error;
  }
  log.info({ conversationId: context.conversationId }, 'shortcut submitted');
}
