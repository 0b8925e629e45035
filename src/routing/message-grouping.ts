// Pure decision of when a chat message's job asks whether the chat's next message waits in the
// queue behind it, to leave its own (stored) for that job to post along: group commit under load
// (src/jobs/processors/chat-event.processor.ts). Under a backlog a chatty visitor's messages sit
// in the queue together; posted one by one, each costs its own lock, Slack post, echo event and
// store writes, where one combined post carries them all. Unloaded, a message goes out at once.

/**
 * How long a job must have waited in the queue before its chat's next message can be behind it
 * at all, in practice: below this the question (one Redis call) would almost always answer no.
 */
export const BACKLOG_WAIT_MS = 50;

/**
 * At most this many messages of a chat in a row are left for a later one: every GROUP_SPAN-th
 * seq posts what waits, so a visitor who keeps writing into a backlog never has their messages
 * held back for long (at most the time they took to write ten), and one combined post stays
 * within MAX_COMBINED (src/conversations/thread-writer.ts).
 */
export const GROUP_SPAN = 10;

/** Whether the job of message `seq`, queued `waitedMs` ago, may leave it for the chat's next message's job. */
export function mayLeaveForNext(seq: number, waitedMs: number): boolean {
  return waitedMs >= BACKLOG_WAIT_MS && seq % GROUP_SPAN !== 0;
}
