// Records a chat's activity facts as the worker sees its steps (started, first answer, reminded,
// escalated, ended, rated), and asks for a roll-up of the org's days. Each step is one insert
// (src/store/chat-activity.repository.ts): a retried event or job writes nothing twice, and only
// the call that wrote a step counts it in the metrics. The roll-up is asked for whether or not
// this call wrote the fact: a job that died between the two leaves it to its retry.
import type { ActivityDeps as AllActivityDeps } from './activity-deps.ts';
import type { Conversation } from '../platform/webhook-events.ts';
import type { ActivityStep } from '../store/index.ts';
import { answerTimeOf, type OrgSettings } from '../store/org-settings.repository.ts';

export type ActivityDeps = Pick<AllActivityDeps, 'store' | 'producer' | 'now' | 'activity' | 'observe'>;

async function record(deps: ActivityDeps, orgId: string, conversationId: string, at: Date, step: ActivityStep): Promise<boolean> {
  const wrote = await deps.store.chatActivity.record({ orgId, conversationId, at, recordedAt: deps.now(), ...step });
  await deps.producer.rollUpActivity({ orgId }, deps.activity.rollupDelayMs);
  return wrote;
}

/**
 * conversation.started: the chat counts on the day it started, in its routing group, against the
 * answer time of now. `settingsRead`: the org's settings as the job reads them for the routing too.
 */
export async function recordChatStart(deps: ActivityDeps, conversation: Conversation, settingsRead: Promise<OrgSettings | null>): Promise<void> {
  const settings = await settingsRead;
  await record(deps, conversation.orgId, conversation.id, new Date(conversation.startedAt), {
    step: 'start',
    routingGroupId: conversation.routingGroupId,
    answerTimeMs: answerTimeOf(settings),
  });
}

/**
 * The chat's first agent message (the caller won the first-answer claim, or settles it after a
 * job that died): who, from where, when. `startedAt` (the platform's snapshot) is for the metric;
 * without it the chat's start fact is read, once per chat.
 */
export async function recordFirstAnswer(
  deps: ActivityDeps,
  orgId: string,
  conversationId: string,
  answer: { agentId: string; name: string; origin: 'slack' | 'console'; at: Date; startedAt: Date | null },
): Promise<void> {
  const wrote = await record(deps, orgId, conversationId, answer.at, {
    step: 'answer',
    agentId: answer.agentId,
    agentName: answer.name,
    origin: answer.origin,
  });
  if (!wrote || !deps.observe?.firstResponse) return;
  const startedAt = answer.startedAt ?? (await deps.store.chatActivity.startOf(orgId, conversationId));
  if (startedAt) deps.observe.firstResponse(Math.max(0, answer.at.getTime() - startedAt.getTime()) / 1000);
}

export async function recordReminderStage(deps: ActivityDeps, orgId: string, conversationId: string, stage: 1 | 2): Promise<void> {
  await record(deps, orgId, conversationId, deps.now(), { step: stage === 1 ? 'reminded' : 'escalated' });
}

/** The end; `answered`: whether an agent wrote in the chat (a missed chat is counted in the metrics here). */
export async function recordEnd(
  deps: ActivityDeps,
  orgId: string,
  conversationId: string,
  endedBy: 'visitor' | 'agent' | 'timeout',
  answered: boolean,
): Promise<void> {
  const wrote = await record(deps, orgId, conversationId, deps.now(), { step: 'end', endedBy });
  if (wrote && !answered) deps.observe?.chatMissed?.();
}

export async function recordRating(deps: ActivityDeps, orgId: string, conversationId: string, rating: string, agentId: string): Promise<void> {
  await record(deps, orgId, conversationId, deps.now(), { step: 'rating', rating, agentId });
}
