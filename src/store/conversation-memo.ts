// Each worker keeps the conversation records it read (`conversations.get`) in memory, so that a
// visitor message's read of its chat's record under the thread lock costs one Redis command
// instead of a query that was ~80 % of the store's CPU per message (docs/store-access-paths.md).
//
// Never stale, also when a process dies between a write landing and telling anyone. Per
// conversation, Redis holds a version (a random value) and a count of writes in flight, both
// lapsing WRITE_TTL_SECONDS after the last write that touched them:
// - Every write of what `get` returns, in any process, goes through `withConversationBumps`:
//   BEFORE the write, one script counts it in flight and sets a new version; AFTER it (landed,
//   failed or thrown), one script counts it out and sets a new version again.
// - `get` reads the version and the count in one script (which makes a new version when Redis has
//   none). It serves a memoized record only if the count is 0 and the version is the one the record
//   was read under, within `ttlMs`. Otherwise it reads MongoDB and memoizes the record under the
//   version read BEFORE that query, and only if no write was in flight then.
// Why that holds:
// - A record memoized under version V was read after V was read with nothing in flight. Any write
//   that could have landed after that read set a new version first, so V never matches again.
// - A reader between a writer's before and its write landing, or between its landing and its
//   after, sees the count > 0: it reads MongoDB and memoizes nothing.
// - Concurrent writers: W1 done while W2 is in flight leaves the count at 1, so nothing is
//   memoized until W2's after; that sets a version no earlier read held.
// - A writer that dies after its write landed never counts itself out: the count stays > 0 and
//   nobody memoizes the conversation until the keys lapse; once they have, the next read makes a
//   version no memo holds and reads what the dead writer wrote.
// - Redis losing the keys (a restart): a read makes a new version, which no memo holds. Only a
//   restart that falls inside a dead writer's window (between its landing and the keys lapsing)
//   could let a reader memoize from before its write, for at most `ttlMs`.
// - A write slower than the keys' lapse (the store's socket timeout is 30 s) could let its
//   count lapse while in flight; its after still sets a new version.
// - The next `get` after a write of this process (a chat start reads the record it just recorded)
//   takes the version and count the write's after left, instead of asking Redis again: read before
//   the query as above, so what it memoizes is sound. It serves no memo under them, though: a
//   write begun since changed the version in Redis, not the one handed over.
// The count is why a version alone (as org-facts-memo.ts does it, bumping after the write) does not
// do here: there a dead writer leaves the memo stale for up to its TTL, and the crash tests kill
// workers between every outside call.
//
// What is not counted: writes that leave what `get` returns alone (the claims of reminder stages
// and notices in `conversation_claims`, the reverse lookups in `threads`, listOpen dropping an
// ended chat's open listing). The thread-claims migration (thread-claims.migration.ts) writes
// facts around this code, at a worker's start, for chats only a release before this one could leave
// half-claimed; and a memo lapses after `ttlMs` for writes made by hand.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis-connection.ts';
import { luaScript } from '../redis-script.ts';
import type { ConversationsRepository } from './conversations.repository.ts';
import type { ConversationRecord } from './conversation-records.ts';
import type { Store } from './index.ts';

/** How long a conversation's version and count outlive its last write: past the store's socket timeout. */
const WRITE_TTL_SECONDS = 60;

export interface ConversationVersions {
  /**
   * The conversation's version as it reads now (a new one when Redis has none), and whether a write
   * of it is in flight; `handedOver` when it is as this process's last write of it left it instead.
   */
  read(orgId: string, conversationId: string): Promise<{ version: string; writing: boolean; handedOver: boolean }>;
  /** Before a write: one more in flight, and a new version. */
  beforeWrite(orgId: string, conversationId: string): Promise<void>;
  /** After it, whatever became of it: one fewer in flight, and a new version. */
  afterWrite(orgId: string, conversationId: string): Promise<void>;
}

const readScript = luaScript(`
local version = redis.call('GET', KEYS[1])
if not version then
  version = ARGV[1]
  redis.call('SET', KEYS[1], version, 'EX', ARGV[2])
end
return {version, redis.call('GET', KEYS[2]) or '0'}`);

const beforeScript = luaScript(`
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])`);

// A count that lapsed during the write comes back as -1: gone rather than negative.
const afterScript = luaScript(`
local writing = redis.call('DECR', KEYS[2])
if writing <= 0 then redis.call('DEL', KEYS[2]) else redis.call('EXPIRE', KEYS[2], ARGV[2]) end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return math.max(writing, 0)`);

/** Past this many, the oldest hand-over goes: a process that writes and never reads (the web) keeps few. */
const HANDED_OVER_MAX = 1000;

/** `writeTtlSeconds`: how long the keys outlive the last write (a test's shorter one sees them lapse). */
export function conversationVersions(redis: RedisClient, prefix: string, writeTtlSeconds = WRITE_TTL_SECONDS): ConversationVersions {
  const keys = (orgId: string, conversationId: string) => {
    const base = `${prefix}:conversation-memo:${orgId}:${conversationId}`;
    return [`${base}:version`, `${base}:writing`] as const;
  };
  // Per conversation, the version and count the last write's after left, for the next read to take.
  const handedOver = new Map<string, { version: string; writing: boolean }>();
  return {
    async read(orgId, conversationId) {
      const handed = handedOver.get(`${orgId}\u241f${conversationId}`);
      if (handed) {
        handedOver.delete(`${orgId}\u241f${conversationId}`);
        return { ...handed, handedOver: true };
      }
      const [version, writing] = (await readScript.run(redis, keys(orgId, conversationId), [randomUUID(), writeTtlSeconds])) as [string, string];
      return { version, writing: Number(writing) > 0, handedOver: false };
    },
    async beforeWrite(orgId, conversationId) {
      await beforeScript.run(redis, keys(orgId, conversationId), [randomUUID(), writeTtlSeconds]);
    },
    async afterWrite(orgId, conversationId) {
      const version = randomUUID();
      const writing = Number(await afterScript.run(redis, keys(orgId, conversationId), [version, writeTtlSeconds])) > 0;
      const key = `${orgId}\u241f${conversationId}`;
      handedOver.delete(key);
      if (handedOver.size >= HANDED_OVER_MAX) handedOver.delete(handedOver.keys().next().value!);
      handedOver.set(key, { version, writing });
    },
  };
}

/**
 * The store with every write of what `conversations.get` returns counted in flight in Redis
 * (compose it in every process that writes conversations). Every method is listed, none spread:
 * a new one does not compile until it is placed among the reads or the writes.
 */
export function withConversationBumps(store: Store, versions: ConversationVersions): Store {
  const c = store.conversations;
  async function writing<T>(orgId: string, conversationId: string, write: () => Promise<T>): Promise<T> {
    // Not written unless counted: a Redis that fails here fails the write, and the job retries.
    await versions.beforeWrite(orgId, conversationId);
    try {
      return await write();
    } finally {
      await versions.afterWrite(orgId, conversationId);
    }
  }
  const conversations: ConversationsRepository = {
    // Reads, and writes that leave what `get` returns alone (claims of stages and notices, reverse lookups, open listings).
    get: c.get,
    openState: c.openState,
    listUndeliverable: c.listUndeliverable,
    countUndeliverable: c.countUndeliverable,
    countUndeliverableByReason: c.countUndeliverableByReason,
    listOpen: c.listOpen,
    listOpenForAgent: c.listOpenForAgent,
    linkedThreads: c.linkedThreads,
    linkThread: c.linkThread,
    findByThread: c.findByThread,
    firstAnswer: c.firstAnswer,
    chatClaim: c.chatClaim,
    claimReminderStage: c.claimReminderStage,
    releaseReminderStage: c.releaseReminderStage,
    claimNotice: c.claimNotice,
    settleNotice: c.settleNotice,
    releaseNotice: c.releaseNotice,
    // Writes of the record's facts.
    recordSnapshot: (conversation, now) => writing(conversation.orgId, conversation.id, () => c.recordSnapshot(conversation, now)),
    // Nearly always a read: counted only when it creates the record.
    ensure: async (orgId, conversationId, now) =>
      (await c.get(orgId, conversationId)) ?? writing(orgId, conversationId, () => c.ensure(orgId, conversationId, now)),
    setAnswerAnnounced: (orgId, conversationId, now) => writing(orgId, conversationId, () => c.setAnswerAnnounced(orgId, conversationId, now)),
    setAssigned: (orgId, conversationId, agentId, now) => writing(orgId, conversationId, () => c.setAssigned(orgId, conversationId, agentId, now)),
    setGapSince: (orgId, conversationId, since, now) => writing(orgId, conversationId, () => c.setGapSince(orgId, conversationId, since, now)),
    markUndeliverable: (orgId, conversationId, reason, now) => writing(orgId, conversationId, () => c.markUndeliverable(orgId, conversationId, reason, now)),
    clearUndeliverable: (orgId, conversationId, now) => writing(orgId, conversationId, () => c.clearUndeliverable(orgId, conversationId, now)),
    setBacklogged: (orgId, conversationId, backlogged, now) => writing(orgId, conversationId, () => c.setBacklogged(orgId, conversationId, backlogged, now)),
    setSoloThrough: (orgId, conversationId, seq, now) => writing(orgId, conversationId, () => c.setSoloThrough(orgId, conversationId, seq, now)),
    setQualification: (orgId, conversationId, qualification, now) =>
      writing(orgId, conversationId, () => c.setQualification(orgId, conversationId, qualification, now)),
    markEnded: (orgId, conversationId, endedBy, now) => writing(orgId, conversationId, () => c.markEnded(orgId, conversationId, endedBy, now)),
    setMeeting: (orgId, conversationId, meeting, now) => writing(orgId, conversationId, () => c.setMeeting(orgId, conversationId, meeting, now)),
    attachThread: (orgId, conversationId, thread, notification, planned, now) =>
      writing(orgId, conversationId, () => c.attachThread(orgId, conversationId, thread, notification, planned, now)),
    setMirrors: (orgId, conversationId, mirrors, planned, now) =>
      writing(orgId, conversationId, () => c.setMirrors(orgId, conversationId, mirrors, planned, now)),
    markAnswered: (orgId, conversationId, by, now) => writing(orgId, conversationId, () => c.markAnswered(orgId, conversationId, by, now)),
    settleAnswer: (orgId, conversationId, by, now) => writing(orgId, conversationId, () => c.settleAnswer(orgId, conversationId, by, now)),
    settleReminderStage: (orgId, conversationId, stage, now) => writing(orgId, conversationId, () => c.settleReminderStage(orgId, conversationId, stage, now)),
    claimEndPrompt: (orgId, conversationId, now) => writing(orgId, conversationId, () => c.claimEndPrompt(orgId, conversationId, now)),
    settleEndPrompt: (orgId, conversationId, ts, now) => writing(orgId, conversationId, () => c.settleEndPrompt(orgId, conversationId, ts, now)),
    claimChat: (orgId, conversationId, by, now) => writing(orgId, conversationId, () => c.claimChat(orgId, conversationId, by, now)),
    settleClaim: (orgId, conversationId, by, now) => writing(orgId, conversationId, () => c.settleClaim(orgId, conversationId, by, now)),
  };
  return { ...store, conversations };
}

/** Past this many entries, the lapsed ones go, then the oldest. */
const MEMO_MAX = 10_000;

interface Entry {
  record: ConversationRecord | null;
  version: string;
  until: number;
}

/** Frozen all the way down: a caller that changed a shared record would throw, not change it for every job. */
function frozen<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) frozen(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * The store with `conversations.get` (and `ensure`'s read) answered from memory while the
 * conversation's version is unchanged and no write of it is in flight. Compose it in the worker over
 * `withConversationBumps`. What it hands out is shared by every job of the process: frozen.
 */
export function memoizedConversations(store: Store, versions: ConversationVersions, options: { ttlMs: number; now: () => number }): Store {
  // Insertion order is age order: a record read again is deleted and set again.
  const entries = new Map<string, Entry>();
  const { conversations } = store;

  function remember(key: string, entry: Entry): void {
    entries.delete(key);
    if (entries.size >= MEMO_MAX) {
      const now = options.now();
      for (const [k, e] of entries) if (e.until <= now) entries.delete(k);
      for (const k of entries.keys()) {
        if (entries.size < MEMO_MAX) break;
        entries.delete(k);
      }
    }
    entries.set(key, entry);
  }

  async function get(orgId: string, conversationId: string): Promise<ConversationRecord | null> {
    const key = `${orgId}\u241f${conversationId}`;
    const { version, writing, handedOver } = await versions.read(orgId, conversationId);
    const hit = entries.get(key);
    if (!writing && !handedOver && hit && hit.version === version && hit.until > options.now()) return hit.record;
    const record = frozen(await conversations.get(orgId, conversationId));
    if (writing) entries.delete(key);
    else remember(key, { record, version, until: options.now() + options.ttlMs });
    return record;
  }

  return {
    ...store,
    conversations: {
      ...conversations,
      get,
      ensure: async (orgId, conversationId, now) => (await get(orgId, conversationId)) ?? conversations.ensure(orgId, conversationId, now),
    },
  };
}
