// Lua scripts run by their SHA (src/redis-script.ts): the text goes over a connection once, and
// again after Redis forgot it (a restart or SCRIPT FLUSH), so a lock taken before the flush is
// still released after it; on a Redis Cluster too, whose node holding the keys' slot forgets it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { luaScript } from '../../src/redis-script.ts';
import { createLocks } from '../../src/locks/redis-locks.ts';
import { redisUrl, uniquePrefix } from '../support/services.ts';
import { useRedisCluster } from '../support/redis-cluster.ts';

describe('Lua scripts by SHA', () => {
  let redis: Redis;
  let admin: Redis;
  const prefix = uniquePrefix('script');
  /** What each command went out as, once sent: ioredis turns an EVALSHA into an EVAL when it sends the text. */
  const sent: Array<{ name: string }> = [];

  beforeAll(async () => {
    redis = new Redis(redisUrl(), { lazyConnect: true });
    await redis.connect();
    admin = new Redis(redisUrl());
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = ((command: { name: string }) => {
      sent.push(command);
      return send(command as Parameters<typeof send>[0]);
    }) as typeof redis.sendCommand;
  });
  afterAll(async () => {
    await redis?.quit();
    await admin?.quit();
  });

  // A text no other test sends, so its SHA is unknown to Redis until this test's first call.
  const lua = `-- ${prefix}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`;
  const sha = createHash('sha1').update(lua).digest('hex');
  const names = () => sent.splice(0).map((c) => c.name);

  it('sends the text once per connection, then the SHA', async () => {
    const incr = luaScript(lua);
    const key = `${prefix}:counter`;
    expect(await incr.run(redis, [key], [2])).toBe(2);
    expect(await incr.run(redis, [key], [3])).toBe(5);
    expect(await luaScript(lua).run(redis, [key], [1])).toBe(6);
    expect(names()).toEqual(['eval', 'evalsha', 'evalsha']);
    expect(await admin.script('EXISTS', sha)).toEqual([1]);
  });

  it('sends the text again after SCRIPT FLUSH, and goes on by SHA', async () => {
    const incr = luaScript(lua);
    const key = `${prefix}:flushed`;
    expect(await incr.run(redis, [key], [1])).toBe(1);
    await admin.script('FLUSH');
    expect(await admin.script('EXISTS', sha)).toEqual([0]);
    expect(await incr.run(redis, [key], [1])).toBe(2);
    expect(await incr.run(redis, [key], [1])).toBe(3);
    // The SHA refused with NOSCRIPT, the text resent, then the SHA known again.
    expect(names().slice(-4)).toEqual(['evalsha', 'evalsha', 'eval', 'evalsha']);
    expect(await admin.script('EXISTS', sha)).toEqual([1]);
  });

  it('releases a lock taken before Redis forgot its scripts', async () => {
    const locks = createLocks(redis, prefix, 5_000);
    const lock = (await locks.tryAcquire('thread:o:flushed'))!;
    expect(await lock.extend()).toBe(true);
    await admin.script('FLUSH');
    expect(await lock.extend()).toBe(true);
    await lock.release();
    expect(await admin.exists(`${prefix}:lock:thread:o:flushed`)).toBe(0);
    expect(await locks.tryAcquire('thread:o:flushed')).not.toBeNull();
  });
});

describe('Lua scripts by SHA on a Redis Cluster', () => {
  const c = useRedisCluster('script-cluster');

  it('runs a script on the node of its keys, before and after every node forgot it', async () => {
    const lua = `return redis.call('INCRBY', KEYS[1], ARGV[1]) + redis.call('INCRBY', KEYS[2], ARGV[1])`;
    const add = luaScript(lua);
    const keys = [`${c.prefix}:a`, `${c.prefix}:b`];
    expect(await add.run(c.client, keys, [1])).toBe(2);
    for (const port of c.cluster.ports) {
      const node = new Redis(port, '127.0.0.1');
      await node.script('FLUSH');
      node.disconnect();
    }
    expect(await add.run(c.client, keys, [1])).toBe(4);
    const locks = createLocks(c.client, c.prefix, 5_000);
    const lock = (await locks.tryAcquire('thread:o:c'))!;
    expect(await lock.extend()).toBe(true);
    await lock.release();
    expect(await locks.tryAcquire('thread:o:c')).not.toBeNull();
  });
});
