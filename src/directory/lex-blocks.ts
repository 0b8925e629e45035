// A lexicographic index in Redis that costs a few bytes per member instead of a hundred: the
// members of one logical sorted set are kept in many small sorted sets ("blocks") of at most
// BLOCK_MAX members each, plus a directory sorted set of each block's lower bound. Redis stores a
// sorted set of up to 128 members of up to 64 bytes as one compact listpack (`zset-max-listpack-*`,
// the defaults every managed Redis keeps), and one big set as a skiplist with ~90 bytes of
// pointers per member: a 100,000-channel workspace's directory took 90 MB as big sets and
// takes about a quarter of that in blocks (docs/store-access-paths.md, "The directory").
//
// Hand-written: RediSearch would do this but Debian's and most managed Redis servers lack the
// module. Every change and read is one Lua script, so a reader never sees a block half split.
// A block's key is its root plus its lower bound (the bound '' is the first block), so all of an
// index's keys derive from the root: put a Redis Cluster hash tag in the root and they share a slot.
import type { RedisClient } from '../redis-connection.ts';
import { luaScript } from '../redis-script.ts';

/** Below Redis's default `zset-max-listpack-entries` (128): a block never leaves the compact encoding by size. */
const BLOCK_MAX = 120;

// Finds the block holding `x`: the greatest lower bound ≤ x. `add` creates the first block.
const common = `
local function block_of(root, x)
  return redis.call('ZREVRANGEBYLEX', root .. ':dir', '[' .. x, '-', 'LIMIT', 0, 1)[1]
end
local function remove(root, m)
  local b = block_of(root, m)
  if not b then return end
  local k = root .. ':b:' .. b
  redis.call('ZREM', k, m)
  if b ~= '' and redis.call('ZCARD', k) == 0 then
    redis.call('DEL', k)
    redis.call('ZREM', root .. ':dir', b)
  end
end
-- Every member starting with p, across blocks (the members of one key: a handful at most).
local function with_prefix(root, p)
  local out = {}
  local b = block_of(root, p)
  if not b then return out end
  local max = '[' .. p .. '\\255'
  while true do
    local got = redis.call('ZRANGEBYLEX', root .. ':b:' .. b, '[' .. p, max)
    for j = 1, #got do out[#out + 1] = got[j] end
    local nb = redis.call('ZRANGEBYLEX', root .. ':dir', '(' .. b, max, 'LIMIT', 0, 1)[1]
    if not nb then break end
    b = nb
  end
  return out
end
-- The key part of a member: up to and including its first NUL (the whole member without one).
local function key_of(m)
  local at = string.find(m, '\\0', 1, true)
  return at and string.sub(m, 1, at) or m
end
`;

/**
 * ARGV: op, root, member, repeated, applied in order. Ops: 'a' add, 'r' remove, 'p' put (remove
 * every member with the same key, the part up to its first NUL, then add: a map's set), 'k'
 * remove every member with that key.
 */
const editScript = luaScript(`${common}
for i = 1, #ARGV, 3 do
  local op, root, m = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if op == 'p' or op == 'k' then
    for _, old in ipairs(with_prefix(root, key_of(m))) do remove(root, old) end
    if op == 'p' then op = 'a' end
  end
  local b = block_of(root, m)
  if op == 'a' then
    if not b then
      b = ''
      redis.call('ZADD', root .. ':dir', 0, '')
    end
    local k = root .. ':b:' .. b
    redis.call('ZADD', k, 0, m)
    local n = redis.call('ZCARD', k)
    if n > ${BLOCK_MAX} then
      local half = math.floor(n / 2)
      local upper = redis.call('ZRANGE', k, half, -1)
      redis.call('ZREMRANGEBYRANK', k, half, -1)
      local nk = root .. ':b:' .. upper[1]
      for j = 1, #upper do redis.call('ZADD', nk, 0, upper[j]) end
      redis.call('ZADD', root .. ':dir', 0, upper[1])
    end
  elseif op == 'r' then
    remove(root, m)
  end
end
return 0
`);

/**
 * ARGV: root, start (inclusive '[' or exclusive '(' lex bound), max (lex bound), count.
 * Up to count members from start to max, in order, across blocks.
 */
const rangeScript = luaScript(`${common}
local root, start, max, count = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local b = block_of(root, string.sub(start, 2))
if not b then return {} end
local out = {}
while true do
  local got = redis.call('ZRANGEBYLEX', root .. ':b:' .. b, start, max, 'LIMIT', 0, count - #out)
  for j = 1, #got do out[#out + 1] = got[j] end
  if #out >= count then break end
  local nb = redis.call('ZRANGEBYLEX', root .. ':dir', '(' .. b, max, 'LIMIT', 0, 1)[1]
  if not nb then break end
  b = nb
end
return out
`);

/**
 * ARGV: root, then prefixes. For each prefix, the first member starting with it, or ''. Meant
 * for keys (an id and NUL): it reads every member that starts with each prefix.
 */
const firstScript = luaScript(`${common}
local root = ARGV[1]
local out = {}
for i = 2, #ARGV do
  out[#out + 1] = with_prefix(root, ARGV[i])[1] or ''
end
return out
`);

/** One change to an index: add or remove `member` in the index rooted at `root`. */
export interface LexEdit {
  /** put: the member replaces every other one with its key (up to its first NUL); removeKey: removes them all. */
  op: 'add' | 'remove' | 'put' | 'removeKey';
  root: string;
  member: string;
}

const opCodes: Record<LexEdit['op'], string> = { add: 'a', remove: 'r', put: 'p', removeKey: 'k' };

/** Edits per script call: keeps one call's time in Redis to a few milliseconds during a sync. */
const EDITS_PER_CALL = 2000;

const lexBound = (kind: '[' | '(', s: string | Buffer) => Buffer.concat([Buffer.from(kind), Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8')]);

export function createLexBlocks(redis: RedisClient) {
  return {
    /** Applies edits in order, each call atomically (a sync's page may take more than one call). */
    async edit(edits: LexEdit[]): Promise<void> {
      for (let i = 0; i < edits.length; i += EDITS_PER_CALL) {
        const chunk = edits.slice(i, i + EDITS_PER_CALL);
        const args = chunk.flatMap((e) => [opCodes[e.op], e.root, e.member]);
        await editScript.run(redis, [`${chunk[0]!.root}:dir`], args);
      }
    },

    /**
     * Members starting with `prefix`, in order, up to `count`; after `after` (a member a previous
     * call returned) when given.
     */
    async withPrefix(root: string, prefix: string, count: number, after?: string): Promise<string[]> {
      const p = Buffer.from(prefix, 'utf8');
      const start = after === undefined ? lexBound('[', p) : lexBound('(', after);
      const max = lexBound('[', Buffer.concat([p, Buffer.from([0xff])]));
      return (await rangeScript.run(redis, [`${root}:dir`], [root, start, max, count])) as string[];
    },

    /** For each prefix, the first member that starts with it, or null. */
    async firstWithPrefix(root: string, prefixes: string[]): Promise<Array<string | null>> {
      if (prefixes.length === 0) return [];
      const found = (await firstScript.run(redis, [`${root}:dir`], [root, ...prefixes])) as string[];
      return found.map((m) => (m === '' ? null : m));
    },

    /** Every key the index uses (its directory and blocks): for freeing and measuring it. */
    async keys(root: string): Promise<string[]> {
      const bounds = await redis.zrangeBuffer(`${root}:dir`, 0, -1);
      return [`${root}:dir`, ...bounds.map((b) => Buffer.concat([Buffer.from(`${root}:b:`), b]).toString('utf8'))];
    },
  };
}

export type LexBlocks = ReturnType<typeof createLexBlocks>;
