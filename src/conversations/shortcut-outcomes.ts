// What the platform reports after a shortcut: the visitor booked the offered meeting
// (meeting.booked: posted in the chat's threads, and shown on their parent messages) or filled in
// the form (form.submitted: the answers posted in the threads). Each posted once, retries included.
import type { ConversationDeps } from './conversation-deps.ts';
import { postInEveryThread } from './chat-threads.ts';
import { refreshParentMessage } from './parent-message.ts';
import { freshDirectory } from './notification-delivery.ts';
import { formAnswersText } from '../slack/format/shortcut-views.ts';
import { visitorDisplayName } from '../slack/format/conversation-messages.ts';
import { meetingBookedText } from '../slack/format/thread-notices.ts';

export type ShortcutOutcomesDeps = Pick<ConversationDeps, 'store' | 'slack' | 'platform' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget'>;

/** Posts `text` in each of the conversation's threads once for `key`; false when there is no thread (yet). */
async function postOnce(deps: ShortcutOutcomesDeps, orgId: string, conversationId: string, key: string, text: string): Promise<boolean> {
  const record = await deps.store.conversations.get(orgId, conversationId);
  if (!record?.thread) return false;
  const token = await deps.store.installations.botToken(record.thread.teamId, record.orgId);
  if (!token) return false;
  await postInEveryThread(deps, record, token, key, () => ({ text }));
  return true;
}

export async function noteMeetingBooked(
  deps: ShortcutOutcomesDeps,
  orgId: string,
  data: { conversationId: string; meetingRequestId: string; agentId: string; startsAt: string },
): Promise<void> {
  const record = await deps.store.conversations.get(orgId, data.conversationId);
  const visitorName = visitorDisplayName(record?.conversation ?? null);
  const mapping = await deps.store.agentMappings.findByAgent(orgId, data.agentId);
  const agentName = (await freshDirectory(deps, orgId)).agents.find((a) => a.agentId === data.agentId)?.name ?? 'the rep';
  const who = mapping ? { slackUserId: mapping.slackUserId } : { name: agentName };
  await deps.store.conversations.setMeeting(orgId, data.conversationId, { agentId: data.agentId, agentName, startsAt: data.startsAt }, deps.now());
  await postOnce(deps, orgId, data.conversationId, `meeting:${data.meetingRequestId}`, meetingBookedText({ visitorName, with: who, startsAt: data.startsAt }));
  await refreshParentMessage(deps, orgId, data.conversationId);
}

export async function noteFormSubmitted(
  deps: ShortcutOutcomesDeps,
  orgId: string,
  data: { conversationId: string; formRequestId: string; values: Record<string, string> },
): Promise<void> {
  const record = await deps.store.conversations.get(orgId, data.conversationId);
  await postOnce(
    deps,
    orgId,
    data.conversationId,
    `form:${data.formRequestId}`,
    formAnswersText(visitorDisplayName(record?.conversation ?? null), data.values),
  );
}
