// A chat nobody answered after its reminders escalates: a thread of it opens in the global
// channel or in the DMs of the group's online members, as the org chose (by default the global
// channel while its toggle is on, else the members; src/store/org-settings.repository.ts), each with the
// conversation so far and answerable there. Stage 2 of the chat's reminders (reminders.ts), which
// runs it once.
import type { ConversationDeps } from './conversation-deps.ts';
import type { ConversationRecord, PlannedThread } from '../store/index.ts';
import type { EscalationTarget as EscalationChoice } from '../store/org-settings.repository.ts';
import { routingFacts } from './notification-delivery.ts';
import { refreshParentMessage } from './parent-message.ts';
import { escalationNoteText, type EscalationTarget } from '../slack/format/reminders.ts';
import { dmOwnerOf, postInEveryThread, threadsOf } from './chat-threads.ts';
import { addThreads } from './conversation-thread.ts';

export type EscalationDeps = Pick<
  ConversationDeps,
  'store' | 'slack' | 'platform' | 'producer' | 'locks' | 'logger' | 'now' | 'threadGapWaitMs' | 'directoryCache' | 'callBudget' | 'threadCursors' | 'observe'
>;

/** The escalation note waits in-process this long for a thread's budget before its job is delayed instead. */
const ESCALATION_BUDGET_WAIT_MS = 10_000;

/**
 * Stage 2: the chat gets a thread where more people can answer it: the global channel when the
 * org escalates there, its toggle is on and the chat is not there yet, else each online, mapped
 * member's DMs (those who have no thread of the chat of their own). The threads it had say where
 * it went. `target` is never 'off' here: the reminder stage does not run then.
 */
export async function escalate(deps: EscalationDeps, record: ConversationRecord, token: string, waited: number, target: EscalationChoice): Promise<void> {
  const { orgId, conversationId } = record;
  const log = deps.logger.child({ orgId, conversationId, stage: 2 });
  const facts = await routingFacts(deps, record);
  // Decided from the threads the chat had before any escalation, so a retried job decides the same.
  const threads = threadsOf({ ...record, mirrors: record.mirrors.filter((m) => m.opened !== 'escalation') });
  const groupName = facts.group?.name ?? null;
  const reason = `no answer after ${waited} min, so escalated here`;
  const members = (facts.group?.memberAgentIds ?? []).map((id) => facts.agents.get(id)).filter((a) => a !== undefined);
  const globalChannel = target === 'global-channel' && facts.settings.globalChannelEnabled ? facts.settings.globalChannelId : null;

  let wanted: PlannedThread[];
  let where: EscalationTarget;
  if (globalChannel && !threads.some((t) => t.ref.channelId === globalChannel)) {
    const owner = facts.conversation.accountOwnerAgentId ? (facts.agents.get(facts.conversation.accountOwnerAgentId)?.slackUserId ?? null) : null;
    const mentions = [...new Set([...members.flatMap((m) => m.slackUserId ?? []), ...(owner ? [owner] : [])])];
    wanted = [
      {
        target: { kind: 'channel', channelId: globalChannel },
        notification: {
          rule: 'escalation',
          reason,
          targetKind: 'channel',
          mentionSlackUserIds: mentions,
          unmappedMemberNames: members.filter((m) => !m.slackUserId).map((m) => m.name),
          groupName,
          dmSlackUserIds: [],
        },
        opened: 'escalation',
      },
    ];
    where = { channelId: globalChannel };
  } else {
    const online = members
      .filter((m) => m.status === 'online' && m.slackUserId && !threads.some((t) => dmOwnerOf(t) === m.slackUserId))
      .map((m) => m.slackUserId!);
    if (online.length === 0) {
      log.warn('nobody left to escalate to');
      return;
    }
    wanted = online.map((slackUserId) => ({
      target: { kind: 'dm', slackUserId },
      notification: {
        rule: 'escalation',
        reason,
        targetKind: 'dm',
        mentionSlackUserIds: [],
        unmappedMemberNames: [],
        groupName,
        dmSlackUserIds: [slackUserId],
      },
      opened: 'escalation',
    }));
    where = { dmSlackUserIds: online };
  }
  await addThreads(deps, orgId, conversationId, wanted);
  // Said in the threads the chat had before, not in the new ones (they open with the reason).
  const before = { ...record, mirrors: record.mirrors.filter((m) => m.opened !== 'escalation') };
  await postInEveryThread(deps, before, token, 'escalated', () => ({ text: escalationNoteText(waited, where), priority: 'reminder' }), {
    maxWaitMs: ESCALATION_BUDGET_WAIT_MS,
  });
  await refreshParentMessage(deps, orgId, conversationId);
  log.info({ where }, 'chat escalated');
}
