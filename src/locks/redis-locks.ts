// A per-conversation mutex in Redis so that only one worker, in any process, writes into a
// conversation's thread at a time: BullMQ has no per-key ordering, and two workers posting the
// same conversation would interleave messages. Hand-written (SET NX PX plus compare-and-delete,
// ~40 lines) because the maintained Redlock packages target multi-master setups we do not need.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis-connection.ts';
import { luaScript } from '../redis-script.ts';

export interface Lock {
  /** Extends the lease; false when the lock was lost (expired and taken by someone else). */
  extend(): Promise<boolean>;
  /**
   * Whether the lock is still this holder's, asked before what only the holder may do (a post):
   * without a call to Redis while the lease the last acquire or extension gave is surely running
   * (the first of `confirmWithinMs`, measured from before that call was sent), else by extending.
   * Saves a Redis round trip before nearly every post of a message handled within a second.
   */
  confirm(): Promise<boolean>;
  release(): Promise<void>;
  /**
   * Renews the lease in the background, every third of it, until released: work under the lock
   * may wait (for Slack's budget, a join) longer than one lease. Only while this process runs:
   * a crashed worker's lock still lapses after one lease.
   */
  renewWhileHeld(): void;
  /** True once an extension found the lock gone (lapsed and taken by someone else). */
  readonly lost: boolean;
}

export interface Locks {
  /** `leaseMs` overrides the default lease for this lock. */
  tryAcquire(name: string, leaseMs?: number): Promise<Lock | null>;
}

const releaseScript = luaScript(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`);
const extendScript = luaScript(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`);

/**
 * How long after an acquire or extension `confirm` trusts it without asking Redis: far inside any
 * lease (a third of it at most), and short, since the one thing that ends a lease early is Redis
 * losing its data (a restart without persistence, a failover to a replica behind), after which a
 * post within this window could go out twice, as one between a check and its post always could.
 */
const CONFIRM_WITHIN_MS = 1000;

export function createLocks(redis: RedisClient, prefix: string, defaultLeaseMs = 30_000): Locks {
  return {
    async tryAcquire(name, leaseMs = defaultLeaseMs) {
      const key = `${prefix}:lock:${name}`;
      const token = randomUUID();
      const trustMs = Math.min(CONFIRM_WITHIN_MS, leaseMs / 3);
      // performance.now(): a clock that never steps back, as Redis's lease does not.
      let confirmedAt = performance.now();
      const ok = await redis.set(key, token, 'PX', leaseMs, 'NX');
      if (ok !== 'OK') return null;
      let lost = false;
      let timer: ReturnType<typeof setInterval> | undefined;
      const extend = async () => {
        if (lost) return false;
        const sentAt = performance.now();
        const held = (await extendScript.run(redis, [key], [token, String(leaseMs)])) === 1;
        if (!held) lost = true;
        else confirmedAt = Math.max(confirmedAt, sentAt);
        return held;
      };
      return {
        extend,
        async confirm() {
          if (lost) return false;
          if (performance.now() - confirmedAt < trustMs) return true;
          return extend();
        },
        async release() {
          if (timer) clearInterval(timer);
          timer = undefined;
          await releaseScript.run(redis, [key], [token]);
        },
        renewWhileHeld() {
          if (timer || lost) return;
          timer = setInterval(
            () => {
              extend()
                .then((held) => {
                  if (!held && timer) clearInterval(timer);
                })
                // A failed renewal (Redis away) is tried again at the next tick; the lease decides.
                .catch(() => undefined);
            },
            Math.max(50, Math.floor(leaseMs / 3)),
          );
          timer.unref?.();
        },
        get lost() {
          return lost;
        },
      };
    },
  };
}

/** Tries for a lock for up to `waitMs` (short critical sections only); null if still held. */
export async function acquireWithin(locks: Locks, name: string, options: { waitMs: number; leaseMs?: number }): Promise<Lock | null> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const lock = await locks.tryAcquire(name, options.leaseMs);
    if (lock || Date.now() >= deadline) return lock;
    await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 25));
  }
}
