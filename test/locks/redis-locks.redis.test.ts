// The conversation lock's promise to its holder (src/locks/redis-locks.ts): one holder at a time,
// and `confirm`, asked before each post, answers from the lease it knows is running and asks
// Redis once that knowledge is older than a second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createLocks } from '../../src/locks/redis-locks.ts';
import { redisUrl, uniquePrefix } from '../support/services.ts';

describe('conversation locks', () => {
  let redis: Redis;
  const prefix = uniquePrefix('locks');
  const commands: string[] = [];

  beforeAll(async () => {
    redis = new Redis(redisUrl());
    // Counts what this client sends, as a socket would see it.
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = ((command: { name: string }) => {
      commands.push(command.name);
      return send(command as Parameters<typeof send>[0]);
    }) as typeof redis.sendCommand;
  });
  afterAll(async () => {
    await redis?.quit();
  });

  it('has one holder at a time, and is free again once released', async () => {
    const locks = createLocks(redis, prefix, 5_000);
    const first = await locks.tryAcquire('thread:o:c1');
    expect(first).not.toBeNull();
    expect(await locks.tryAcquire('thread:o:c1')).toBeNull();
    await first!.release();
    const second = await locks.tryAcquire('thread:o:c1');
    expect(second).not.toBeNull();
    await second!.release();
  });

  it('confirms a lock just taken without asking Redis, and asks once a second has passed', async () => {
    const locks = createLocks(redis, prefix, 5_000);
    const lock = (await locks.tryAcquire('thread:o:c2'))!;
    commands.length = 0;
    expect(await lock.confirm()).toBe(true);
    expect(await lock.confirm()).toBe(true);
    expect(commands).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_050));
    expect(await lock.confirm()).toBe(true);
    expect(commands).toEqual(['evalsha']);
    // The extension it made is trusted for the next second.
    expect(await lock.confirm()).toBe(true);
    expect(commands).toEqual(['evalsha']);
    await lock.release();
  });

  it('says no once the lease lapsed and another holder took the lock', async () => {
    const locks = createLocks(redis, prefix, 300);
    const lapsed = (await locks.tryAcquire('thread:o:c3'))!;
    await new Promise((r) => setTimeout(r, 350));
    const taker = await locks.tryAcquire('thread:o:c3', 5_000);
    expect(taker).not.toBeNull();
    // A third of the 300 ms lease is long past: Redis is asked, and the lock is someone else's.
    expect(await lapsed.confirm()).toBe(false);
    expect(lapsed.lost).toBe(true);
    expect(await lapsed.confirm()).toBe(false);
    await lapsed.release();
    // Releasing a lost lock leaves the new holder's alone.
    expect(await locks.tryAcquire('thread:o:c3')).toBeNull();
    await taker!.release();
  });
});
