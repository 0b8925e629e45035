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
  /** The copy, or null when there is none. */
  read(orgId: string, conversationId: string): Promise<number | null>;
  /** Before marking messages handled: the copy is about to be wrong. */
  forget(orgId: string, conversationId: string): Promise<void>;
  /** The cursor as it now is in the store. */
  keep(orgId: string, conversationId: string, seq: number): Promise<void>;
}

/** Long past a chat's last message; a copy that lapses is derived again. */
const TTL_SECONDS = 7 * 24 * 3600;

export function createThreadCursors(redis: RedisClient, prefix: string): ThreadCursors {
  const key = (orgId: string, conversationId: string) => `${prefix}:thread-cursor:${orgId}:${conversationId}`;
  return {
    async read(orgId, conversationId) {
      const value = await redis.get(key(orgId, conversationId));
      return value === null ? null : Number(value);
    },
    async forget(orgId, conversationId) {
      await redis.del(key(orgId, conversationId));
    },
    async keep(orgId, conversationId, seq) {
      await redis.set(key(orgId, conversationId), String(seq), 'EX', TTL_SECONDS);
    },
  };
}
