// The web process's short-lived server-side state in Redis, behind a small interface: admin
// sessions, and the nonces that make launch tokens and OAuth states single-use. Every key expires.
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
}

/** Keys hold digests of the secrets they are about, never the secrets (a Redis dump reveals no session). */
export const digestKey = (kind: string, secret: string) => `${kind}:${createHash('sha256').update(secret).digest('base64url')}`;

export function redisKeyValueStore(redis: Pick<RedisClient, 'set' | 'get' | 'pexpire' | 'del'>, prefix: string): KeyValueStore {
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
  };
}
