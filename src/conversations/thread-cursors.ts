// A copy in Redis of each thread's cursor (the highest seq its primary thread has handled), so
// that the thread writer need not derive it from the stored messages before every post: that
// derivation (`lastHandledSeq`) is a sorted read that FerretDB answers by reading every message
// of the chat, the one hot-path read whose cost grows with the chat (docs/store-access-paths.md).
//
// The copy is exact whenever it exists, or it does not exist: the writer forgets it before its
// first mark of a run and keeps it again once its marks are done, all under the chat's lock. A
// worker dying in between leaves no copy, and the next run derives the cursor from the store as
// before (and keeps it). Redis losing it costs the same one derivation. So the store's messages
// stay the record; this only spares reading them.
import type { RedisClient } from '../redis-connection.ts';

export interface ThreadCursors {
  /** The copy: the highest seq handled, null when the copy says none is yet, undefined when there is no copy. */
  read(orgId: string, conversationId: string): Promise<number | null | undefined>;
  /** Before marking messages handled: the copy is about to be wrong. */
  forget(orgId: string, conversationId: string): Promise<void>;
  /** The cursor as it now is in the store (null: nothing handled yet). */
  keep(orgId: string, conversationId: string, seq: number | null): Promise<void>;
}

/** Long past a chat's last message; a copy that lapses is derived again. */
const TTL_SECONDS = 7 * 24 * 3600;

/** The copy of a thread that has handled nothing yet (seqs are numbers, 0 among them). */
const NONE = 'none';

export function createThreadCursors(redis: RedisClient, prefix: string): ThreadCursors {
  const key = (orgId: string, conversationId: string) => `${prefix}:thread-cursor:${orgId}:${conversationId}`;
  return {
    async read(orgId, conversationId) {
      const value = await redis.get(key(orgId, conversationId));
      if (value === null) return undefined;
      return value === NONE ? null : Number(value);
    },
    async forget(orgId, conversationId) {
      await redis.del(key(orgId, conversationId));
    },
    async keep(orgId, conversationId, seq) {
      await redis.set(key(orgId, conversationId), seq === null ? NONE : String(seq), 'EX', TTL_SECONDS);
    },
  };
}
