// Nobody answered: after the org's answer time the chat's threads remind the people they
// notified; after a second period the chat escalates: a thread of it opens in the global channel
// (when its toggle is on), else in the DMs of the group's online members, each with the
// conversation so far and answerable there. Each stage runs at most once, and neither runs once
// someone has answered, the chat was assigned, or it ended.
//
// Reminders that fall due together in one channel go out as one post listing the waiting chats
// (each chat's parent gets a :bell: mark), and after the channel's new chats and messages: a
// burst of reminders never holds up a new chat.
import type { WorkerDeps } from '../../conversations/worker-deps.ts';
import type { ChannelRemindersJob, RemindersQueueJob, ReminderJob } from '../../queues/queues.ts';
import type { ConversationRecord, PlannedThread } from '../../store/index.ts';
import { answerTimeOf } from '../../store/org-settings.repository.ts';
import { routingFacts } from '../../conversations/notification-delivery.ts';
import { refreshParentMessage } from '../../conversations/parent-message.ts';
import { visitorDisplayName } from '../../slack/format/conversation-messages.ts';
import { channelReminderText, escalationNoteText, threadReminderText, type EscalationTarget, type WaitingChatLine } from '../../slack/format/reminders.ts';
import { postWhenBudgetAllows } from '../../slack/paced-slack-api.ts';
import { dmOwnerOf, notifiedIn, postInEveryThread, threadsOf } from '../../conversations/chat-threads.ts';
import { addThreads } from '../../conversations/conversation-thread.ts';
import { callWithinBudget } from '../../slack/slack-call-budget.ts';
import { SlackApiError, ClaimBusyError } from '../../errors/index.ts';

/** A reminder waits in-process this long for its channel's budget before its job is delayed instead. */
const REMINDER_BUDGET_WAIT_MS = 10_000;
const REMINDER_MARK = 'bell';

function stillWaiting(record: ConversationRecord | null): record is ConversationRecord {
  return Boolean(record?.thread && record.notification && record.status === 'open' && !record.answeredBy && !record.assignedAgentId);
}

function waitedMinutes(deps: WorkerDeps, record: ConversationRecord): number {
  return Math.max(1, Math.round((deps.now().getTime() - record.createdAt.getTime()) / 60_000));
}

export async function processRemindersJob(deps: WorkerDeps, job: RemindersQueueJob, jobId: string): Promise<void> {
  if ('kind' in job) await sendChannelReminders(deps, job, jobId);
  else await processReminder(deps, job);
}

async function processReminder(deps: WorkerDeps, job: ReminderJob): Promise<void> {
  const { orgId, conversationId, stage } = job;
  const record = await deps.store.conversations.get(orgId, conversationId);
  if (!stillWaiting(record)) return;
  const answerTimeMs = answerTimeOf(await deps.store.orgSettings.get(orgId));
  if (answerTimeMs === null) return;
  const token = await deps.store.installations.botToken(record.thread!.teamId, orgId);
  if (!token) return;
  if (!(await deps.store.conversations.claimReminderStage(orgId, conversationId, stage, deps.now()))) {
    // Sent already, or another job is sending it (or died doing so: its claim lapses, and then this one takes over).
    if (record.reminderStage >= stage) return;
    throw new ClaimBusyError(`reminder stage ${stage} of ${conversationId}`);
  }
  try {
    if (stage === 1) await queueReminders(deps, record, answerTimeMs);
    else await escalate(deps, record, token);
  } catch (error) {
    await deps.store.conversations.releaseReminderStage(orgId, conversationId, stage, deps.now());
    throw error;
  }
  await deps.store.conversations.settleReminderStage(orgId, conversationId, stage, deps.now());
}

/** Stage 1: each thread's reminder joins its channel's batch; stage 2 is scheduled. */
async function queueReminders(deps: WorkerDeps, record: ConversationRecord, answerTimeMs: number): Promise<void> {
  const { orgId, conversationId } = record;
  for (const thread of threadsOf(record)) {
    const { teamId, channelId, threadTs } = thread.ref;
    await deps.reminderBatches.add(teamId, channelId, { orgId, conversationId, threadTs, slackUserIds: notifiedIn(thread) });
    await deps.producer.flushChannelReminders({ teamId, channelId });
  }
  const now = deps.now().getTime();
  await deps.producer.scheduleReminder({ orgId, conversationId, stage: 2 }, now + answerTimeMs, now);
}

/** The reminders due in one channel: one in its thread, or one post listing several chats. */
async function sendChannelReminders(deps: WorkerDeps, job: ChannelRemindersJob, batchId: string): Promise<void> {
  const { teamId, channelId } = job;
  // Only the chats of the org the workspace is installed for now: a chat of an org it has left
  // is never named in its channels.
  const owner = (await deps.store.installations.tokens(teamId))?.orgId ?? null;
  const due = (await deps.reminderBatches.take(teamId, channelId, batchId)).filter((d) => d.orgId === owner);
  const token = owner ? await deps.store.installations.botToken(teamId, owner) : null;
  if (!token || due.length === 0) {
    await deps.reminderBatches.finish(batchId);
    return;
  }
  const records = new Map<string, ConversationRecord>();
  for (const item of due) {
    const record = await deps.store.conversations.get(item.orgId, item.conversationId);
    if (stillWaiting(record)) records.set(`${item.orgId}/${item.conversationId}`, record);
  }
  const waiting = due.filter((d) => records.has(`${d.orgId}/${d.conversationId}`));
  if (waiting.length > 0 && !(await deps.reminderBatches.isPosted(batchId))) {
    const people = [...new Set(waiting.flatMap((w) => w.slackUserIds))];
    if (waiting.length === 1) {
      const only = waiting[0]!;
      const record = records.get(`${only.orgId}/${only.conversationId}`)!;
      await postWhenBudgetAllows(deps.slack, token, { channel: channelId, threadTs: only.threadTs, text: threadReminderText(only.slackUserIds, waitedMinutes(deps, record)), priority: 'reminder' }, REMINDER_BUDGET_WAIT_MS);
    } else {
      const lines: WaitingChatLine[] = [];
      for (const w of waiting) {
        const record = records.get(`${w.orgId}/${w.conversationId}`)!;
        const link = await deps.slack.getPermalink(token, { channel: channelId, ts: w.threadTs }).catch(() => null);
        lines.push({ visitorName: visitorDisplayName(record.conversation), waitedMinutes: waitedMinutes(deps, record), link });
      }
      await postWhenBudgetAllows(deps.slack, token, { channel: channelId, text: channelReminderText(people, lines), priority: 'reminder' }, REMINDER_BUDGET_WAIT_MS);
    }
    await deps.reminderBatches.markPosted(batchId);
    deps.logger.info({ teamId, channel: channelId, chats: waiting.length }, 'reminders sent');
  }
  if (waiting.length > 1) {
    // Each thread still shows it was reminded: a mark on its parent, within Slack's per-minute budget.
    for (const w of waiting) await markReminded(deps, teamId, token, channelId, w.threadTs);
  }
  for (const key of new Set(waiting.map((w) => `${w.orgId}/${w.conversationId}`))) {
    const record = records.get(key)!;
    await refreshParentMessage(deps, record.orgId, record.conversationId);
  }
  await deps.reminderBatches.finish(batchId);
}

async function markReminded(deps: WorkerDeps, teamId: string, token: string, channelId: string, threadTs: string): Promise<void> {
  const marked = await callWithinBudget(deps.callBudget, teamId, 'reactions.add', { maxWaitMs: REMINDER_BUDGET_WAIT_MS }, () =>
    deps.slack.addReaction(token, { channel: channelId, ts: threadTs, name: REMINDER_MARK }).catch((error) => {
      // The parent was deleted meanwhile: the listing said it all.
      if (!(error instanceof SlackApiError && !error.transient)) throw error;
    }),
  );
  if (!marked.ok) deps.logger.warn({ teamId, channel: channelId, threadTs }, 'reminder mark left out: Slack’s per-minute budget for reactions is used up');
}

/**
 * Stage 2: the chat gets a thread where more people can answer it: the global channel when its
 * toggle is on and the chat is not there yet, else each online, mapped member's DMs (those who
 * have no thread of the chat of their own). The threads it had say where it went.
 */
async function escalate(deps: WorkerDeps, record: ConversationRecord, token: string): Promise<void> {
  const { orgId, conversationId } = record;
  const log = deps.logger.child({ orgId, conversationId, stage: 2 });
  const facts = await routingFacts(deps, record);
  const waited = waitedMinutes(deps, record);
  // Decided from the threads the chat had before any escalation, so a retried job decides the same.
  const threads = threadsOf({ ...record, mirrors: record.mirrors.filter((m) => m.opened !== 'escalation') });
  const groupName = facts.group?.name ?? null;
  const reason = `no answer after ${waited} min, so escalated here`;
  const members = (facts.group?.memberAgentIds ?? []).map((id) => facts.agents.get(id)).filter((a) => a !== undefined);
  const globalChannel = facts.settings.globalChannelEnabled ? facts.settings.globalChannelId : null;

  let wanted: PlannedThread[];
  let where: EscalationTarget;
  if (globalChannel && !threads.some((t) => t.ref.channelId === globalChannel)) {
    const owner = facts.conversation.accountOwnerAgentId ? facts.agents.get(facts.conversation.accountOwnerAgentId)?.slackUserId ?? null : null;
    const mentions = [...new Set([...members.flatMap((m) => m.slackUserId ?? []), ...(owner ? [owner] : [])])];
    wanted = [{
      target: { kind: 'channel', channelId: globalChannel },
      notification: { rule: 'escalation', reason, targetKind: 'channel', mentionSlackUserIds: mentions, unmappedMemberNames: members.filter((m) => !m.slackUserId).map((m) => m.name), groupName, dmSlackUserIds: [] },
      opened: 'escalation',
    }];
    where = { channelId: globalChannel };
  } else {
    const online = members.filter((m) => m.status === 'online' && m.slackUserId && !threads.some((t) => dmOwnerOf(t) === m.slackUserId)).map((m) => m.slackUserId!);
    if (online.length === 0) {
      log.warn('nobody left to escalate to');
      return;
    }
    wanted = online.map((slackUserId) => ({
      target: { kind: 'dm', slackUserId },
      notification: { rule: 'escalation', reason, targetKind: 'dm', mentionSlackUserIds: [], unmappedMemberNames: [], groupName, dmSlackUserIds: [slackUserId] },
      opened: 'escalation',
    }));
    where = { dmSlackUserIds: online };
  }
  await addThreads(deps, orgId, conversationId, wanted);
  // Said in the threads the chat had before, not in the new ones (they open with the reason).
  const before = { ...record, mirrors: record.mirrors.filter((m) => m.opened !== 'escalation') };
  await postInEveryThread(deps, before, token, 'escalated', () => ({ text: escalationNoteText(waited, where), priority: 'reminder' }), { maxWaitMs: REMINDER_BUDGET_WAIT_MS });
  await refreshParentMessage(deps, orgId, conversationId);
  log.info({ where }, 'chat escalated');
}
