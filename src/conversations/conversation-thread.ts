// Writes a conversation into its Slack threads: opens the primary thread with the parent message,
// then posts the stored messages in seq order, once each; opens the chat's other planned threads
// and brings each of them up to date with what the primary thread shows (docs/chat-threads-design.md).
// Runs under the conversation's lock, so any number of workers in any number of processes can
// call it for the same conversation.
import type { WorkerDeps } from './worker-deps.ts';
import type { ConversationRecord, MirrorThread, PlannedThread, SlackThreadRef, ThreadMessage } from '../store/index.ts';
import type { Lock } from '../locks/redis-locks.ts';
import { ThreadBusyError, ThreadLockLostError, SlackBudgetExhaustedError, SlackApiError, connectionLostCodes, contentRefusalCodes, PlatformApiError, assertNever } from '../errors/index.ts';
import { consecutiveRun, nextThreadStep } from '../routing/thread-order.ts';
import { combinedThreadMessage, threadPosts, type SlackMessageBody } from '../slack/format/conversation-messages.ts';
import { deliverNotification, dmChannel, openThreadAt, refusalOf, routingFacts } from './notification-delivery.ts';
import { postJoiningIfNeeded } from '../directory-sync/channel-membership.ts';
import { dmOwnerOf, threadsOf } from './chat-threads.ts';
import { parentStatus } from './parent-message.ts';
import { scheduleFirstReminder } from './reminder-schedule.ts';
import { undeliverableReasons } from '../routing/undeliverable-reasons.ts';

const PENDING_BATCH = 100;
/** Why the primary thread skipped a message it did not post: the rep wrote it in that thread. */
const WRITTEN_HERE = 'relayed from Slack';
/** At most this many chat messages in one combined Slack post (each is at least two blocks of 50). */
const MAX_COMBINED = 20;

/**
 * What one run of the thread writer carries: the record as last read, the bot token, and the
 * check it makes before every post that it still holds the chat's lock (a wait for Slack's
 * budget may outlast a lease; the lock is renewed meanwhile, and a post never goes out once it
 * was lost, so two workers never post the same message).
 */
interface ThreadWriter {
  deps: WorkerDeps;
  record: ConversationRecord;
  token: string;
  lock: Lock;
  key: string;
  stillHeld: () => Promise<void>;
  /** Up to this seq messages go out one at a time (Slack refused them combined). */
  soloThroughSeq: number | null;
}

function lockCheck(lock: Lock, key: string): () => Promise<void> {
  return async () => {
    if (lock.lost || !(await lock.extend())) throw new ThreadLockLostError(key);
  };
}

export interface SyncOptions {
  /**
   * The store's write of the message this job brings (`threadMessages.add`), started before the
   * sync: it runs while the lock is taken and the record read, and what the writer needs to know
   * of the pending messages is read next to the record once it is done (`earlyPending`).
   */
  stored?: Promise<ThreadMessage | null>;
}

/** What the sync learns of the pending messages beside the record read. */
type EarlyPending =
  | { kind: 'read'; pending: ThreadMessage[] }
  /** This job inserted its message; the thread's cursor as it stood under the lock. */
  | { kind: 'inserted'; message: ThreadMessage; cursor: number | null };

async function earlyPending(deps: WorkerDeps, orgId: string, conversationId: string, stored: Promise<ThreadMessage | null>): Promise<EarlyPending> {
  const inserted = await stored;
  if (inserted) return { kind: 'inserted', message: inserted, cursor: await threadCursor(deps, orgId, conversationId) };
  return { kind: 'read', pending: await deps.store.threadMessages.pending(orgId, conversationId, PENDING_BATCH) };
}

/**
 * The pending messages and cursor the writer may start from without reading them again, if any.
 * A message this job inserted, right after the cursor, in a thread with no gap and no backlog, is
 * the first of what a read would return: every lower seq is handled or was passed over (one of
 * those arriving late, still pending, comes after this message rather than before), and a higher
 * one that arrived meanwhile is in the read the writer makes after posting, as if it had arrived
 * after this read. One store round trip (the thread's pending messages, a query on FerretDB) fewer for
 * nearly every visitor message, in place of the cursor's copy in Redis.
 */
function startingPoint(early: EarlyPending | undefined, record: ConversationRecord): StartingPoint | undefined {
  if (!early) return undefined;
  if (early.kind === 'read') return { pending: early.pending };
  const next = early.cursor === null ? 1 : early.cursor + 1;
  if (record.gapSince || record.backlogged || early.message.seq !== next) return undefined;
  return { pending: [early.message], cursor: early.cursor };
}

interface StartingPoint {
  pending: ThreadMessage[];
  /** The cursor when known already (read under this lock); otherwise the writer reads it. */
  cursor?: number | null;
}

/**
 * Writes the chat's threads up to date. Returns the record as it was read under the lock (null
 * when the store has none), so that a caller deciding what else to do (a message of an unknown
 * or ended chat) need not read it a second time.
 */
export async function syncConversationThread(deps: WorkerDeps, orgId: string, conversationId: string, options: SyncOptions = {}): Promise<ConversationRecord | null> {
  const key = `thread:${orgId}:${conversationId}`;
  const lock = await deps.locks.tryAcquire(key);
  if (!lock) {
    // The holder (or the sync handed over to) must find the message in the store.
    await options.stored;
    throw new ThreadBusyError(key);
  }
  lock.renewWhileHeld();
  const stillHeld = lockCheck(lock, key);
  try {
    // Read under the lock, so no earlier holder is still posting what it returns.
    const [read, early] = await Promise.all([
      deps.store.conversations.get(orgId, conversationId),
      options.stored ? earlyPending(deps, orgId, conversationId, options.stored) : undefined,
    ]);
    if (!read) return null;
    let record = read;
    if (!record.thread) {
      // Messages wait until we know the conversation (conversation.started, or a repair).
      if (!record.conversation) return read;
      const opened = await openThread(deps, record, stillHeld);
      if (!opened) return read;
      record = opened;
    }
    const token = await deps.store.installations.botToken(record.thread!.teamId);
    if (!token) {
      await undeliverable(deps, record, undeliverableReasons.notConnected());
      return read;
    }
    const writer: ThreadWriter = { deps, record, token, lock, key, stillHeld, soloThroughSeq: record.soloThroughSeq };
    // The early read stands only if nothing was opened since: opening threads reads and writes what they show.
    const untouched = record === read && record.plannedThreads.length === 0;
    if (record.plannedThreads.length > 0) writer.record = record = await openPlannedThreads(writer);
    let primaryFailure: unknown = null;
    try {
      await postPendingMessages(writer, untouched ? startingPoint(early, record) : undefined);
    } catch (error) {
      // Behind the primary channel's budget: the other threads still show what it has shown.
      if (!(error instanceof SlackBudgetExhaustedError)) throw error;
      primaryFailure = error;
    }
    try {
      await catchUpMirrors(writer);
    } catch (error) {
      if (!(primaryFailure && error instanceof SlackBudgetExhaustedError)) throw error;
    }
    if (primaryFailure) throw primaryFailure;
    return read;
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
async function openThread(deps: WorkerDeps, record: ConversationRecord, stillHeld: () => Promise<void>): Promise<ConversationRecord | null> {
  const { orgId, conversationId } = record;
  const log = deps.logger.child({ orgId, conversationId });
  // Read side by side, the routing facts too: each is a round trip on the path to the chat's first post.
  // The settings once, for the routing and the first reminder.
  const settings = deps.store.orgSettings.get(orgId);
  const facts = routingFacts(deps, record, settings);
  // Awaited below only when a notification is sent (or a reminder scheduled); a failure is thrown there.
  facts.catch(() => undefined);
  settings.catch(() => undefined);
  const [installation, claimed] = await Promise.all([deps.store.installations.findByOrg(orgId), deps.store.conversations.claimedThread(orgId, conversationId)]);
  const token = installation ? await deps.store.installations.botToken(installation.teamId) : null;
  if (!installation || !token) {
    await undeliverable(deps, record, undeliverableReasons.notConnected());
    return null;
  }
  // A job that died after claiming the thread but before recording it: finish that, post nothing new.
  if (claimed) {
    await deps.store.conversations.settleThread(orgId, conversationId, claimed, deps.now());
    await scheduleFirstReminder(deps, orgId, conversationId, settings);
    log.info({ ...claimed.thread }, 'thread claimed by a job that died: recorded');
    return { ...record, thread: claimed.thread, notification: claimed.notification, plannedThreads: claimed.planned, undeliverableReason: null };
  }
  const delivered = await deliverNotification(deps, record, installation.teamId, token, stillHeld, facts);
  if (!delivered.ok) {
    await undeliverable(deps, record, delivered.reason);
    return null;
  }
  const attached = await deps.store.conversations.attachThread(orgId, conversationId, delivered.thread, delivered.notification, delivered.planned, deps.now());
  if (!attached) {
    log.error({ thread: delivered.thread }, 'conversation already had a thread: a second parent message was posted');
    return null;
  }
  await scheduleFirstReminder(deps, orgId, conversationId, settings);
  log.info({ ...delivered.thread, rule: delivered.notification.rule, reason: delivered.notification.reason, moreThreads: delivered.planned.length }, 'thread opened');
  return { ...record, thread: delivered.thread, notification: delivered.notification, plannedThreads: delivered.planned, undeliverableReason: null };
}

/**
 * Opens the chat's planned threads (the notification's other targets, an escalation, an
 * assignee's DM), each recorded as soon as its parent is posted; a target Slack refuses is
 * dropped. Returns the record as it now is.
 */
async function openPlannedThreads(w: ThreadWriter): Promise<ConversationRecord> {
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
      opened = orphan ?? await openThreadAt(deps, record, teamId, token, next.target, next.notification, parentStatus(record, deps.now().getTime()), w.stillHeld);
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
    if (!(await lock.extend())) throw new ThreadLockLostError(key);
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

async function undeliverable(deps: WorkerDeps, record: ConversationRecord, reason: string): Promise<void> {
  await deps.store.conversations.markUndeliverable(record.orgId, record.conversationId, reason, deps.now());
  deps.logger.warn({ orgId: record.orgId, conversationId: record.conversationId, reason }, 'notification undeliverable');
}

/** `start`: the pending messages (and the cursor) as known under this same lock, before anything was posted. */
async function postPendingMessages(w: ThreadWriter, start?: StartingPoint): Promise<void> {
  const { deps, record, lock, key } = w;
  const { orgId, conversationId } = record;
  let gapSince = record.gapSince;
  const backlogged = record.backlogged;
  let repaired = false;
  let pending = start?.pending ?? (await deps.store.threadMessages.pending(orgId, conversationId, PENDING_BATCH));
  // Nothing pending needs no cursor (the writer is idle): spare the read.
  let lastSeq = start?.cursor !== undefined ? start.cursor : pending.length > 0 ? await threadCursor(deps, orgId, conversationId) : null;
  // The cursor's copy in Redis is forgotten before this run's first mark, and kept when it ends.
  let copyForgotten = false;
  const keepCopy = async () => {
    if (copyForgotten && lastSeq !== null) await deps.threadCursors.keep(orgId, conversationId, lastSeq);
  };

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
        await keepCopy();
        if (gapSince) await deps.store.conversations.setGapSince(orgId, conversationId, null, now);
        if (backlogged) await deps.store.conversations.setBacklogged(orgId, conversationId, false, now);
        return;
      case 'wait':
        await keepCopy();
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
        // Behind the channel's budget, what queued up goes out as one post; otherwise one each
        // (and one each where Slack refused them combined).
        const solo = step.late || !backlogged || (w.soloThroughSeq !== null && step.seq <= w.soloThroughSeq);
        const runSeqs = solo ? [step.seq] : consecutiveRun(pending.map((m) => m.seq), step.seq, MAX_COMBINED);
        const run = runSeqs.map((seq) => pending.find((m) => m.seq === seq)!);
        if (!copyForgotten) {
          await deps.threadCursors.forget(orgId, conversationId);
          copyForgotten = true;
        }
        let handled: number[];
        try {
          handled = await handleMessages(w, run, step.late);
        } catch (error) {
          if (error instanceof SlackBudgetExhaustedError) {
            // Refused before this step's mark (earlier steps are in lastSeq; a late message's
            // mirrors come after its mark but leave lastSeq as it was): the copy is the store's cursor.
            await keepCopy();
            if (!backlogged) await deps.store.conversations.setBacklogged(orgId, conversationId, true, deps.now());
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

/** The primary thread's cursor: its copy in Redis when there is one, else derived from the stored messages (and copied). */
async function threadCursor(deps: WorkerDeps, orgId: string, conversationId: string): Promise<number | null> {
  const copy = await deps.threadCursors.read(orgId, conversationId);
  if (copy !== null) return copy;
  const derived = await deps.store.threadMessages.lastHandledSeq(orgId, conversationId);
  if (derived !== null) await deps.threadCursors.keep(orgId, conversationId, derived);
  return derived;
}

/** Whether a stored message was a rep's reply written in this very thread (its platform echo). */
async function writtenIn(deps: WorkerDeps, orgId: string, { message }: ThreadMessage, thread: Pick<SlackThreadRef, 'channelId' | 'threadTs'>): Promise<boolean> {
  if (message.origin !== 'slack' || message.clientMessageId === null) return false;
  const from = await deps.store.relayedReplies.relayedFrom(orgId, message.clientMessageId);
  // Records from before the chat could have several threads name the channel only.
  return Boolean(from && from.channelId === thread.channelId && (from.threadTs === null || from.threadTs === thread.threadTs));
}

type PostOutcome = { posted: number; ts: string; plainText: boolean } | { refused: string };

/**
 * Posts consecutive messages into one thread: one message under its author's name, in as many
 * posts as its length needs; several as one combined post (as many as fit). Slack refusing the
 * content (too long, invalid blocks) is an outcome, not an error: a single message refused with
 * its blocks goes out as plain text (src/slack/slack-api.ts), and one refused even so is left
 * out; a refused combined post is never sent again combined: its messages go one at a time from
 * now on, also after a retry of the job, so only the one Slack refuses is left out and the thread
 * never waits on a post Slack will always refuse.
 */
async function postMessagesInto(w: ThreadWriter, thread: SlackThreadRef, messages: ThreadMessage[], late: boolean): Promise<PostOutcome> {
  const { deps, token, record } = w;
  let posts: Array<SlackMessageBody & { plainFallback?: boolean }> = threadPosts(messages[0]!.message, { late });
  let count = 1;
  if (messages.length > 1) {
    const combined = combinedThreadMessage(messages.map((m) => m.message));
    // A first message too long to share a post goes alone, in its own parts.
    if (combined.count > 1) {
      posts = [{ ...combined.body, plainFallback: false }];
      count = combined.count;
    }
  }
  try {
    // Posting and recording are two steps: a worker that dies between them reposts these
    // messages on retry. Slack has no idempotency key for chat.postMessage, and reading the thread
    // back to check is Tier 1, so this narrow window is accepted rather than risking a lost message.
    let posted: { ts: string; plainText?: true } = { ts: '' };
    let plainText = false;
    for (const post of posts) {
      posted = await postJoiningIfNeeded(deps, thread.teamId, token, { channel: thread.channelId, threadTs: thread.threadTs, ...post }, posts.length > 1 ? 60_000 : 0, w.stillHeld);
      plainText ||= posted.plainText === true;
    }
    if (count > 1) deps.observe?.combinedPost(count);
    return { posted: count, ts: posted.ts, plainText };
  } catch (error) {
    if (error instanceof SlackApiError && contentRefusalCodes.has(error.code)) {
      if (count > 1) {
        const through = messages[count - 1]!.seq;
        w.soloThroughSeq = Math.max(w.soloThroughSeq ?? 0, through);
        await deps.store.conversations.setSoloThrough(record.orgId, record.conversationId, w.soloThroughSeq, deps.now());
        deps.logger.warn({ orgId: record.orgId, conversationId: record.conversationId, code: error.code, fromSeq: messages[0]!.seq, through }, 'Slack refused a combined post; its messages go one at a time');
        return postMessagesInto(w, thread, [messages[0]!], late);
      }
      return { refused: error.code };
    }
    throw error;
  }
}

/**
 * Posts `run` (consecutive pending messages, lowest seq first) into the primary thread, as one
 * Slack message when there are several. Returns the seqs it handled: a rep's reply written in
 * this thread is skipped (its author's words are there already), and a run stops before the
 * next such reply. A late message also goes into the other threads that are past its seq.
 */
async function handleMessages(w: ThreadWriter, run: ThreadMessage[], late: boolean): Promise<number[]> {
  const { deps, record } = w;
  const { orgId, conversationId } = record;
  const thread = record.thread!;
  if (await writtenIn(deps, orgId, run[0]!, thread)) {
    await deps.store.threadMessages.markSkipped(orgId, conversationId, run[0]!.seq, WRITTEN_HERE, deps.now());
    return [run[0]!.seq];
  }
  const postable: ThreadMessage[] = [run[0]!];
  for (const next of run.slice(1)) {
    if (await writtenIn(deps, orgId, next, thread)) break;
    postable.push(next);
  }
  try {
    const outcome = await postMessagesInto(w, thread, postable, late);
    if ('refused' in outcome) {
      deps.logger.error({ orgId, conversationId, seq: postable[0]!.seq, code: outcome.refused }, 'Slack refused one message; skipped');
      await deps.store.threadMessages.markSkipped(orgId, conversationId, postable[0]!.seq, `slack:${outcome.refused}`, deps.now());
      return [postable[0]!.seq];
    }
    const sent = postable.slice(0, outcome.posted);
    if (outcome.plainText) deps.logger.warn({ orgId, conversationId, seq: sent[0]!.seq }, 'Slack refused the message’s blocks; posted as plain text');
    for (const m of sent) await deps.store.threadMessages.markPosted(orgId, conversationId, m.seq, outcome.ts, deps.now());
    if (late) await postLateIntoMirrors(w, sent);
    return sent.map((m) => m.seq);
  } catch (error) {
    if (error instanceof SlackApiError && connectionLostCodes.has(error.code)) {
      await undeliverable(deps, record, undeliverableReasons.connectionLost(error.code));
    }
    throw error;
  }
}

/** A message that arrived after its gap was given up on: the threads already past it get it now. */
async function postLateIntoMirrors(w: ThreadWriter, messages: ThreadMessage[]): Promise<void> {
  const { deps, record } = w;
  for (const message of messages) {
    for (const mirror of record.mirrors) {
      if ((mirror.shownThroughSeq ?? 0) < message.seq || (await writtenIn(deps, record.orgId, message, mirror.ref))) continue;
      await postMessagesInto(w, mirror.ref, [message], true);
    }
  }
}

/** Whether a message the primary thread handled belongs in another thread of the chat. */
async function showsInMirror(deps: WorkerDeps, orgId: string, message: ThreadMessage, mirror: MirrorThread): Promise<boolean> {
  // Refused by Slack as it is: it would be refused there too.
  if (message.state === 'skipped' && message.skipReason !== WRITTEN_HERE) return false;
  return !(await writtenIn(deps, orgId, message, mirror.ref));
}

/**
 * Brings every other thread of the chat up to what the primary thread has handled, in seq order:
 * a thread opened late gets the conversation so far (combined posts), then each message as it
 * comes. Each thread's progress is recorded after each post.
 */
async function catchUpMirrors(w: ThreadWriter): Promise<void> {
  const { deps, record, lock, key } = w;
  const { orgId, conversationId } = record;
  const mirrors = [...record.mirrors];
  for (let i = 0; i < mirrors.length; i++) {
    for (;;) {
      const mirror = mirrors[i]!;
      const handled = await deps.store.threadMessages.handledAfter(orgId, conversationId, mirror.shownThroughSeq ?? -1, PENDING_BATCH);
      if (handled.length === 0) break;
      let cursor = mirror.shownThroughSeq;
      let at = 0;
      // Messages that do not belong in this thread only move its cursor.
      while (at < handled.length && !(await showsInMirror(deps, orgId, handled[at]!, mirror))) cursor = handled[at++]!.seq;
      if (at < handled.length) {
        const run = [handled[at]!];
        const solo = w.soloThroughSeq !== null && run[0]!.seq <= w.soloThroughSeq;
        while (!solo && at + run.length < handled.length && run.length < MAX_COMBINED && (await showsInMirror(deps, orgId, handled[at + run.length]!, mirror))) {
          run.push(handled[at + run.length]!);
        }
        const outcome = await postMessagesInto(w, mirror.ref, run, false);
        cursor = run['posted' in outcome ? outcome.posted - 1 : 0]!.seq;
        if ('refused' in outcome) deps.logger.error({ orgId, conversationId, seq: cursor, code: outcome.refused, thread: mirror.ref }, 'Slack refused one message in another thread of the chat; skipped there');
      }
      mirrors[i] = { ...mirror, shownThroughSeq: cursor };
      await deps.store.conversations.setMirrors(orgId, conversationId, mirrors, [], deps.now());
      if (!(await lock.extend())) throw new ThreadLockLostError(key);
    }
  }
}

/**
 * Plans more threads for the chat (an escalation, an assignee's DM) and opens them now, with the
 * conversation so far. A target that already has a thread of the chat, or is planned, is left
 * out; threads planned earlier and not open yet, or open and not up to date (a job that died
 * half-way), are seen to as well. Returns how many new threads were planned.
 */
export async function addThreads(deps: WorkerDeps, orgId: string, conversationId: string, wanted: PlannedThread[]): Promise<number> {
  const key = `thread:${orgId}:${conversationId}`;
  const lock = await deps.locks.tryAcquire(key);
  if (!lock) throw new ThreadBusyError(key);
  lock.renewWhileHeld();
  let added: PlannedThread[];
  try {
    const record = await deps.store.conversations.get(orgId, conversationId);
    if (!record?.thread) return 0;
    const threads = threadsOf(record);
    const taken = (target: PlannedThread['target']) =>
      target.kind === 'channel'
        ? threads.some((t) => t.ref.channelId === target.channelId) || record.plannedThreads.some((p) => p.target.kind === 'channel' && p.target.channelId === target.channelId)
        : threads.some((t) => dmOwnerOf(t) === target.slackUserId) || record.plannedThreads.some((p) => p.target.kind === 'dm' && p.target.slackUserId === target.slackUserId);
    added = wanted.filter((w, i) => !taken(w.target) && wanted.findIndex((o) => JSON.stringify(o.target) === JSON.stringify(w.target)) === i);
    if (added.length > 0) await deps.store.conversations.setMirrors(orgId, conversationId, record.mirrors, [...record.plannedThreads, ...added], deps.now());
  } finally {
    await lock.release();
  }
  // Written even when nothing new was planned: a job that died after planning, or after opening a
  // thread and before bringing it up to date, left that to this sync.
  try {
    await syncConversationThread(deps, orgId, conversationId);
  } catch (error) {
    // The plan is recorded: whoever writes the chat's threads next carries it out. Someone else
    // is writing them now, or a channel's budget is spent: a sync is scheduled for then, and the
    // caller (an escalation, an assignment) is done.
    if (!(error instanceof ThreadBusyError || error instanceof SlackBudgetExhaustedError)) throw error;
    const now = deps.now().getTime();
    const waitMs = error instanceof SlackBudgetExhaustedError ? error.waitMs : 500;
    await deps.producer.scheduleThreadSync({ orgId, conversationId, cause: 'retry' }, now + waitMs + 100, now);
  }
  return added.length;
}
