// The order between an org's agent status changes and its new chats. Both ride the chat-starts
// queue (kept apart so neither waits behind other chats' messages), but several workers take its
// jobs side by side, so a chat start may run before the status job queued just ahead of it. The
// ingress numbers each status change it accepts, per org, and stamps each conversation.started
// with the number of the latest one not yet stored; the status job marks its number applied once
// the status is stored; the chat start waits until every number up to its stamp is applied. So a
// chat is routed with every status change whose webhook had its number before the chat's webhook
// arrived. A chat start costs one Redis read at the ingress, and one more in the worker only when
// a status change was pending.
//
// A redelivered status change (same event id) gets the number it had, so a webhook answered
// 5xx and delivered again fills its own place instead of leaving a hole; marking applied twice
// is a no-op. A number that is never applied (its job failed for good, the platform gave up
// redelivering) is given up by the first chat start that waited its longest for it, so later
// starts do not wait for it again.
import type { RedisClient } from '../redis-connection.ts';
import { luaScript } from '../redis-script.ts';

export interface StatusOrder {
  /** At the ingress: the status change's place in its org's order; a redelivery gets the same. */
  accept(orgId: string, eventId: string): Promise<number>;
  /**
   * At the ingress, stamped on a chat start: the latest accepted status change's number, or 0
   * when every accepted one is stored already (then the start reads nothing more).
   */
  pendingThrough(orgId: string): Promise<number>;
  /** The status change numbered `seq` is stored. */
  applied(orgId: string, seq: number): Promise<void>;
  /** Every status change up to this number is stored (or given up). */
  appliedThrough(orgId: string): Promise<number>;
  /** A chat start waited its longest: numbers up to `seq` are no longer waited for. */
  giveUpThrough(orgId: string, seq: number): Promise<void>;
}

/** As long as the queue's deduplication of a redelivery (CHAT_EVENT_DEDUP_TTL_MS in queues.ts). */
const EVENT_TTL_S = 24 * 3600;
/** An org's order lapses after this long without a status change: all of it is long applied by then. */
const ORDER_TTL_S = 30 * 24 * 3600;

// The org's hash holds `accepted` (the last number given), `applied` (every number up to it is
// applied) and `done:<n>` for each number applied ahead of an earlier one still pending.

// KEYS: the event's key, the org's hash. ARGV: event ttl, order ttl.
const acceptScript = luaScript(`
local known = redis.call('GET', KEYS[1])
if known then return tonumber(known) end
local seq = redis.call('HINCRBY', KEYS[2], 'accepted', 1)
redis.call('SET', KEYS[1], seq, 'EX', ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return seq
`);

// KEYS: the org's hash. ARGV: the number applied (or given up through), 'one' or 'through', order ttl.
const applyScript = luaScript(`
local through = tonumber(redis.call('HGET', KEYS[1], 'applied') or '0')
local seq = tonumber(ARGV[1])
if seq <= through then return through end
if ARGV[2] == 'through' then
  for n = through + 1, seq do redis.call('HDEL', KEYS[1], 'done:' .. n) end
  through = seq
else
  redis.call('HSET', KEYS[1], 'done:' .. seq, 1)
end
while redis.call('HDEL', KEYS[1], 'done:' .. (through + 1)) == 1 do through = through + 1 end
redis.call('HSET', KEYS[1], 'applied', through)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return through
`);

export function createStatusOrder(redis: RedisClient, prefix: string): StatusOrder {
  const orderKey = (orgId: string) => `${prefix}:status-order:${orgId}`;
  const eventKey = (orgId: string, eventId: string) => `${prefix}:status-order:${orgId}:event:${eventId}`;
  return {
    async accept(orgId, eventId) {
      return Number(await acceptScript.run(redis, [eventKey(orgId, eventId), orderKey(orgId)], [EVENT_TTL_S, ORDER_TTL_S]));
    },
    async pendingThrough(orgId) {
      const [accepted, applied] = await redis.hmget(orderKey(orgId), 'accepted', 'applied');
      return Number(accepted ?? 0) > Number(applied ?? 0) ? Number(accepted) : 0;
    },
    async applied(orgId, seq) {
      await applyScript.run(redis, [orderKey(orgId)], [seq, 'one', ORDER_TTL_S]);
    },
    async appliedThrough(orgId) {
      return Number((await redis.hget(orderKey(orgId), 'applied')) ?? 0);
    },
    async giveUpThrough(orgId, seq) {
      await applyScript.run(redis, [orderKey(orgId)], [seq, 'through', ORDER_TTL_S]);
    },
  };
}
