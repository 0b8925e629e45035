// Opening a chat's threads: the primary one (the notification, then the thread recorded, or the
// chat marked undeliverable) and the planned others (the notification's other targets, an
// escalation, an assignee's DM), each recorded as soon as its parent is posted, a thread a job
// that died had opened found again rather than posted twice. A step of the thread writer
// (conversation-thread.ts), under the chat's lock; apart because it is the routing side of it.
import type { ConversationDeps } from './conversation-deps.ts';
import type { ConversationRecord, MirrorThread, PlannedThread, SlackThreadRef } from '../store/index.ts';
import { ThreadLockLostError, SlackApiError, contentRefusalCodes } from '../errors/index.ts';
import { deliverNotification, dmChannel, openThreadAt, refusalOf, routingFacts } from './notification-delivery.ts';
import { parentStatus } from './parent-message.ts';
import { undeliverableReasons } from '../routing/undeliverable-reasons.ts';
import { undeliverable, type ThreadWriter } from './thread-writer.ts';
import { answerTimeOf, type OrgSettings } from '../store/org-settings.repository.ts';

export type ThreadOpeningDeps = Pick<
  ConversationDeps,
  'store' | 'slack' | 'platform' | 'producer' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget'
>;

/**
 * The chat's first reminder (src/conversations/reminders.ts) falls due the org's answer time after
 * its thread opened. `settings`: the org's settings as the caller read them in this job, if it did.
 */
async function scheduleFirstReminder(deps: ThreadOpeningDeps, orgId: string, conversationId: string, settings?: Promise<OrgSettings | null>): Promise<void> {
  const answerTimeMs = answerTimeOf(await (settings ?? deps.store.orgSettings.get(orgId)));
  if (answerTimeMs === null) return;
  const now = deps.now().getTime();
  await deps.producer.scheduleReminder({ orgId, conversationId, stage: 1, clockFrom: now }, now + answerTimeMs, now);
}

/**
 * Sends the notification and stores the thread; the record as it now is and the bot token it
 * posted with (the writer posts with it too), or null when there is no thread.
 */
export async function openThread(
  deps: ThreadOpeningDeps,
  record: ConversationRecord,
  stillHeld: () => Promise<void>,
  settingsRead?: Promise<OrgSettings | null>,
): Promise<{ record: ConversationRecord; token: string } | null> {
  const { orgId, conversationId } = record;
  const log = deps.logger.child({ orgId, conversationId });
  // Read side by side, the routing facts too: each is a round trip on the path to the chat's first post.
  // The settings once, for the routing and the first reminder (the caller's read, when it made one).
  const settings = settingsRead ?? deps.store.orgSettings.get(orgId);
  const facts = routingFacts(deps, record, settings);
  // Awaited below only when a notification is sent (or a reminder scheduled); a failure is thrown there.
  facts.catch(() => undefined);
  settings.catch(() => undefined);
  const installation = await deps.store.installations.findByOrg(orgId);
  const token = installation ? await deps.store.installations.botToken(installation.teamId, orgId) : null;
  if (!installation || !token) {
    await undeliverable(deps, record, undeliverableReasons.notConnected());
    return null;
  }
  const delivered = await deliverNotification(deps, record, installation.teamId, token, stillHeld, facts);
  if (!delivered.ok) {
    await undeliverable(deps, record, delivered.reason);
    return null;
  }
  // Delivered after an attempt that was not: the chat leaves the undeliverable ones first (the thread's own write carries no reason).
  if (record.undeliverableReason !== null) await deps.store.conversations.clearUndeliverable(orgId, conversationId, deps.now());
  const attached = await deps.store.conversations.attachThread(orgId, conversationId, delivered.thread, delivered.notification, delivered.planned, deps.now());
  if (!attached) {
    log.error({ thread: delivered.thread }, 'conversation already had a thread: a second parent message was posted');
    return null;
  }
  await scheduleFirstReminder(deps, orgId, conversationId, settings);
  log.info(
    { ...delivered.thread, rule: delivered.notification.rule, reason: delivered.notification.reason, moreThreads: delivered.planned.length },
    'thread opened',
  );
  return {
    record: { ...record, thread: delivered.thread, notification: delivered.notification, plannedThreads: delivered.planned, undeliverableReason: null },
    token,
  };
}

/**
 * Opens the chat's planned threads (the notification's other targets, an escalation, an
 * assignee's DM), each recorded as soon as its parent is posted; a target Slack refuses is
 * dropped. Returns the record as it now is.
 */
export async function openPlannedThreads(w: ThreadWriter): Promise<ConversationRecord> {
  const { deps, record, token, lock, key } = w;
  const { orgId, conversationId } = record;
  const teamId = record.thread!.teamId;
  const mirrors = [...record.mirrors];
  const planned = [...record.plannedThreads];
  while (planned.length > 0) {
    const next = planned[0]!;
    let opened: SlackThreadRef | null = null;
    try {
      // A thread a job opened there and linked, then died before recording it: that one, not a second.
      const orphan = await orphanThreadAt(w, next.target, mirrors);
      opened =
        orphan ?? (await openThreadAt(deps, record, teamId, token, next.target, next.notification, parentStatus(record, deps.now().getTime()), w.stillHeld));
    } catch (error) {
      // A target Slack refuses, or a parent it refuses even as plain text: that thread is left out.
      const contentRefused = error instanceof SlackApiError && contentRefusalCodes.has(error.code);
      if (!refusalOf(error, next.target) && !contentRefused) throw error;
      deps.logger.warn({ orgId, conversationId, target: next.target, code: (error as { code?: string }).code }, 'Slack refused a thread of the chat; left out');
    }
    planned.shift();
    if (opened) {
      // Findable from Slack before it is recorded: a reply may come as soon as it exists.
      await deps.store.conversations.linkThread(orgId, conversationId, opened);
      mirrors.push({ ref: opened, notification: next.notification, opened: next.opened, openedAt: deps.now(), shownThroughSeq: null });
      deps.logger.info({ orgId, conversationId, ...opened, opened: next.opened }, 'another thread of the chat opened');
    }
    await deps.store.conversations.setMirrors(orgId, conversationId, mirrors, planned, deps.now());
    if (!(await lock.confirm())) throw new ThreadLockLostError(key);
  }
  return { ...record, mirrors, plannedThreads: [] };
}

/** A thread of this chat linked at the target's channel but recorded neither as primary nor as a mirror. */
async function orphanThreadAt(w: ThreadWriter, target: PlannedThread['target'], mirrors: MirrorThread[]): Promise<SlackThreadRef | null> {
  const { deps, record, token } = w;
  const linked = await deps.store.conversations.linkedThreads(record.orgId, record.conversationId);
  const known = [record.thread!, ...mirrors.map((m) => m.ref)];
  const orphans = linked.filter((t) => !known.some((k) => k.channelId === t.channelId && k.threadTs === t.threadTs));
  if (orphans.length === 0) return null;
  const channel = target.kind === 'channel' ? target.channelId : await dmChannel(deps, record.thread!.teamId, token, target.slackUserId);
  return orphans.find((t) => t.channelId === channel) ?? null;
}
