// Nobody answered: after the org's answer time the chat's threads remind the people they
// notified; after a second period the chat escalates (escalation.ts). Each stage runs at most
// once, and neither runs once someone has answered, the chat was assigned, or it ended. The
// first stage is scheduled when the chat's thread opens (thread-opening.ts).
//
// The answer time is read when a stage runs, so an admin's change applies to chats already
// waiting: a longer one delays the job by what is left of it, a shorter one has the org's
// pending jobs run at once (org-changed.processor.ts) and each waits out what is left of the
// new one; none (null) ends them. Every run decides from the settings and the stage's start
// alone, and the stage's claim sends it at most once, so a job run twice decides the same.
//
// Reminders that fall due together in one channel go out as one post listing the waiting chats
// (each chat's parent gets a :bell: mark), and after the channel's new chats and messages: a
// burst of reminders never holds up a new chat.
import type { ConversationDeps } from './conversation-deps.ts';
import type { ChannelRemindersJob, ReminderJob } from '../queues/queues.ts';
import type { ConversationRecord } from '../store/index.ts';
import { answerTimeOf, escalationOf } from '../store/org-settings.repository.ts';
import { refreshParentMessage } from './parent-message.ts';
import { visitorDisplayName } from '../slack/format/conversation-messages.ts';
import { channelReminderText, threadReminderText, type WaitingChatLine } from '../slack/format/reminders.ts';
import { postJoiningIfNeeded } from './posting.ts';
import { notifiedIn, threadsOf } from './chat-threads.ts';
import { escalate } from './escalation.ts';
import { recordReminderStage } from '../activity/activity-recording.ts';
import { callWithinBudget } from '../slack/tiered-call-budget.ts';
import { SlackApiError, ClaimBusyError, NotDueYetError } from '../errors/index.ts';

export type RemindersDeps = Pick<
  ConversationDeps,
  | 'store'
  | 'activity'
  | 'slack'
  | 'platform'
  | 'producer'
  | 'locks'
  | 'logger'
  | 'now'
  | 'threadGapWaitMs'
  | 'directoryCache'
  | 'callBudget'
  | 'reminderBatches'
  | 'threadCursors'
  | 'observe'
>;

/** A reminder waits in-process this long for its channel's budget before its job is delayed instead. */
const REMINDER_BUDGET_WAIT_MS = 10_000;
const REMINDER_MARK = 'bell';

function stillWaiting(record: ConversationRecord | null): record is ConversationRecord {
  return Boolean(record?.thread && record.notification && record.status === 'open' && !record.answeredBy && !record.assignedAgentId);
}

function waitedMinutes(deps: RemindersDeps, record: ConversationRecord): number {
  return Math.max(1, Math.round((deps.now().getTime() - record.createdAt.getTime()) / 60_000));
}

/** A chat's reminder stage fell due: 1 reminds in its threads, 2 escalates. */
export async function runReminderStage(deps: RemindersDeps, job: ReminderJob): Promise<void> {
  const { orgId, conversationId, stage } = job;
  const record = await deps.store.conversations.get(orgId, conversationId);
  if (!stillWaiting(record)) return;
  const settings = await deps.store.orgSettings.get(orgId);
  const answerTimeMs = answerTimeOf(settings);
  if (answerTimeMs === null) return;
  const escalation = escalationOf(settings);
  if (stage === 2 && escalation === 'off') return;
  // A job without its start (queued before jobs carried one) runs when it was delayed to.
  const leftMs = job.clockFrom === undefined ? 0 : job.clockFrom + answerTimeMs - deps.now().getTime();
  // Under a second early is due: the queue's own delay is no more precise than that.
  if (leftMs >= 1000) throw new NotDueYetError(`reminder stage ${stage} of ${conversationId}`, leftMs);
  const token = await deps.store.installations.botToken(record.thread!.teamId, orgId);
  if (!token) return;
  if (!(await deps.store.conversations.claimReminderStage(orgId, conversationId, stage, deps.now()))) {
    // Sent already, or another job is sending it (or died doing so: its claim lapses, and then this one takes over).
    if (record.reminderStage >= stage) return;
    throw new ClaimBusyError(`reminder stage ${stage} of ${conversationId}`);
  }
  try {
    if (stage === 1) await queueReminders(deps, record, answerTimeMs);
    else await escalate(deps, record, token, waitedMinutes(deps, record), escalation);
  } catch (error) {
    await deps.store.conversations.releaseReminderStage(orgId, conversationId, stage, deps.now());
    throw error;
  }
  // Before the stage is settled: a retry after a death in between records it (once) again.
  await recordReminderStage(deps, orgId, conversationId, stage);
  await deps.store.conversations.settleReminderStage(orgId, conversationId, stage, deps.now());
}

/** Stage 1: each thread's reminder joins its channel's batch; stage 2 is scheduled. */
async function queueReminders(deps: RemindersDeps, record: ConversationRecord, answerTimeMs: number): Promise<void> {
  const { orgId, conversationId } = record;
  for (const thread of threadsOf(record)) {
    const { teamId, channelId, threadTs } = thread.ref;
    await deps.reminderBatches.add(teamId, channelId, { orgId, conversationId, threadTs, slackUserIds: notifiedIn(thread) });
    await deps.producer.flushChannelReminders({ teamId, channelId });
  }
  // Scheduled even with escalation off: it is read when the stage falls due, and may be on by then.
  const now = deps.now().getTime();
  await deps.producer.scheduleReminder({ orgId, conversationId, stage: 2, clockFrom: now }, now + answerTimeMs, now);
}

/** The reminders due in one channel: one in its thread, or one post listing several chats. */
export async function sendChannelReminders(deps: RemindersDeps, job: ChannelRemindersJob, batchId: string): Promise<void> {
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
      await postJoiningIfNeeded(
        deps,
        teamId,
        token,
        { channel: channelId, threadTs: only.threadTs, text: threadReminderText(only.slackUserIds, waitedMinutes(deps, record)), priority: 'reminder' },
        REMINDER_BUDGET_WAIT_MS,
      );
    } else {
      const lines: WaitingChatLine[] = [];
      for (const w of waiting) {
        const record = records.get(`${w.orgId}/${w.conversationId}`)!;
        const link = await deps.slack.getPermalink(token, { channel: channelId, ts: w.threadTs }).catch(() => null);
        lines.push({ visitorName: visitorDisplayName(record.conversation), waitedMinutes: waitedMinutes(deps, record), link });
      }
      await postJoiningIfNeeded(
        deps,
        teamId,
        token,
        { channel: channelId, text: channelReminderText(people, lines), priority: 'reminder' },
        REMINDER_BUDGET_WAIT_MS,
      );
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

async function markReminded(deps: RemindersDeps, teamId: string, token: string, channelId: string, threadTs: string): Promise<void> {
  const marked = await callWithinBudget(deps.callBudget, teamId, 'reactions.add', { maxWaitMs: REMINDER_BUDGET_WAIT_MS }, () =>
    deps.slack.addReaction(token, { channel: channelId, ts: threadTs, name: REMINDER_MARK }).catch((error) => {
      // The parent was deleted meanwhile: the listing said it all.
      if (!(error instanceof SlackApiError && !error.transient)) throw error;
    }),
  );
  if (!marked.ok) deps.logger.warn({ teamId, channel: channelId, threadTs }, 'reminder mark left out: Slack’s per-minute budget for reactions is used up');
}
