// The shapes of a conversation as Threadbridge stores and hands it out: its record (the
// platform's snapshot, its Slack threads, how far it got) and the parts the domain passes
// around (a thread, the notification's routing, a planned or mirror thread, the first answer).
// Apart from the repository (conversations.repository.ts, which stores them as one document per
// fact) so that what a record is reads without how it is kept.
import type { Conversation } from '../platform/webhook-events.ts';

/** Who answered a chat first, as the claim keeps it: where in Slack, when it came from there. */
export interface FirstAnswer {
  agentId: string;
  name: string;
  slackUserId?: string;
  thread?: { channelId: string; threadTs: string };
  /** When the answer was written (the platform's time of the message); absent on claims from before it was kept. */
  at?: Date;
}

export interface SlackThreadRef {
  teamId: string;
  channelId: string;
  threadTs: string;
}

/** How the notification was routed, kept to redraw the parent message and to remind the same people. */
export interface NotificationRecord {
  rule: string;
  reason: string;
  targetKind: 'channel' | 'dm';
  mentionSlackUserIds: string[];
  unmappedMemberNames: string[];
  groupName: string | null;
  /** Slack users the notification reached directly (DM targets), for reminders. */
  dmSlackUserIds: string[];
}

/**
 * A thread of the chat beyond its primary one (`ConversationRecord.thread`): opened where someone
 * else was notified (another online member's DMs, the account owner's group, an escalation into
 * the global channel, an assignee who could not see the chat). Every thread shows the whole
 * conversation from its opening on, and a reply in any of them reaches the visitor.
 */
export interface MirrorThread {
  ref: SlackThreadRef;
  notification: NotificationRecord;
  opened: 'notification' | 'escalation' | 'assignment';
  openedAt: Date;
  /** Highest seq shown in this thread (the primary thread's is derived from thread_messages). */
  shownThroughSeq: number | null;
}

/** A thread to open on the next write of the chat's threads (so a retried job resumes it). */
export interface PlannedThread {
  target: { kind: 'channel'; channelId: string } | { kind: 'dm'; slackUserId: string };
  notification: NotificationRecord;
  opened: MirrorThread['opened'];
}

export interface ConversationRecord {
  orgId: string;
  conversationId: string;
  conversation: Conversation | null; // null until conversation.started (or a repair) told us
  status: 'open' | 'ended';
  thread: SlackThreadRef | null;
  /** When the thread first waited on a missing seq; null while there is no gap. */
  gapSince: Date | null;
  undeliverableReason: string | null;
  notification: NotificationRecord | null;
  /** The first agent who answered (from Slack or the console); reminders stop then. */
  answeredBy: { agentId: string; name: string } | null;
  /** The first answer's follow-ups (parents redrawn, the other threads told) are done. */
  answerAnnounced: boolean;
  assignedAgentId: string | null;
  /** The end-of-chat rating prompt in the thread: 'posting' while claimed, then its ts. */
  endedBy: 'visitor' | 'agent' | 'timeout' | null;
  endPrompt: { state: 'posting' } | { state: 'posted'; ts: string } | null;
  qualification: { rating: string; agentId: string; slackUserId: string } | null;
  /** Its thread's posts found the channel's budget exhausted: pending messages go out combined until it catches up. */
  backlogged: boolean;
  /**
   * Slack refused a combined post ending at this seq: up to it, messages go out one at a time,
   * so only the one Slack refuses is skipped (kept across retries of the job).
   */
  soloThroughSeq: number | null;
  /** The last reminder stage sent (0 none, 1 reminded, 2 escalated). */
  reminderStage: number;
  /** The rep who pressed Join on the notification: first wins. */
  claimedBy: { agentId: string; slackUserId: string; name: string } | null;
  /** The meeting the visitor booked from a rep's "Book a meeting" (the latest). */
  meeting: { agentId: string; agentName: string; startsAt: string } | null;
  /** The chat's other threads; written only under the chat's thread lock. */
  mirrors: MirrorThread[];
  /** Threads decided on but not opened yet; written only under the chat's thread lock. */
  plannedThreads: PlannedThread[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * An open chat as the health check lists it: kept as a fact of its own (`openChat`, written in
 * the start's own bulk write and deleted in the end's), so listing an org's open chats reads
 * those few facts, never months of conversations.
 */
export interface OpenChat {
  orgId: string;
  conversationId: string;
  routingGroupId: string | null;
  /** The visitor's name as the platform last gave it; null when it gave none. */
  visitorName: string | null;
  startedAt: Date;
  /** Someone answered it (from Slack or the console). */
  answered: boolean;
}

/** Whether a chat is known (has a record), its status and its snapshot (null until conversation.started or a repair). */
export interface ChatOpenState {
  known: boolean;
  status: ConversationRecord['status'];
  conversation: Conversation | null;
}
