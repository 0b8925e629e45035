// Nobody answered: after the org's answer time the thread reminds the people it notified; after
// a second period the chat escalates to the next usable target of the fallback chain (the global
// channel when one is set, else a DM to each mapped online member). Each stage runs at most
// once, and neither runs once someone has answered, the chat was assigned, or it ended.
import type { WorkerDeps } from './worker-deps.ts';
import type { ReminderJob } from './queues.ts';
import type { ConversationRecord } from '../store/index.ts';
import { answerTimeOf } from '../store/org-settings.repository.ts';
import { routingFacts, pointOthersToThread } from './notification-delivery.ts';
import { refreshParentMessage } from './parent-message.ts';
import { visitorDisplayName } from '../slack/format/conversation-messages.ts';
import { escapeSlackText } from '../slack/format/escape.ts';
import { postWhenBudgetAllows } from './paced-slack-api.ts';

export async function scheduleFirstReminder(deps: WorkerDeps, orgId: string, conversationId: string): Promise<void> {
  const answerTimeMs = answerTimeOf(await deps.store.orgSettings.get(orgId));
  if (answerTimeMs === null) return;
  const now = deps.now().getTime();
  await deps.producer.scheduleReminder({ orgId, conversationId, stage: 1 }, now + answerTimeMs, now);
}

function stillWaiting(record: ConversationRecord | null): record is ConversationRecord {
  return Boolean(record?.thread && record.notification && record.status === 'open' && !record.answeredBy && !record.assignedAgentId);
}

export async function processReminder(deps: WorkerDeps, job: ReminderJob): Promise<void> {
  const { orgId, conversationId, stage } = job;
  const record = await deps.store.conversations.get(orgId, conversationId);
  if (!stillWaiting(record)) return;
  const answerTimeMs = answerTimeOf(await deps.store.orgSettings.get(orgId));
  if (answerTimeMs === null) return;
  const token = await deps.store.installations.botToken(record.thread!.teamId);
  if (!token) return;
  if (!(await deps.store.conversations.claimReminderStage(orgId, conversationId, stage, deps.now()))) return;
  try {
    await sendStage(deps, record, token, stage, answerTimeMs);
  } catch (error) {
    await deps.store.conversations.releaseReminderStage(orgId, conversationId, stage, deps.now());
    throw error;
  }
}

async function sendStage(deps: WorkerDeps, record: ConversationRecord, token: string, stage: 1 | 2, answerTimeMs: number): Promise<void> {
  const { orgId, conversationId } = record;

  const thread = record.thread!;
  const waited = Math.max(1, Math.round((deps.now().getTime() - record.createdAt.getTime()) / 60_000));
  const log = deps.logger.child({ orgId, conversationId, stage });

  if (stage === 1) {
    const people = [...new Set([...record.notification!.mentionSlackUserIds, ...record.notification!.dmSlackUserIds])];
    const mentions = people.map((id) => `<@${id}>`).join(' ');
    await postWhenBudgetAllows(deps.slack, token, {
      channel: thread.channelId,
      threadTs: thread.threadTs,
      text: `${mentions ? `${mentions} ` : ''}:bell: This chat has been waiting ${waited} min for an answer.`,
    });
    await refreshParentMessage(deps, orgId, conversationId);
    const now = deps.now().getTime();
    await deps.producer.scheduleReminder({ orgId, conversationId, stage: 2 }, now + answerTimeMs, now);
    log.info({ people }, 'reminder sent');
    return;
  }

  // Stage 2: escalate beyond the people already notified.
  const facts = await routingFacts(deps, record);
  const globalChannel = facts.settings.globalChannelId;
  const permalink = await deps.slack.getPermalink(token, { channel: thread.channelId, ts: thread.threadTs });
  const name = escapeSlackText(visitorDisplayName(record.conversation));
  let where: string;
  if (globalChannel && globalChannel !== thread.channelId) {
    const members = facts.group?.memberAgentIds.flatMap((id) => facts.agents.get(id)?.slackUserId ?? []) ?? [];
    const mentions = members.map((id) => `<@${id}>`).join(' ');
    await postWhenBudgetAllows(deps.slack, token, {
      channel: globalChannel,
      text: `:rotating_light: Chat from ${name} has waited ${waited} min without an answer: <${permalink}|answer in its thread>${mentions ? ` ${mentions}` : ''}`,
    });
    where = `<#${globalChannel}>`;
  } else {
    const online = (facts.group?.memberAgentIds ?? [])
      .map((id) => facts.agents.get(id))
      .filter((a) => a?.status === 'online' && a.slackUserId)
      .map((a) => a!.slackUserId!);
    if (online.length === 0) {
      log.warn('nobody left to escalate to');
      return;
    }
    await pointOthersToThread(deps, thread.teamId, token, record, thread, online, `Still unanswered after ${waited} min: chat from`);
    where = online.map((id) => `<@${id}>`).join(', ');
  }
  await postWhenBudgetAllows(deps.slack, token, { channel: thread.channelId, threadTs: thread.threadTs, text: `:rotating_light: Still unanswered after ${waited} min: escalated to ${where}.` });
  await refreshParentMessage(deps, orgId, conversationId);
  log.info({ where }, 'chat escalated');
}
