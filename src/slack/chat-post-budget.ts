// Shared posting budgets for chat.postMessage, per channel and per workspace, kept in Redis so
// every worker process in the deployment draws from the same ones. BullMQ's open-source edition
// has only a queue-wide limiter, and Slack's limit is per channel, so this is hand-written: a
// GCRA (generic cell rate algorithm) in one Lua script, checking both keys atomically against
// Redis' own clock so that processes on different hosts agree. Nothing is consumed unless both
// budgets allow the post.
//
// A channel's posts have priorities: a new chat's parent message first, then the backlog of
// chats' messages, then reminders. A post that has to wait registers as a waiter of its
// priority (for as long as it says it will take to come back, plus a grace period), and is told
// to wait for every post ahead of it: all waiters of higher priorities and those of its own who
// waited first. So the next slot is kept for the post whose turn it is, and a busy channel's
// waiting jobs come back one per slot instead of all polling every second.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis-connection.ts';
import { luaScript } from '../redis-script.ts';
import type { PostPriority } from './slack-api.ts';

const RANK: Record<PostPriority, number> = { parent: 0, thread: 1, reminder: 2 };
/** How long past its named wait a waiter stays registered: a retry comes back within it. */
const WAITER_GRACE_MS = 2_000;

export interface SlackBudget {
  /**
   * 0 when a post may go now (and the budget is spent), else how many ms until one may.
   * `waiterId` names this post across its retries (its place among the waiters): the thread it
   * goes to, say, so a retried job keeps its turn.
   */
  take(workspaceKey: string, channelId: string, priority?: PostPriority, waiterId?: string): Promise<number>;
  /** Slack answered 429: nothing goes to this channel (or workspace) for `ms`. */
  pause(workspaceKey: string, channelId: string | null, ms: number): Promise<void>;
}

export interface SlackBudgetOptions {
  channelPostsPerSecond: number;
  workspacePostsPerSecond: number;
  /** Posts a workspace may send at once before the rate applies. Channels get none: Slack's
   * per-channel burst is undocumented, so the budget spaces posts evenly. */
  workspaceBurst: number;
}

// KEYS: channel tat, workspace tat, channel pause, workspace pause; the channel's waiters of
// rank 0 (parents) and rank 1 (thread messages) in the order they first waited; the same
// waiters with when each registration lapses.
// ARGV: channel interval ms, workspace interval ms, workspace burst, rank, waiter id, grace ms.
// tat = "theoretical arrival time" of the next conforming post.
const takeScript = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local chInterval = tonumber(ARGV[1])
local wsInterval = tonumber(ARGV[2])
local wsBurst = tonumber(ARGV[3])
local rank = tonumber(ARGV[4])
local id = ARGV[5]
local grace = tonumber(ARGV[6])
for r = 0, 1 do
  for _, lapsed in ipairs(redis.call('ZRANGEBYSCORE', KEYS[7 + r], '-inf', now)) do redis.call('ZREM', KEYS[5 + r], lapsed) end
  redis.call('ZREMRANGEBYSCORE', KEYS[7 + r], '-inf', now)
end
local wait = 0
for _, key in ipairs({KEYS[3], KEYS[4]}) do
  local pausedUntil = tonumber(redis.call('GET', key) or '0')
  if pausedUntil > now then wait = math.max(wait, pausedUntil - now) end
end
-- Posts ahead of this one: every waiter of a higher rank, and those of its rank who waited first.
local ahead = 0
for r = 0, math.min(rank, 1) do
  if r < rank then
    ahead = ahead + redis.call('ZCARD', KEYS[5 + r])
  else
    ahead = ahead + (redis.call('ZRANK', KEYS[5 + r], id) or redis.call('ZCARD', KEYS[5 + r]))
  end
end
local chTat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local wsTat = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), now)
wait = math.max(wait, chTat - now + ahead * chInterval)
local wsAllowedAt = wsTat - (wsBurst - 1) * wsInterval
if wsAllowedAt > now then wait = math.max(wait, wsAllowedAt - now) end
if wait > 0 then
  if rank < 2 then
    redis.call('ZADD', KEYS[5 + rank], 'NX', now, id)
    redis.call('ZADD', KEYS[7 + rank], now + wait + grace, id)
    for _, key in ipairs({KEYS[5 + rank], KEYS[7 + rank]}) do redis.call('PEXPIRE', key, wait + grace + 60000) end
  end
  return wait
end
if rank < 2 then
  redis.call('ZREM', KEYS[5 + rank], id)
  redis.call('ZREM', KEYS[7 + rank], id)
end
redis.call('SET', KEYS[1], chTat + chInterval, 'PX', chInterval * 2 + 1000)
redis.call('SET', KEYS[2], wsTat + wsInterval, 'PX', wsInterval * (wsBurst + 1) + 1000)
return 0
`);

const pauseScript = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000) end
return 0
`);

export function createSlackBudget(redis: RedisClient, prefix: string, options: SlackBudgetOptions): SlackBudget {
  const channelInterval = Math.ceil(1000 / options.channelPostsPerSecond);
  const workspaceInterval = Math.ceil(1000 / options.workspacePostsPerSecond);
  const keys = (workspaceKey: string, channelId: string) => [
    `${prefix}:budget:post:${workspaceKey}:${channelId}`,
    `${prefix}:budget:post:${workspaceKey}`,
    `${prefix}:budget:pause:${workspaceKey}:${channelId}`,
    `${prefix}:budget:pause:${workspaceKey}`,
    `${prefix}:budget:waiters:0:${workspaceKey}:${channelId}`,
    `${prefix}:budget:waiters:1:${workspaceKey}:${channelId}`,
    `${prefix}:budget:lapse:0:${workspaceKey}:${channelId}`,
    `${prefix}:budget:lapse:1:${workspaceKey}:${channelId}`,
  ];
  return {
    async take(workspaceKey, channelId, priority = 'thread', waiterId = randomUUID()) {
      const wait = await takeScript.run(redis, keys(workspaceKey, channelId), [
        channelInterval,
        workspaceInterval,
        options.workspaceBurst,
        RANK[priority],
        waiterId,
        WAITER_GRACE_MS,
      ]);
      return Number(wait);
    },
    async pause(workspaceKey, channelId, ms) {
      const [, , channelPause, workspacePause] = keys(workspaceKey, channelId ?? '');
      await pauseScript.run(redis, [channelId ? channelPause! : workspacePause!], [Math.ceil(ms)]);
    },
  };
}
