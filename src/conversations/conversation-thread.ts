// Writes a conversation into its Slack threads: opens the primary thread with the parent message,
// then posts the stored messages in seq order, once each; opens the chat's other planned threads
// and brings each of them up to date with what the primary thread shows (docs/chat-threads-design.md).
// Runs under the conversation's lock, so any number of workers in any number of processes can
// call it for the same conversation. This module takes the lock and runs the steps, and writes
// the primary thread (seq order, gaps waited for, repaired from the platform, then skipped);
// opening threads is in thread-opening.ts, the other threads in mirror-threads.ts, what the
// steps share in thread-writer.ts.
import type { ConversationDeps } from './conversation-deps.ts';
import type { ConversationRecord, OrgSettings, PlannedThread, ThreadMessage, ThreadMessageMark } from '../store/index.ts';
import type { Message } from '../platform/webhook-events.ts';
import {
  ThreadBusyError,
  ThreadLockLostError,
  SlackBudgetExhaustedError,
  SlackApiError,
  connectionLostCodes,
  PlatformApiError,
  assertNever,
} from '../errors/index.ts';
import { consecutiveRun, nextThreadStep } from '../routing/thread-order.ts';
import { dmOwnerOf, threadsOf } from './chat-threads.ts';
import { undeliverableReasons } from '../routing/undeliverable-reasons.ts';
import { MAX_COMBINED, PENDING_BATCH, WRITTEN_HERE, lockCheck, postMessagesInto, undeliverable, writtenIn, type ThreadWriter } from './thread-writer.ts';
import { openPlannedThreads, openThread } from './thread-opening.ts';
import { catchUpMirrors, postLateIntoMirrors } from './mirror-threads.ts';

export type ConversationThreadDeps = Pick<
  ConversationDeps,
  'store' | 'slack' | 'platform' | 'producer' | 'locks' | 'logger' | 'now' | 'threadGapWaitMs' | 'directoryCache' | 'callBudget' | 'threadCursors' | 'observe'
>;

export interface SyncOptions {
  /**
   * The message this job brings (message.created), for the sync to store: under the lock, when it
   * is the thread's next and nothing stands in its way, posted first and stored as handled in one
   * insert (`broughtAlone`); otherwise stored first, as any other, and the writer starts from it.
   */
  message?: Message;
  /**
   * The message this job stored already, pending, as `threadMessages.add` returned it (a message
   * whose job asked whether the chat's next one waited behind it, and found none: chat-event.processor.ts's
   * bringMessage): the writer starts from it as from one the sync inserted. Never with `message`.
   */
  stored?: ThreadMessage;
  /** The org's settings as this job already reads them (a chat start's activity fact): read once, for the routing too. */
  settings?: Promise<OrgSettings | null>;
}

/** What the sync learns of the pending messages beside the record read. */
type EarlyPending =
  | { kind: 'read'; pending: ThreadMessage[] }
  /** This job inserted its message; the thread's cursor as it stood under the lock. */
  | { kind: 'inserted'; message: ThreadMessage; cursor: number | null }
  /** This job's message, not stored yet: the thread's next, to be stored once handled (`broughtAlone`). */
  | { kind: 'unstored'; message: ThreadMessage; cursor: number | null };

/** A message as `threadMessages.add` stores it, pending. */
function asPending(orgId: string, conversationId: string, message: Message): ThreadMessage {
  return { orgId, conversationId, seq: message.seq, message, state: 'pending', slackTs: null, skipReason: null };
}

/** The brought message stored the usual way, and what the writer may start from. */
async function storeBrought(
  deps: ConversationThreadDeps,
  orgId: string,
  conversationId: string,
  message: Message,
  cursor: number | null,
): Promise<EarlyPending> {
  const inserted = await deps.store.threadMessages.add(orgId, conversationId, message, deps.now());
  if (inserted) return { kind: 'inserted', message: inserted, cursor };
  return { kind: 'read', pending: await deps.store.threadMessages.pending(orgId, conversationId, PENDING_BATCH) };
}

/** Whether `seq` comes right after the cursor in a thread with no gap and no backlog (startingPoint). */
function nextInLine(record: ConversationRecord, cursor: number | null, seq: number): boolean {
  return !record.gapSince && !record.backlogged && seq === (cursor === null ? 1 : cursor + 1);
}

/**
 * Whether the brought message may be posted before it is stored: the thread's next (nextInLine),
 * in a thread that is open and has nothing to open first. One store write (the insert of it as
 * handled) instead of two (its insert, then its mark). Until that insert the job itself carries
 * the message: a job that dies before it is retried, and stores it then; one that dies between
 * the post and the insert posts it again on retry, as one dying between a post and its mark does.
 * Every way out of the sync before the insert stores it as pending (syncConversationThread).
 * The store is pinged before the post (`reachable`): the record and the cursor may have come from
 * memory and Redis, and a post made while the store is down could not be recorded, so every
 * message of an outage would go out twice (the FerretDB outage test). A ping (shared by the jobs
 * that ask at once) costs the store far less than the mark it replaces. A store that answers pings
 * and refuses writes is met by the caller's other two conditions: only a cursor from a kept copy
 * (a run that failed after its post forgot it), and not while this process's writes fail.
 */
function broughtAlone(record: ConversationRecord, cursor: number | null, seq: number): boolean {
  return record.thread !== null && record.plannedThreads.length === 0 && nextInLine(record, cursor, seq);
}

/**
 * The pending messages and cursor the writer may start from without reading them again, if any.
 * A message this job inserted, right after the cursor, in a thread with no gap and no backlog, is
 * the first of what a read would return: every lower seq is handled or was passed over (one of
 * those arriving late, still pending, comes after this message rather than before). One store
 * round trip (the thread's pending messages, a query on FerretDB) fewer for nearly every visitor
 * message, in place of the cursor's copy in Redis.
 *
 * Nor does such a run read the pending messages again once it has posted this one (`alone`): any
 * other message stored meanwhile is another job's to bring to the thread, after this one. Each
 * writer of `thread_messages` leaves it so:
 * - `message.created` (this module's `message`): its job takes the lock and, under it, reads after
 *   its own insert is done, or starts from its message (stored first, or, `broughtAlone`, stored
 *   once handled, before the lock is released); or it finds the lock taken, waits for its insert,
 *   and hands a sync over (`syncThreadAfterHolder`): deduplicated into one that has not read yet,
 *   or, with `keepLastIfActive`, kept for after the one running; a sync that finds the lock still
 *   taken is delayed, not dropped. A job that dies before either is retried: its insert then
 *   returns null and it reads (or its message was never stored, and it starts again).
 * - A redelivery (the insert returns null) reads under the lock like any sync: never `alone`.
 * - A message left for the chat's next one (chat-event.processor.ts's bringMessage) is stored
 *   outside the lock, and left only while the next message's job waits in the queue: that job has
 *   read nothing yet, and its message is not next while this one is pending, so its sync reads.
 *   Found not waiting, the job syncs itself, from its stored message (`stored`) as from an insert.
 * - `repairFromPlatform`: under the lock, the writer's repair step reads right after it; in a
 *   thread-sync job, before the sync that job then runs (or is retried for, when busy), which reads.
 * - A message stored earlier and left waiting on a gap set `gapSince` under the lock (its job's
 *   wait step, or the job's retry), and a gap leaves this path out; one queued behind the
 *   channel's budget is `backlogged` and between the cursor and this message, which is then not next.
 * - `conversation.started`, thread-sync, org-change and added-thread syncs store no message; they
 *   read under the lock.
 */
function startingPoint(early: EarlyPending | undefined, record: ConversationRecord): StartingPoint | undefined {
  if (!early) return undefined;
  if (early.kind === 'read') return { pending: early.pending };
  if (!nextInLine(record, early.cursor, early.message.seq)) return undefined;
  return { pending: [early.message], cursor: early.cursor, alone: true };
}

interface StartingPoint {
  pending: ThreadMessage[];
  /** The cursor when known already (read under this lock); otherwise the writer reads it. */
  cursor?: number | null;
  /** Once these are handled the run is done: whatever else is pending is another job's (startingPoint). */
  alone?: true;
}

/**
 * Writes the chat's threads up to date. Returns the record as it was read under the lock (null
 * when the store has none), so that a caller deciding what else to do (a message of an unknown
 * or ended chat) need not read it a second time.
 */
export async function syncConversationThread(
  deps: ConversationThreadDeps,
  orgId: string,
  conversationId: string,
  options: SyncOptions = {},
): Promise<ConversationRecord | null> {
  const key = `thread:${orgId}:${conversationId}`;
  const brought = options.message;
  const lock = await deps.locks.tryAcquire(key);
  if (!lock) {
    // The holder (or the sync handed over to) must find the message in the store.
    if (brought) await deps.store.threadMessages.add(orgId, conversationId, brought, deps.now());
    throw new ThreadBusyError(key);
  }
  lock.renewWhileHeld();
  const stillHeld = lockCheck(lock, key);
  // The brought message while it is stored nowhere (broughtAlone): here until the writer takes it
  // over (which clears it once it has stored it handled), and stored as pending by
  // storeIfUnstored on every other way out, the one place that does.
  let unstored: Message | null = null;
  let writer: ThreadWriter | undefined;
  const storeIfUnstored = async () => {
    const message = writer ? writer.unstored : unstored;
    unstored = null;
    if (writer) writer.unstored = null;
    if (message) await deps.store.threadMessages.add(orgId, conversationId, message, deps.now());
  };
  try {
    // Read under the lock, so no earlier holder is still posting what it returns.
    const [read, known] = await Promise.all([
      deps.store.conversations.get(orgId, conversationId),
      brought || options.stored ? knownCursor(deps, orgId, conversationId) : undefined,
    ]);
    let early: EarlyPending | undefined;
    if (options.stored && known) early = { kind: 'inserted', message: options.stored, cursor: known.cursor };
    else if (brought && known) {
      const { cursor, copied } = known;
      // Only from a kept copy: a copy missing may be a run that failed after its post, whose message
      // is then stored before it goes out again; and never while writes fail here.
      if (read && copied && !deps.store.threadMessages.lastWriteFailed() && broughtAlone(read, cursor, brought.seq)) {
        // Read from memory and Redis so far: the store must be up before Slack gets the post.
        await deps.store.threadMessages.reachable();
        unstored = brought;
        early = { kind: 'unstored', message: asPending(orgId, conversationId, brought), cursor };
      } else early = await storeBrought(deps, orgId, conversationId, brought, cursor);
    }
    if (!read) return null;
    let record = read;
    // The bot token the thread's parent went out with, when this run opened it: not read twice.
    let openedWith: string | null = null;
    if (!record.thread) {
      // Messages wait until we know the conversation (conversation.started, or a repair).
      if (!record.conversation) return read;
      const opened = await openThread(deps, record, stillHeld, options.settings);
      if (!opened) return read;
      ({ record, token: openedWith } = opened);
      // A thread this job just claimed has handled nothing (messages are marked only in a chat's
      // thread, and its claim is inserted once): the cursor's copy says so, sparing the chat's first
      // message the derivation.
      await deps.threadCursors.keep(orgId, conversationId, null);
    }
    const token = openedWith ?? (await deps.store.installations.botToken(record.thread!.teamId, record.orgId));
    if (!token) {
      await undeliverable(deps, record, undeliverableReasons.notConnected());
      return read;
    }
    writer = { deps, record, token, lock, key, stillHeld, soloThroughSeq: record.soloThroughSeq, unstored };
    unstored = null; // the writer's now
    // The early read stands only if nothing was opened since: opening threads reads and writes what they show.
    const untouched = record === read && record.plannedThreads.length === 0;
    if (record.plannedThreads.length > 0) writer.record = record = await openPlannedThreads(writer);
    let primaryFailure: unknown = null;
    try {
      await postPendingMessages(writer, untouched ? startingPoint(early, record) : undefined);
    } catch (error) {
      await storeIfUnstored();
      // Behind the primary channel's budget: the other threads still show what it has shown.
      if (!(error instanceof SlackBudgetExhaustedError)) throw error;
      primaryFailure = error;
    }
    await storeIfUnstored();
    try {
      await catchUpMirrors(writer);
    } catch (error) {
      if (!(primaryFailure && error instanceof SlackBudgetExhaustedError)) throw error;
    }
    if (primaryFailure) throw primaryFailure;
    return read;
  } finally {
    // Any way out not stored yet (no token: the chat is undeliverable; a throw); the lock released whatever that write does.
    try {
      await storeIfUnstored();
    } finally {
      await lock.release();
    }
  }
}

/** Fetches the platform's view of the conversation and stores whatever we lack. */
export async function repairFromPlatform(deps: ConversationThreadDeps, orgId: string, conversationId: string): Promise<'repaired' | 'unknown'> {
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

/** `start`: the pending messages (and the cursor) as known under this same lock, before anything was posted. */
async function postPendingMessages(w: ThreadWriter, start?: StartingPoint): Promise<void> {
  const { deps, record, lock, key } = w;
  const { orgId, conversationId } = record;
  let gapSince = record.gapSince;
  const backlogged = record.backlogged;
  let repaired = false;
  let pending = start?.pending ?? (await deps.store.threadMessages.pending(orgId, conversationId, PENDING_BATCH));
  const readMore = !start?.alone;
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
        // Group commit: what queued up meanwhile (behind the channel's budget, behind another job
        // holding the chat's lock) goes out as one post, marked in one write; a message found
        // alone goes alone. One each where Slack refused them combined, and a late one alone.
        const solo = step.late || (w.soloThroughSeq !== null && step.seq <= w.soloThroughSeq);
        const runSeqs = solo
          ? [step.seq]
          : consecutiveRun(
              pending.map((m) => m.seq),
              step.seq,
              MAX_COMBINED,
            );
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
        if (!(await lock.confirm())) throw new ThreadLockLostError(key);
        lastSeq = Math.max(lastSeq ?? 0, ...handled);
        if (!step.late && gapSince) {
          gapSince = null;
          await deps.store.conversations.setGapSince(orgId, conversationId, null, deps.now());
          repaired = false;
        }
        pending = pending.filter((m) => !handled.includes(m.seq));
        if (pending.length === 0 && readMore) pending = await deps.store.threadMessages.pending(orgId, conversationId, PENDING_BATCH);
        break;
      }
      default:
        assertNever(step, 'thread step');
    }
  }
}

/** The primary thread's cursor: its copy in Redis when there is one, else derived from the stored messages (and copied). */
async function threadCursor(deps: ConversationThreadDeps, orgId: string, conversationId: string): Promise<number | null> {
  return (await knownCursor(deps, orgId, conversationId)).cursor;
}

/** threadCursor, and whether it came from a kept copy (true) or was derived now (false). */
async function knownCursor(deps: ConversationThreadDeps, orgId: string, conversationId: string): Promise<{ cursor: number | null; copied: boolean }> {
  const copy = await deps.threadCursors.read(orgId, conversationId);
  if (copy !== undefined) return { cursor: copy, copied: true };
  const derived = await deps.store.threadMessages.lastHandledSeq(orgId, conversationId);
  await deps.threadCursors.keep(orgId, conversationId, derived);
  return { cursor: derived, copied: false };
}

/**
 * Posts `run` (consecutive pending messages, lowest seq first) into the primary thread, as one
 * Slack message when there are several, and records what became of them in one write right after
 * that post: a worker dying in between posts this one post again, never more. A rep's reply
 * written in this thread is skipped (its author's words are there already): those at the head of
 * the run are marked with the post, and the post stops before the next one. Returns the seqs it
 * handled. A late message also goes into the other threads that are past its seq.
 */
async function handleMessages(w: ThreadWriter, run: ThreadMessage[], late: boolean): Promise<number[]> {
  const { deps, record } = w;
  const { orgId, conversationId } = record;
  const thread = record.thread!;
  // A read each for those relayed from Slack (none for a visitor's), side by side.
  const written = await Promise.all(run.map((m) => writtenIn(deps, orgId, m, thread)));
  const firstPostable = written.indexOf(false);
  const marks: ThreadMessageMark[] = run.slice(0, firstPostable === -1 ? run.length : firstPostable).map((m) => ({ seq: m.seq, skipReason: WRITTEN_HERE }));
  const done = async () => {
    const now = deps.now();
    // The brought message (broughtAlone) is stored here, handled, in one insert.
    const brought = w.unstored ? marks.find((m) => m.seq === w.unstored!.seq) : undefined;
    if (brought && w.unstored) {
      await deps.store.threadMessages.addHandled(orgId, conversationId, w.unstored, brought, now);
      w.unstored = null;
    }
    const others = brought ? marks.filter((m) => m !== brought) : marks;
    if (others.length > 0) await deps.store.threadMessages.markHandled(orgId, conversationId, others, now);
    return marks.map((m) => m.seq);
  };
  if (firstPostable === -1) return done();
  const nextWritten = written.indexOf(true, firstPostable);
  const postable = run.slice(firstPostable, nextWritten === -1 ? run.length : nextWritten);
  try {
    const outcome = await postMessagesInto(w, thread, postable, late);
    if ('refused' in outcome) {
      deps.logger.error({ orgId, conversationId, seq: postable[0]!.seq, code: outcome.refused }, 'Slack refused one message; skipped');
      marks.push({ seq: postable[0]!.seq, skipReason: `slack:${outcome.refused}` });
      return await done();
    }
    const sent = postable.slice(0, outcome.posted);
    if (outcome.plainText) deps.logger.warn({ orgId, conversationId, seq: sent[0]!.seq }, 'Slack refused the message’s blocks; posted as plain text');
    marks.push(...sent.map((m) => ({ seq: m.seq, slackTs: outcome.ts })));
    const handled = await done();
    if (late) await postLateIntoMirrors(w, sent);
    return handled;
  } catch (error) {
    if (error instanceof SlackApiError && connectionLostCodes.has(error.code)) {
      await undeliverable(deps, record, undeliverableReasons.connectionLost(error.code));
    }
    throw error;
  }
}

/**
 * Plans more threads for the chat (an escalation, an assignee's DM) and opens them now, with the
 * conversation so far. A target that already has a thread of the chat, or is planned, is left
 * out; threads planned earlier and not open yet, or open and not up to date (a job that died
 * half-way), are seen to as well. Returns how many new threads were planned.
 */
export async function addThreads(deps: ConversationThreadDeps, orgId: string, conversationId: string, wanted: PlannedThread[]): Promise<number> {
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
        ? threads.some((t) => t.ref.channelId === target.channelId) ||
          record.plannedThreads.some((p) => p.target.kind === 'channel' && p.target.channelId === target.channelId)
        : threads.some((t) => dmOwnerOf(t) === target.slackUserId) ||
          record.plannedThreads.some((p) => p.target.kind === 'dm' && p.target.slackUserId === target.slackUserId);
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
