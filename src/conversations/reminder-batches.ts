// Reminders that fall due together in one channel are sent as one post: each due reminder is
// added to its channel's pending list in Redis, and one flush job per channel (debounced by
// BullMQ) takes the whole list. The take is tied to the flush job's id, so a retried flush sends
// the same batch and a reminder added meanwhile waits for the next flush. Hand-written because
// BullMQ's deduplication keeps one job's data, not a list of them.
import type { RedisClient } from '../redis-connection.ts';
import { luaScript } from '../redis-script.ts';

export interface DueReminder {
  orgId: string;
  conversationId: string;
  threadTs: string;
  /** Whom the thread notified: they are mentioned again. */
  slackUserIds: string[];
}

export interface ReminderBatches {
  add(teamId: string, channelId: string, reminder: DueReminder): Promise<void>;
  /** The batch of flush `batchId`: the channel's pending reminders, taken at its first call. */
  take(teamId: string, channelId: string, batchId: string): Promise<DueReminder[]>;
  /** The batch's post went out: a retry of the flush must not post it again. */
  markPosted(batchId: string): Promise<void>;
  isPosted(batchId: string): Promise<boolean>;
  /** The flush is done: forget its batch. */
  finish(batchId: string): Promise<void>;
}

/** A batch is kept this long for retries of its flush (longer than a flush can be delayed). */
const BATCH_TTL_S = 24 * 3600;

// KEYS: the channel's pending list, the batch's list. ARGV: ttl seconds.
const takeScript = luaScript(`
if redis.call('EXISTS', KEYS[2]) == 0 and redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[1]))
end
return redis.call('LRANGE', KEYS[2], 0, -1)
`);

export function createReminderBatches(redis: RedisClient, prefix: string): ReminderBatches {
  const pending = (teamId: string, channelId: string) => `${prefix}:reminders:due:${teamId}:${channelId}`;
  const batch = (batchId: string) => `${prefix}:reminders:batch:${batchId}`;
  return {
    async add(teamId, channelId, reminder) {
      await redis.multi().rpush(pending(teamId, channelId), JSON.stringify(reminder)).expire(pending(teamId, channelId), BATCH_TTL_S).exec();
    },
    async take(teamId, channelId, batchId) {
      const raw = (await takeScript.run(redis, [pending(teamId, channelId), batch(batchId)], [BATCH_TTL_S])) as string[];
      // One entry per chat and thread, whatever how often a retried reminder job added it.
      const seen = new Set<string>();
      return raw
        .map((r) => JSON.parse(r) as DueReminder)
        .filter((r) => {
          const id = `${r.orgId}/${r.conversationId}/${r.threadTs}`;
          if (seen.has(id)) return false;
          seen.add(id);
          return true;
        });
    },
    async markPosted(batchId) {
      await redis.set(`${batch(batchId)}:posted`, '1', 'EX', BATCH_TTL_S);
    },
    async isPosted(batchId) {
      return (await redis.exists(`${batch(batchId)}:posted`)) === 1;
    },
    async finish(batchId) {
      await redis.del(batch(batchId), `${batch(batchId)}:posted`);
    },
  };
}
