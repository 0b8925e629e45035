// The first answer to a chat, from Slack or the console: recorded once, shown on the parent
// message of every thread of the chat, and the reason reminders stop. When the chat has several
// threads (several people were notified), the others say who took it: the first answer wins.
import type { ConversationDeps } from './conversation-deps.ts';
import type { SlackThreadRef } from '../store/index.ts';
import { refreshParentMessage } from './parent-message.ts';
import { postInEveryThread } from './chat-threads.ts';
import { tookChatText } from '../slack/format/thread-notices.ts';
import { recordFirstAnswer } from '../activity/activity-recording.ts';

export type AnswersDeps = Pick<
  ConversationDeps,
  'store' | 'slack' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget' | 'producer' | 'activity' | 'observe'
>;

export interface Answerer {
  agentId: string;
  name: string;
  /** Set when the answer came from Slack: the rep, and the thread they wrote in. */
  slackUserId?: string;
  thread?: Pick<SlackThreadRef, 'channelId' | 'threadTs'>;
  /** When the message was written (the platform's time); the chat's first response time ends there. */
  at: Date;
  /** When the chat started, when the caller has the snapshot at hand (else the activity facts say). */
  startedAt?: Date | null;
}

/**
 * Records an answer; the first one is shown on every parent and told to the chat's other threads.
 * Those follow-ups are redone (they are idempotent) until recorded as done, so a job that died
 * after winning the claim leaves them to whichever answer comes next, or to its own retry.
 */
export async function markAnswered(deps: AnswersDeps, orgId: string, conversationId: string, by: Answerer): Promise<void> {
  const answer = {
    agentId: by.agentId,
    name: by.name,
    ...(by.slackUserId ? { slackUserId: by.slackUserId } : {}),
    ...(by.thread ? { thread: by.thread } : {}),
    at: by.at,
  };
  let first: Answerer = by;
  if (!(await deps.store.conversations.markAnswered(orgId, conversationId, answer, deps.now()))) {
    const record = await deps.store.conversations.get(orgId, conversationId);
    if (!record || record.answerAnnounced) return;
    const recorded = await deps.store.conversations.firstAnswer(orgId, conversationId);
    if (!recorded) return;
    if (!record.answeredBy) await deps.store.conversations.settleAnswer(orgId, conversationId, recorded, deps.now());
    first = { ...recorded, at: recorded.at ?? by.at, startedAt: record.conversation ? new Date(record.conversation.startedAt) : null };
  }
  // Before the follow-ups: a job that dies after the claim records it on its retry (the branch above).
  await recordFirstAnswer(deps, orgId, conversationId, {
    agentId: first.agentId,
    name: first.name,
    origin: first.thread ? 'slack' : 'console',
    at: first.at,
    startedAt: first.startedAt ?? null,
  });
  await refreshParentMessage(deps, orgId, conversationId);
  await sayWhoTookIt(deps, orgId, conversationId, first);
  await deps.store.conversations.setAnswerAnnounced(orgId, conversationId, deps.now());
}

async function sayWhoTookIt(deps: AnswersDeps, orgId: string, conversationId: string, by: Answerer): Promise<void> {
  const record = await deps.store.conversations.get(orgId, conversationId);
  if (!record?.thread || record.mirrors.length === 0) return;
  const token = await deps.store.installations.botToken(record.thread.teamId, record.orgId);
  if (!token) return;
  const who = by.slackUserId ? { slackUserId: by.slackUserId } : { name: by.name };
  await postInEveryThread(deps, record, token, 'answered', () => ({ text: tookChatText(who, !by.thread) }), {
    except: by.thread ?? null,
  });
}
