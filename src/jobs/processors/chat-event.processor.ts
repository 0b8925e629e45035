// Processes one chat-platform webhook event. Every branch is safe to run twice: state is
// written idempotently and the thread writer posts each seq once.
import type { ChatEvent, Message } from '../../platform/webhook-events.ts';
import type { WorkerDeps } from '../worker-deps.ts';
import type { ChatOpenState, ConversationRecord } from '../../store/index.ts';
import { syncConversationThread, type SyncOptions } from '../../conversations/conversation-thread.ts';
import { endConversation } from '../../conversations/end-of-chat.ts';
import { refreshParentMessage } from '../../conversations/parent-message.ts';
import { noteIdentification } from '../../conversations/identification.ts';
import { markAnswered } from '../../conversations/answers.ts';
import { announceAssignment } from '../../conversations/assignment.ts';
import { noteFormSubmitted, noteMeetingBooked } from '../../conversations/shortcut-outcomes.ts';
import { assertNever, ThreadBusyError } from '../../errors/index.ts';
import { recordChatStart } from '../../activity/activity-recording.ts';
import { mayLeaveForNext } from '../../routing/message-grouping.ts';

/** `queuedAt`: when the event's job was queued (BullMQ's timestamp), for a message's group commit (bringMessage). */
export async function processChatEvent(deps: WorkerDeps, event: ChatEvent, queuedAt?: number): Promise<void> {
  const now = deps.now();
  const log = deps.logger.child({ eventId: event.id, type: event.type, orgId: event.orgId });
  await deps.store.orgActivity.notePlatformWebhook(event.orgId, now);
  switch (event.type) {
    case 'conversation.started':
    case 'conversation.updated': {
      const { conversation } = event.data;
      if (conversation.orgId !== event.orgId) {
        log.warn({ conversationOrg: conversation.orgId }, 'conversation belongs to another org than its event; ignored');
        return;
      }
      // Say in the thread what changed before recording it: a retry after a failed post sees it again.
      if (event.type === 'conversation.updated') await noteIdentification(deps, conversation, event.id);
      if (event.type === 'conversation.started') {
        // The settings read once: the chat's activity fact takes its answer time, the routing the rest.
        const settings = deps.store.orgSettings.get(event.orgId);
        settings.catch(() => undefined); // awaited by both below
        await Promise.all([deps.store.conversations.recordSnapshot(conversation, now), recordChatStart(deps, conversation, settings)]);
        await syncConversationThread(deps, event.orgId, conversation.id, { settings });
      } else {
        await deps.store.conversations.recordSnapshot(conversation, now);
        await syncOrHandOver(deps, event.orgId, conversation.id);
      }
      if (event.type === 'conversation.updated') await refreshParentMessage(deps, event.orgId, conversation.id);
      return;
    }
    case 'message.created': {
      const { conversationId, message } = event.data;
      const chat = await chatState(deps, event.orgId, conversationId, await bringMessage(deps, event.orgId, conversationId, message, queuedAt));
      if (!chat.conversation) {
        // The message overtook conversation.started: give it a moment, then ask the platform.
        if (!chat.known) await deps.store.conversations.ensure(event.orgId, conversationId, now);
        await deps.producer.scheduleThreadSync(
          { orgId: event.orgId, conversationId, cause: 'conversation-unknown' },
          now.getTime() + deps.threadGapWaitMs,
          now.getTime(),
        );
        return;
      }
      // A message after the end changes the transcript the platform has.
      if (chat.status === 'ended') await deps.producer.pushTranscript({ orgId: event.orgId, conversationId });
      // An agent's message from the console (or any channel but Slack, whose relay records it) is an answer.
      if (message.author.type === 'agent' && message.origin !== 'slack') {
        await markAnswered(deps, event.orgId, conversationId, {
          agentId: message.author.id,
          name: message.author.name,
          at: new Date(message.createdAt),
          startedAt: new Date(chat.conversation.startedAt),
        });
      }
      return;
    }
    case 'conversation.ended':
      await endConversation(deps, event.orgId, event.data.conversationId, event.data.endedBy);
      return;
    case 'conversation.assigned':
      await deps.store.conversations.setAssigned(event.orgId, event.data.conversationId, event.data.agentId, now);
      await announceAssignment(deps, event.orgId, event.data.conversationId, event.data.agentId, event.id);
      return;
    case 'agent.status_changed':
      await deps.store.platformDirectory.setAgentStatus(event.orgId, event.data.agentId, event.data.status, new Date(event.occurredAt));
      return;
    case 'meeting.booked':
      await noteMeetingBooked(deps, event.orgId, event.data);
      return;
    case 'form.submitted':
      await noteFormSubmitted(deps, event.orgId, event.data);
      return;
    default:
      assertNever(event, 'chat event');
  }
}

/**
 * Brings the message to the chat's threads, or, under load, leaves it stored for the job of the
 * chat's next message, when that job waits in the queue behind this one, to post the two (and
 * what else waits) as one Slack message (src/routing/message-grouping.ts). Left only if that job
 * still waits once this message is stored: it cannot then have read the chat's pending messages
 * without this one, and its sync reads them (its message is not the next after the cursor while
 * this one is pending). One that fails is retried, or dead-lettered with both messages pending
 * for a replay, as when each went on its own. Returns what the sync returns, or, left for the
 * next, the chat's record as the store (or this process's memory) has it.
 */
async function bringMessage(
  deps: WorkerDeps,
  orgId: string,
  conversationId: string,
  message: Message,
  queuedAt: number | undefined,
): Promise<ConversationRecord | null | 'handed over'> {
  const nextWaits = () => deps.producer.messageWaiting(orgId, conversationId, message.seq + 1);
  const mayLeave = queuedAt !== undefined && mayLeaveForNext(message.seq, deps.now().getTime() - queuedAt);
  // Stored by the sync, whichever way it goes (SyncOptions.message).
  if (!mayLeave || !(await nextWaits())) return syncOrHandOver(deps, orgId, conversationId, { message });
  const stored = await deps.store.threadMessages.add(orgId, conversationId, message, deps.now());
  if (await nextWaits()) return deps.store.conversations.get(orgId, conversationId);
  // Taken meanwhile: this job writes the thread, from its message as stored (by an earlier attempt of this job, or a repair, if not now).
  return syncOrHandOver(deps, orgId, conversationId, stored ? { stored } : {});
}

/**
 * Writes the thread, or, when another job is writing it, leaves one deduplicated sync for after
 * that job (what this event stored is read from the store, so any sync posts it). Without the
 * hand-over every event of a busy chat retried on its own, each re-reading the store: under a
 * backlog that retry storm, not the posting, saturated the database.
 */
async function syncOrHandOver(
  deps: WorkerDeps,
  orgId: string,
  conversationId: string,
  options?: SyncOptions,
): Promise<ConversationRecord | null | 'handed over'> {
  try {
    return await syncConversationThread(deps, orgId, conversationId, options);
  } catch (error) {
    if (!(error instanceof ThreadBusyError)) throw error;
    await deps.producer.syncThreadAfterHolder(orgId, conversationId);
    return 'handed over';
  }
}

/** The chat's state as the thread writer read it, or, when another job is writing the thread, read here. */
async function chatState(deps: WorkerDeps, orgId: string, conversationId: string, synced: ConversationRecord | null | 'handed over'): Promise<ChatOpenState> {
  if (synced === 'handed over') return deps.store.conversations.openState(orgId, conversationId);
  return synced ? { known: true, status: synced.status, conversation: synced.conversation } : { known: false, status: 'open', conversation: null };
}
