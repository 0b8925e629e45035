// The chat's other threads (docs/chat-threads-design.md): each brought up to what the primary
// thread has handled, in seq order (a thread opened late gets the conversation so far, combined),
// its progress recorded after each post; a message that arrived late goes into those already
// past it. A step of the thread writer (conversation-thread.ts), under the chat's lock.
import type { ConversationDeps } from './conversation-deps.ts';
import type { MirrorThread, ThreadMessage } from '../store/index.ts';
import { ThreadLockLostError } from '../errors/index.ts';
import { MAX_COMBINED, PENDING_BATCH, WRITTEN_HERE, postMessagesInto, writtenIn, type ThreadWriter } from './thread-writer.ts';

export type MirrorThreadsDeps = Pick<ConversationDeps, 'store' | 'logger' | 'now'>;

/** A message that arrived after its gap was given up on: the threads already past it get it now. */
export async function postLateIntoMirrors(w: ThreadWriter, messages: ThreadMessage[]): Promise<void> {
  const { deps, record } = w;
  for (const message of messages) {
    for (const mirror of record.mirrors) {
      if ((mirror.shownThroughSeq ?? 0) < message.seq || (await writtenIn(deps, record.orgId, message, mirror.ref))) continue;
      await postMessagesInto(w, mirror.ref, [message], true);
    }
  }
}

/** Whether a message the primary thread handled belongs in another thread of the chat. */
async function showsInMirror(deps: MirrorThreadsDeps, orgId: string, message: ThreadMessage, mirror: MirrorThread): Promise<boolean> {
  // Refused by Slack as it is: it would be refused there too.
  if (message.state === 'skipped' && message.skipReason !== WRITTEN_HERE) return false;
  return !(await writtenIn(deps, orgId, message, mirror.ref));
}

/**
 * Brings every other thread of the chat up to what the primary thread has handled, in seq order:
 * a thread opened late gets the conversation so far (combined posts), then each message as it
 * comes. Each thread's progress is recorded after each post.
 */
export async function catchUpMirrors(w: ThreadWriter): Promise<void> {
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
        while (
          !solo &&
          at + run.length < handled.length &&
          run.length < MAX_COMBINED &&
          (await showsInMirror(deps, orgId, handled[at + run.length]!, mirror))
        ) {
          run.push(handled[at + run.length]!);
        }
        const outcome = await postMessagesInto(w, mirror.ref, run, false);
        cursor = run['posted' in outcome ? outcome.posted - 1 : 0]!.seq;
        if ('refused' in outcome)
          deps.logger.error(
            { orgId, conversationId, seq: cursor, code: outcome.refused, thread: mirror.ref },
            'Slack refused one message in another thread of the chat; skipped there',
          );
      }
      mirrors[i] = { ...mirror, shownThroughSeq: cursor };
      await deps.store.conversations.setMirrors(orgId, conversationId, mirrors, [], deps.now());
      if (!(await lock.confirm())) throw new ThreadLockLostError(key);
    }
  }
}
