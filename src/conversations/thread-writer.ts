// What every step of writing a chat's Slack threads shares (src/conversations/conversation-thread.ts
// runs the steps): one run's state (the record, the token, the lock it checks before each post),
// posting consecutive messages into one thread (combined or one at a time, Slack's content
// refusals as outcomes), knowing a rep's reply written in that very thread, and marking the chat
// undeliverable. Apart from the steps so that opening threads (thread-opening.ts), the primary
// thread and the other threads (mirror-threads.ts) each read on their own.
import type { ConversationDeps } from './conversation-deps.ts';
import type { ConversationRecord, SlackThreadRef, ThreadMessage } from '../store/index.ts';
import type { Message } from '../platform/webhook-events.ts';
import type { Lock } from '../locks/redis-locks.ts';
import { ThreadLockLostError, SlackApiError, contentRefusalCodes } from '../errors/index.ts';
import { combinedThreadMessage, threadPosts, type SlackMessageBody } from '../slack/format/conversation-messages.ts';
import { postJoiningIfNeeded } from './posting.ts';
import { undeliverableCode } from '../routing/undeliverable-reasons.ts';

/** What the writer's steps share (conversation-thread.ts, thread-opening.ts, mirror-threads.ts). */
export type ThreadWriterDeps = Pick<
  ConversationDeps,
  'store' | 'slack' | 'platform' | 'producer' | 'locks' | 'logger' | 'now' | 'threadGapWaitMs' | 'directoryCache' | 'callBudget' | 'threadCursors' | 'observe'
>;

/** How many messages one read of a thread's pending (or handled) messages returns at most. */
export const PENDING_BATCH = 100;
/** Why the primary thread skipped a message it did not post: the rep wrote it in that thread. */
export const WRITTEN_HERE = 'relayed from Slack';
/** At most this many chat messages in one combined Slack post (each is at least two blocks of 50). */
export const MAX_COMBINED = 20;

/**
 * How long a lone post waits for its budget in place rather than going back to the queue. The
 * workspace's budget spaces posts 1/SLACK_WORKSPACE_POSTS_PER_SECOND apart (125 ms by default),
 * so a burst across a workspace's channels meets waits of a slot or two, and a trip through the delayed
 * queue costs far more than the wait: a whole job run, the chat's record read again and its
 * `backlogged` flag written twice. A channel's wait (up to a second) still sends the job back, so
 * what piles up meanwhile goes out combined.
 */
export const WAIT_IN_PLACE_MS = 300;

/**
 * What one run of the thread writer carries: the record as last read, the bot token, and the
 * check it makes before every post that it still holds the chat's lock (a wait for Slack's
 * budget may outlast a lease; the lock is renewed meanwhile, and a post never goes out once it
 * was lost, so two workers never post the same message).
 */
export interface ThreadWriter {
  deps: ThreadWriterDeps;
  record: ConversationRecord;
  token: string;
  lock: Lock;
  key: string;
  stillHeld: () => Promise<void>;
  /** Up to this seq messages go out one at a time (Slack refused them combined). */
  soloThroughSeq: number | null;
  /** The job's own message while it is stored nowhere: stored once handled (conversation-thread.ts, broughtAlone). */
  unstored?: Message | null;
}

export function lockCheck(lock: Lock, key: string): () => Promise<void> {
  return async () => {
    if (!(await lock.confirm())) throw new ThreadLockLostError(key);
  };
}

/** Whether a stored message was a rep's reply written in this very thread (its platform echo). */
export async function writtenIn(
  deps: Pick<ConversationDeps, 'store'>,
  orgId: string,
  { message }: ThreadMessage,
  thread: Pick<SlackThreadRef, 'channelId' | 'threadTs'>,
): Promise<boolean> {
  if (message.origin !== 'slack' || message.clientMessageId === null) return false;
  const from = await deps.store.relayedReplies.relayedFrom(orgId, message.clientMessageId);
  // Records from before the chat could have several threads name the channel only.
  return Boolean(from && from.channelId === thread.channelId && (from.threadTs === null || from.threadTs === thread.threadTs));
}

export type PostOutcome = { posted: number; ts: string; plainText: boolean } | { refused: string };

/**
 * Posts consecutive messages into one thread: one message under its author's name, in as many
 * posts as its length needs; several as one combined post (as many as fit). Slack refusing the
 * content (too long, invalid blocks) is an outcome, not an error: a single message refused with
 * its blocks goes out as plain text (src/slack/slack-api.ts), and one refused even so is left
 * out; a refused combined post is never sent again combined: its messages go one at a time from
 * now on, also after a retry of the job, so only the one Slack refuses is left out and the thread
 * never waits on a post Slack will always refuse.
 */
export async function postMessagesInto(w: ThreadWriter, thread: SlackThreadRef, messages: ThreadMessage[], late: boolean): Promise<PostOutcome> {
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
      posted = await postJoiningIfNeeded(
        deps,
        thread.teamId,
        token,
        { channel: thread.channelId, threadTs: thread.threadTs, ...post },
        posts.length > 1 ? 60_000 : WAIT_IN_PLACE_MS,
        w.stillHeld,
      );
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
        deps.logger.warn(
          { orgId: record.orgId, conversationId: record.conversationId, code: error.code, fromSeq: messages[0]!.seq, through },
          'Slack refused a combined post; its messages go one at a time',
        );
        return postMessagesInto(w, thread, [messages[0]!], late);
      }
      return { refused: error.code };
    }
    throw error;
  }
}

/** Marks the chat undeliverable, and reports it as the org's problem: chats with one cause are one problem (its code). */
export async function undeliverable(
  deps: Pick<ConversationDeps, 'store' | 'now' | 'logger' | 'producer'>,
  record: ConversationRecord,
  reason: string,
): Promise<void> {
  await deps.store.conversations.markUndeliverable(record.orgId, record.conversationId, reason, deps.now());
  deps.logger.warn({ orgId: record.orgId, conversationId: record.conversationId, reason }, 'notification undeliverable');
  await deps.producer.orgProblem({ orgId: record.orgId, kind: 'chats_undeliverable', subject: undeliverableCode(reason), detail: reason });
}
