// Writes a conversation into its Slack thread: opens the thread with the parent message, then
// posts the stored messages in seq order, once each. Runs under the conversation's lock, so any
// number of workers in any number of processes can call it for the same conversation.
import type { WorkerDeps } from './worker-deps.ts';
import type { ConversationRecord, ThreadMessage } from '../store/index.ts';
import type { Lock } from './thread-lock.ts';
import { ThreadBusyError, ThreadLockLostError } from './job-errors.ts';
import { consecutiveRun, nextThreadStep } from '../routing/thread-order.ts';
import { combinedThreadMessage, threadPosts, type SlackMessageBody } from '../slack/format/conversation-messages.ts';
import { SlackBudgetExhaustedError, postWhenBudgetAllows } from './paced-slack-api.ts';
import { deliverNotification } from './notification-delivery.ts';
import { scheduleFirstReminder } from './reminders.ts';
import { SlackApiError, connectionLostCodes } from '../slack/slack-errors.ts';
import { PlatformApiError } from '../platform/platform-api.ts';
import { assertNever } from '../errors.ts';

// Errors about this one message, not the thread: skip it (recorded) rather than block the thread.
const messageOnlyCodes = new Set(['msg_too_long', 'no_text', 'invalid_blocks']);
const PENDING_BATCH = 100;
/** At most this many chat messages in one combined Slack post (each is at least two blocks of 50). */
const MAX_COMBINED = 20;

export async function syncConversationThread(deps: WorkerDeps, orgId: string, conversationId: string): Promise<void> {
  const key = `thread:${orgId}:${conversationId}`;
  const lock = await deps.locks.tryAcquire(key);
  if (!lock) throw new ThreadBusyError(key);
  try {
    let record = await deps.store.conversations.get(orgId, conversationId);
    if (!record) return;
    if (!record.thread) {
      // Messages wait until we know the conversation (conversation.started, or a repair).
      if (!record.conversation) return;
      const opened = await openThread(deps, record);
      if (!opened) return;
      record = opened;
    }
    await postPendingMessages(deps, record, lock, key);
  } finally {
    await lock.release();
  }
}

/** Fetches the platform's view of the conversation and stores whatever we lack. */
export async function repairFromPlatform(deps: WorkerDeps, orgId: string, conversationId: string): Promise<'repaired' | 'unknown'> {
  try {
    const { conversation, messages } = await deps.platform.getConversation(orgId, conversationId);
    const now = deps.now();
    await deps.store.conversations.recordSnapshot(conversation, now);
    for (const message of messages) await deps.store.threadMessages.add(orgId, conversationId, message, now);
    return 'repaired';
  } catch (error) {
    if (error instanceof PlatformApiError && error.status === 404) return 'unknown';
    throw error;
  }
}

/** Sends the notification and stores the thread; the record as it now is, or null when there is no thread. */
async function openThread(deps: WorkerDeps, record: ConversationRecord): Promise<ConversationRecord | null> {
  const { orgId, conversationId } = record;
  const log = deps.logger.child({ orgId, conversationId });
  const installation = await deps.store.installations.findByOrg(orgId);
  const token = installation ? await deps.store.installations.botToken(installation.teamId) : null;
  if (!installation || !token) {
    await undeliverable(deps, record, 'Slack is not connected for this org');
    return null;
  }
  const delivered = await deliverNotification(deps, record, installation.teamId, token);
  if (!delivered.ok) {
    await undeliverable(deps, record, delivered.reason);
    return null;
  }
  const attached = await deps.store.conversations.attachThread(orgId, conversationId, delivered.thread, delivered.notification, deps.now());
  if (!attached) {
    log.error({ thread: delivered.thread }, 'conversation already had a thread: a second parent message was posted');
    return null;
  }
  await scheduleFirstReminder(deps, orgId, conversationId);
  log.info({ ...delivered.thread, rule: delivered.notification.rule, reason: delivered.notification.reason }, 'thread opened');
  return { ...record, thread: delivered.thread, notification: delivered.notification, undeliverableReason: null };
}

async function undeliverable(deps: WorkerDeps, record: ConversationRecord, reason: string): Promise<void> {
  await deps.store.conversations.markUndeliverable(record.orgId, record.conversationId, reason, deps.now());
  deps.logger.warn({ orgId: record.orgId, conversationId: record.conversationId, reason }, 'notification undeliverable');
}

async function postPendingMessages(deps: WorkerDeps, record: ConversationRecord, lock: Lock, key: string): Promise<void> {
  const { orgId, conversationId } = record;
  const thread = record.thread!;
  const token = await deps.store.installations.botToken(thread.teamId);
  if (!token) {
    await undeliverable(deps, record, 'Slack is not connected for this org');
    return;
  }
  let gapSince = record.gapSince;
  const backlogged = record.backlogged;
  let repaired = false;
  let lastSeq = await deps.store.threadMessages.lastHandledSeq(orgId, conversationId);
  let pending = await deps.store.threadMessages.pending(orgId, conversationId, PENDING_BATCH);

  for (;;) {
    const now = deps.now();
    const step = nextThreadStep({
      lastSeq,
      pendingSeqs: pending.map((m) => m.seq),
      gapSinceMs: gapSince?.getTime() ?? null,
      nowMs: now.getTime(),
      gapWaitMs: deps.threadGapWaitMs,
      repaired,
    });
    switch (step.kind) {
      case 'idle':
        if (gapSince) await deps.store.conversations.setGapSince(orgId, conversationId, null, now);
        if (backlogged) await deps.store.conversations.setBacklogged(orgId, conversationId, false, now);
        return;
      case 'wait':
        if (!gapSince) {
          gapSince = now;
          await deps.store.conversations.setGapSince(orgId, conversationId, now, now);
        }
        await deps.producer.scheduleThreadSync({ orgId, conversationId, cause: 'gap-wait' }, step.retryAtMs, now.getTime());
        return;
      case 'repair': {
        const result = await repairFromPlatform(deps, orgId, conversationId);
        deps.logger.info({ orgId, conversationId, missingSeq: step.missingSeq, result }, 'thread gap repaired from the platform');
        repaired = true;
        pending = await deps.store.threadMessages.pending(orgId, conversationId, PENDING_BATCH);
        break;
      }
      case 'handle': {
        if (step.skippedSeq !== null) {
          deps.logger.warn({ orgId, conversationId, missingSeq: step.skippedSeq, nextSeq: step.seq }, 'seq missing at the platform too: moving on');
        }
        // Behind the channel's budget, what queued up goes out as one post; otherwise one each.
        const runSeqs = step.late || !backlogged ? [step.seq] : consecutiveRun(pending.map((m) => m.seq), step.seq, MAX_COMBINED);
        const run = runSeqs.map((seq) => pending.find((m) => m.seq === seq)!);
        let handled: number[];
        try {
          handled = await handleMessages(deps, record, token, run, step.late);
        } catch (error) {
          if (error instanceof SlackBudgetExhaustedError && !backlogged) {
            await deps.store.conversations.setBacklogged(orgId, conversationId, true, deps.now());
          }
          throw error;
        }
        if (!(await lock.extend())) throw new ThreadLockLostError(key);
        lastSeq = Math.max(lastSeq ?? 0, ...handled);
        if (!step.late && gapSince) {
          gapSince = null;
          await deps.store.conversations.setGapSince(orgId, conversationId, null, deps.now());
          repaired = false;
        }
        pending = pending.filter((m) => !handled.includes(m.seq));
        if (pending.length === 0) pending = await deps.store.threadMessages.pending(orgId, conversationId, PENDING_BATCH);
        break;
      }
      default:
        assertNever(step, 'thread step');
    }
  }
}

/**
 * Posts `run` (consecutive pending messages, lowest seq first) into the thread, as one Slack
 * message when there are several. Returns the seqs it handled: a platform echo of a reply relayed
 * from Slack is skipped on its own, and a run stops before the next echo.
 */
async function handleMessages(deps: WorkerDeps, record: ConversationRecord, token: string, run: ThreadMessage[], late: boolean): Promise<number[]> {
  const { orgId, conversationId } = record;
  const isEcho = async ({ message }: ThreadMessage) =>
    message.origin === 'slack' && message.clientMessageId !== null && (await deps.store.relayedReplies.isRelayed(orgId, message.clientMessageId));
  if (await isEcho(run[0]!)) {
    await deps.store.threadMessages.markSkipped(orgId, conversationId, run[0]!.seq, 'relayed from Slack', deps.now());
    return [run[0]!.seq];
  }
  const postable: ThreadMessage[] = [run[0]!];
  for (const next of run.slice(1)) {
    if (await isEcho(next)) break;
    postable.push(next);
  }
  // One message: under its author's name, in as many posts as its length needs. Several: one post.
  let posts: SlackMessageBody[] = threadPosts(postable[0]!.message, { late });
  let count = 1;
  if (postable.length > 1) {
    const combined = combinedThreadMessage(postable.map((m) => m.message));
    posts = [combined.body];
    count = combined.count;
  }
  const sent = postable.slice(0, count);
  const thread = record.thread!;
  try {
    // Posting and recording the ts are two steps: a worker that dies between them reposts these
    // messages on retry. Slack has no idempotency key for chat.postMessage, and reading the thread
    // back to check is Tier 1, so this narrow window is accepted rather than risking a lost message.
    let posted = { ts: '' };
    for (const post of posts) posted = await postWhenBudgetAllows(deps.slack, token, { channel: thread.channelId, threadTs: thread.threadTs, ...post }, posts.length > 1 ? 60_000 : 0);
    for (const m of sent) await deps.store.threadMessages.markPosted(orgId, conversationId, m.seq, posted.ts, deps.now());
    return sent.map((m) => m.seq);
  } catch (error) {
    if (error instanceof SlackApiError && messageOnlyCodes.has(error.code)) {
      // A combined post is retried one message at a time, so only the message Slack refuses is skipped.
      if (sent.length > 1) return handleMessages(deps, record, token, [sent[0]!], late);
      deps.logger.error({ orgId, conversationId, seq: sent[0]!.seq, code: error.code }, 'Slack refused one message; skipped');
      await deps.store.threadMessages.markSkipped(orgId, conversationId, sent[0]!.seq, `slack:${error.code}`, deps.now());
      return [sent[0]!.seq];
    }
    if (error instanceof SlackApiError && connectionLostCodes.has(error.code)) {
      await undeliverable(deps, record, `Slack connection lost: ${error.code}`);
    }
    throw error;
  }
}
