// conversation.updated: when the platform identifies the visitor or matches their account, the
// conversation's threads get a short line saying so (the parent message is redrawn too).
import type { ConversationDeps } from './conversation-deps.ts';
import type { Conversation } from '../platform/webhook-events.ts';
import { identificationLine } from '../slack/format/conversation-messages.ts';
import { postInEveryThread } from './chat-threads.ts';

export type IdentificationDeps = Pick<ConversationDeps, 'store' | 'slack' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget'>;

/** `eventId` names the update, so a retried job says it once in each thread. */
export async function noteIdentification(deps: IdentificationDeps, after: Conversation, eventId: string): Promise<void> {
  const record = await deps.store.conversations.get(after.orgId, after.id);
  if (!record?.thread) return;
  const line = identificationLine(record.conversation, after);
  if (!line) return;
  const token = await deps.store.installations.botToken(record.thread.teamId, record.orgId);
  if (!token) return;
  await postInEveryThread(deps, record, token, `updated:${eventId}`, () => ({ text: line }), { maxWaitMs: 5000 });
}
