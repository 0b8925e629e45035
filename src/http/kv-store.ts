// The web process's short-lived server-side state in Redis, behind a small interface: admin
// sessions, the nonces that make launch tokens and OAuth states single-use, and the counts of
// failed sign-ins (failed-logins.ts). Every key expires.
import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis-connection.ts';

export interface KeyValueStore {
  /** Sets `key` for `ttlMs` unless it is set already; whether this call set it (a claim). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  get(key: string): Promise<string | null>;
  /** Gives the key `ttlMs` to live from now; false when it is gone already. */
  expire(key: string, ttlMs: number): Promise<boolean>;
  del(key: string): Promise<void>;
  /** Adds one to the count at `key`; its window of `windowMs` starts with its first count. */
  increment(key: string, windowMs: number): Promise<Tally>;
  /** The count at `key` and what is left of its window; 0 and 0 when there is none. */
  tally(key: string): Promise<Tally>;
}

export interface Tally {
  count: number;
  /** Milliseconds until the count lapses. */
  ttlMs: number;
}

/** Keys hold digests of the secrets they are about, never the secrets (a Redis dump reveals no session). */
export const digestKey = (kind: string, secret: string) => `${kind}:${createHash('sha256').update(secret).digest('base64url')}`;

/** A MULTI's answers, the first failure thrown. */
function answers(results: Array<[Error | null, unknown]> | null): unknown[] {
  if (!results) throw new Error('the Redis transaction was discarded');
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

const tallyOf = (count: unknown, pttl: unknown): Tally => ({ count: Number(count ?? 0), ttlMs: Math.max(0, Number(pttl)) });

export function redisKeyValueStore(redis: Pick<RedisClient, 'set' | 'get' | 'pexpire' | 'del' | 'multi'>, prefix: string): KeyValueStore {
  const k = (key: string) => `${prefix}:web:${key}`;
  const ttl = (ms: number) => Math.max(1, Math.ceil(ms));
  return {
    async setIfAbsent(key, value, ttlMs) {
      return (await redis.set(k(key), value, 'PX', ttl(ttlMs), 'NX')) === 'OK';
    },
    async set(key, value, ttlMs) {
      await redis.set(k(key), value, 'PX', ttl(ttlMs));
    },
    get: (key) => redis.get(k(key)),
    async expire(key, ttlMs) {
      return (await redis.pexpire(k(key), ttl(ttlMs))) === 1;
    },
    async del(key) {
      await redis.del(k(key));
    },
    async increment(key, windowMs) {
      // One transaction: the window starts with the first count, and INCR keeps its expiry.
      const [, count, pttl] = answers(await redis.multi().set(k(key), '0', 'PX', ttl(windowMs), 'NX').incr(k(key)).pttl(k(key)).exec());
      return tallyOf(count, pttl);
    },
    async tally(key) {
      const [count, pttl] = answers(await redis.multi().get(k(key)).pttl(k(key)).exec());
      return tallyOf(count, pttl);
    },
  };
}
