// Coalesced writes on the product's Redis connections (src/redis-write-coalescing.ts): what is sent
// in one turn of the event loop (a worker's jobs woken by one read of replies, the web's requests
// each in a callback of its own) leaves in one write to the socket, each command still getting its
// own reply, in order, errors included; a lone command is not held; a reconnection's new socket
// and a cluster's node connections coalesce too. Writes are counted where Node makes its system
// calls: the socket's handle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { createRedisClient, type RedisClient } from '../../src/redis-connection.ts';
import { luaScript } from '../../src/redis-script.ts';
import { redisUrl, uniquePrefix } from '../support/services.ts';
import { useRedisCluster } from '../support/redis-cluster.ts';

type Handle = Record<string, (...args: unknown[]) => unknown>;

/** Counts the write system calls made on `client`'s current socket from now on. */
function countWrites(client: Redis): { readonly count: number } {
  const handle = (client.stream as Socket & { _handle: Handle })._handle;
  let count = 0;
  for (const name of ['writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String', 'writeAsciiString']) {
    const original = handle[name]!;
    handle[name] = function (this: unknown, ...args: unknown[]) {
      count++;
      return original.apply(this, args);
    };
  }
  return {
    get count() {
      return count;
    },
  };
}

async function connected(client: Redis): Promise<void> {
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
}

describe('Redis writes coalesced per turn of the event loop: commands sent together, jobs woken together', () => {
  let client: Redis;
  const prefix = uniquePrefix('coalesce');

  beforeAll(async () => {
    client = createRedisClient({ REDIS_URL: redisUrl(), REDIS_TLS_SKIP_VERIFY: false }, { maxRetriesPerRequest: null }) as Redis;
    await connected(client);
  });
  afterAll(async () => {
    await client?.quit();
  });

  it('a hundred commands sent together leave in one write, each with its own reply, a script and an error among them', async () => {
    const add = luaScript(`return redis.call('INCRBY', KEYS[1], ARGV[1])`);
    await add.run(client, [`${prefix}:warm`], [1]); // the script's text sent once, before counting
    const writes = countWrites(client);
    const replies = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => {
        if (i === 50) return client.hincrby(`${prefix}:string`, 'field', 1); // WRONGTYPE once the key is a string
        if (i % 3 === 0) return add.run(client, [`${prefix}:sum`], [i]);
        return i === 1 ? client.set(`${prefix}:string`, 'x') : client.echo(`reply ${i}`);
      }),
    );
    expect(writes.count).toBe(1);
    replies.forEach((reply, i) => {
      if (i === 50) expect(reply).toMatchObject({ status: 'rejected', reason: { message: expect.stringContaining('WRONGTYPE') } });
      else if (i % 3 === 0) expect(reply.status).toBe('fulfilled');
      else expect(reply).toEqual({ status: 'fulfilled', value: i === 1 ? 'OK' : `reply ${i}` });
    });
    expect(await client.get(`${prefix}:sum`)).toBe(String(Array.from({ length: 100 }, (_, i) => (i % 3 === 0 && i !== 50 ? i : 0)).reduce((a, b) => a + b)));
  });

  it('sixteen jobs each waiting for their last reply before the next command: their commands leave together as the replies come back together', async () => {
    const writes = countWrites(client);
    await Promise.all(
      Array.from({ length: 16 }, async (_, job) => {
        for (let step = 0; step < 10; step++) await client.incr(`${prefix}:job:${job}`);
      }),
    );
    // One write per step for all sixteen jobs, give or take replies split across reads.
    expect(writes.count).toBeLessThanOrEqual(20);
    expect(await client.get(`${prefix}:job:15`)).toBe('10');
  });

  it('a lone command is not held for others: each of a job’s sequential commands leaves at once', async () => {
    const writes = countWrites(client);
    for (let i = 0; i < 5; i++) expect(await client.incr(`${prefix}:alone`)).toBe(i + 1);
    expect(writes.count).toBe(5);
  });

  it('after a reconnection, the new socket coalesces too', async () => {
    const before = client.stream;
    const reconnected = new Promise((resolve) => client.once('ready', resolve));
    client.stream.destroy();
    await reconnected;
    expect(client.stream).not.toBe(before);
    const writes = countWrites(client);
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => client.echo(`again ${i}`)));
    expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => `again ${i}`));
    expect(writes.count).toBe(1);
  });
});

describe('Redis writes coalesced per turn of the event loop: requests arriving together', () => {
  let client: Redis;
  let server: Server;
  const senders: Socket[] = [];
  const prefix = uniquePrefix('coalesce-turn');

  beforeAll(async () => {
    client = createRedisClient({ REDIS_URL: redisUrl(), REDIS_TLS_SKIP_VERIFY: false }, { maxRetriesPerRequest: 1 }) as Redis;
    await connected(client);
  });
  afterAll(async () => {
    for (const sender of senders) sender.destroy();
    server?.close();
    await client?.quit();
  });

  it('what twenty requests arriving in one turn each send leaves in one write, each with its own reply', async () => {
    // Twenty connections whose bytes are all waiting when the loop next polls: their data
    // callbacks run in one turn, each sending its own command, as the web's webhooks do.
    const replies: Array<Promise<number>> = [];
    let arrived!: () => void;
    const allArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    server = createServer((socket) => {
      socket.once('data', () => {
        replies.push(client.incr(`${prefix}:requests`));
        if (replies.length === 20) arrived();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    for (let i = 0; i < 20; i++)
      senders.push(
        await new Promise<Socket>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => resolve(socket));
        }),
      );
    const writes = countWrites(client);
    for (const sender of senders) sender.write('x');
    await allArrived;
    expect((await Promise.all(replies)).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(writes.count).toBe(1);
  });

  it('a lone command leaves in the turn it was sent', async () => {
    const writes = countWrites(client);
    for (let i = 0; i < 3; i++) expect(await client.incr(`${prefix}:alone`)).toBe(i + 1);
    expect(writes.count).toBe(3);
  });
});

describe('Redis writes coalesced on a Redis Cluster', () => {
  const c = useRedisCluster('coalesce-cluster');

  it("commands sent together to the node of the prefix's slot leave in one write", async () => {
    await c.client.set(`${c.prefix}:warm`, '1');
    const nodes = (c.client as Exclude<RedisClient, Redis>).nodes('master');
    const node = nodes.find((n) => n.status === 'ready' && n.stream);
    expect(node).toBeDefined();
    const counters = nodes.filter((n) => n.stream).map((n) => countWrites(n));
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => c.client.incr(`${c.prefix}:n:${i % 3}`)));
    expect(replies.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => Math.floor(i / 3) + 1));
    expect(counters.reduce((sum, c) => sum + c.count, 0)).toBe(1);
  });
});
