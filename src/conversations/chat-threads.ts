// The Slack threads of one chat: its primary thread (where its notification was first posted)
// and its mirrors (other people's DMs, the group alongside an away account owner, an escalation
// into the global channel, an assignee's DM). Everything said in a chat is said in each of its
// threads, so whoever was notified can follow and answer where they were notified; the design
// and its reasons are in docs/chat-threads-design.md.
import type { ConversationDeps } from './conversation-deps.ts';
import type { ConversationRecord, NotificationRecord, SlackThreadRef } from '../store/index.ts';
import type { PostMessageArgs } from '../slack/slack-api.ts';
import { postJoiningIfNeeded } from './posting.ts';
import { ClaimBusyError } from '../errors/index.ts';

export type ChatThreadsDeps = Pick<ConversationDeps, 'store' | 'slack' | 'locks' | 'logger' | 'now' | 'directoryCache' | 'callBudget'>;

export interface ChatThread {
  ref: SlackThreadRef;
  notification: NotificationRecord;
  primary: boolean;
}

/** The chat's threads, the primary one first; none before its notification went out. */
export function threadsOf(record: ConversationRecord): ChatThread[] {
  if (!record.thread || !record.notification) return [];
  return [
    { ref: record.thread, notification: record.notification, primary: true },
    ...record.mirrors.map((m) => ({ ref: m.ref, notification: m.notification, primary: false })),
  ];
}

export function sameThread(a: Pick<SlackThreadRef, 'channelId' | 'threadTs'>, b: Pick<SlackThreadRef, 'channelId' | 'threadTs'>): boolean {
  return a.channelId === b.channelId && a.threadTs === b.threadTs;
}

/** The person whose DM with the app holds the thread, or null for a channel's thread. */
export function dmOwnerOf(thread: ChatThread): string | null {
  return thread.notification.targetKind === 'dm' ? (thread.notification.dmSlackUserIds[0] ?? null) : null;
}

/**
 * A thread of the chat this person can open: their own DM's, else one in a channel. Never one in
 * another person's DM with the app, which only its two members can see.
 */
export function threadOpenableBy(record: ConversationRecord, slackUserId: string): ChatThread | null {
  const threads = threadsOf(record);
  return threads.find((t) => dmOwnerOf(t) === slackUserId) ?? threads.find((t) => t.notification.targetKind === 'channel') ?? null;
}

/** Who a thread notified: the people it mentioned, or the person whose DM it is in. */
export function notifiedIn(thread: ChatThread): string[] {
  return [...new Set([...thread.notification.mentionSlackUserIds, ...thread.notification.dmSlackUserIds])];
}

/**
 * Posts a notice into every thread of the chat (but `except`), each once under retries: a claim
 * per notice `key` and thread, taken before the post and settled after it, given back when the
 * post fails so the retry sends it, and taken over by a retry when the job holding it died. (A
 * job dying between Slack's answer and the settle posts that notice again: Slack has no
 * idempotency key, and a lost notice would be worse.) `body` builds the post for a thread (null
 * to leave that thread out).
 */
export async function postInEveryThread(
  deps: ChatThreadsDeps,
  record: ConversationRecord,
  token: string,
  key: string,
  body: (thread: ChatThread) => Omit<PostMessageArgs, 'channel' | 'threadTs'> | null,
  options: { except?: Pick<SlackThreadRef, 'channelId' | 'threadTs'> | null; maxWaitMs?: number } = {},
): Promise<void> {
  const { orgId, conversationId } = record;
  let busy: string | null = null;
  for (const thread of threadsOf(record)) {
    if (options.except && sameThread(thread.ref, options.except)) continue;
    const args = body(thread);
    if (!args) continue;
    const claim = `${key}@${thread.ref.channelId}/${thread.ref.threadTs}`;
    const claimed = await deps.store.conversations.claimNotice(orgId, conversationId, claim, deps.now());
    if (claimed === 'done') continue;
    if (claimed === 'busy') {
      busy = claim;
      continue;
    }
    try {
      await postJoiningIfNeeded(
        deps,
        thread.ref.teamId,
        token,
        { channel: thread.ref.channelId, threadTs: thread.ref.threadTs, ...args },
        options.maxWaitMs ?? 60_000,
      );
    } catch (error) {
      await deps.store.conversations.releaseNotice(orgId, conversationId, claim);
      throw error;
    }
    await deps.store.conversations.settleNotice(orgId, conversationId, claim, deps.now());
  }
  // Another job is posting one of them (or died doing so): this one comes back for it.
  if (busy) throw new ClaimBusyError(`notice ${busy}`);
}
