// A worker keeps the conversation records it read in memory (src/store/conversation-memo.ts) and
// never hands out one that a write, finished or cut short by a dead process, made stale. The
// "processes" here are compositions of the same store, each with its own memo, as web-deps and
// worker-main compose them; a dead writer is one that ran its count-in and its write, not its count-out.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import type { CommandStartedEvent } from 'mongodb';
import { startJobWorld, type JobWorld } from '../support/job-world.ts';
import { redisUrl } from '../support/services.ts';
import type { Store } from '../../src/store/index.ts';
import type { Conversation } from '../../src/platform/webhook-events.ts';
import { conversationVersions, memoizedConversations, withConversationBumps, type ConversationVersions } from '../../src/store/conversation-memo.ts';

describe('the conversation record memo', () => {
  let w: JobWorld;
  let redis: Redis;
  let versions: ConversationVersions;
  /** The same keys, lapsing two seconds after a write (a minute in the product). */
  let shortLived: ConversationVersions;
  let web: Store;
  const store: string[] = [];
  const count = (e: CommandStartedEvent) => store.push(`${e.commandName} ${String((e.command as Record<string, unknown>)[e.commandName])}`);

  beforeAll(async () => {
    w = await startJobWorld('conversation-memo', { monitorCommands: true });
    redis = new Redis(redisUrl());
    versions = conversationVersions(redis, w.prefix);
    shortLived = conversationVersions(redis, w.prefix, 2);
    web = withConversationBumps(w.store, versions);
    w.mongo.client.on('commandStarted', count);
  }, 60_000);
  afterAll(async () => {
    w?.mongo.client.off('commandStarted', count);
    redis?.disconnect();
    await w?.close();
  });

  const worker = () => memoizedConversations(web, versions, { ttlMs: 60_000, now: () => Date.now() });

  /** A chat the platform started, its snapshot recorded by the web-side store. */
  async function chat(name: string): Promise<Conversation> {
    const started = await w.platform.startConversation(w.orgId, { visitor: { name } });
    const event = w.events(started.id, 'conversation.started')[0]!;
    const conversation = (event.data as { conversation: Conversation }).conversation;
    await web.conversations.recordSnapshot(conversation, new Date());
    return conversation;
  }

  /** The store commands and Redis commands `run` made. */
  async function counted<T>(run: () => Promise<T>): Promise<{ value: T; store: string[]; redis: number }> {
    const sent = vi.spyOn(redis, 'sendCommand');
    store.length = 0;
    try {
      const value = await run();
      return { value, store: [...store], redis: sent.mock.calls.length };
    } finally {
      sent.mockRestore();
    }
  }

  const keysOf = (conversationId: string) => [
    `${w.prefix}:conversation-memo:${w.orgId}:${conversationId}:version`,
    `${w.prefix}:conversation-memo:${w.orgId}:${conversationId}:writing`,
  ];

  it('reads a record again from memory: one Redis command, no store command, and frozen', async () => {
    const conversation = await chat('Vera');
    const memo = worker();
    const first = await memo.conversations.get(w.orgId, conversation.id);
    expect(first?.conversation?.visitor.name).toBe('Vera');

    const again = await counted(() => memo.conversations.get(w.orgId, conversation.id));
    expect(again.value).toEqual(first);
    expect(again.store).toEqual([]);
    expect(again.redis).toBe(1);
    // Shared by every job of the process: a caller changing it throws instead of changing it for all.
    expect(() => {
      (again.value as { status: string }).status = 'ended';
    }).toThrow(TypeError);
  });

  it('reads a record right after its own process wrote it from the store, asking Redis nothing more, then from memory', async () => {
    const conversation = await chat('Abel');
    const memo = worker();
    expect((await memo.conversations.get(w.orgId, conversation.id))?.backlogged).toBe(false);
    const write = await counted(() => memo.conversations.setBacklogged(w.orgId, conversation.id, true, new Date()));
    expect(write.redis).toBe(2);

    const next = await counted(() => memo.conversations.get(w.orgId, conversation.id));
    expect(next.value?.backlogged).toBe(true);
    expect(next.store).toHaveLength(1);
    expect(next.redis).toBe(0);
    const again = await counted(() => memo.conversations.get(w.orgId, conversation.id));
    expect(again.value?.backlogged).toBe(true);
    expect(again.store).toEqual([]);
    expect(again.redis).toBe(1);
  });

  it('sees at once what another process wrote', async () => {
    const conversation = await chat('Wanda');
    const memo = worker();
    const otherWorker = worker();
    expect((await memo.conversations.get(w.orgId, conversation.id))?.undeliverableReason).toBeNull();

    await otherWorker.conversations.markUndeliverable(w.orgId, conversation.id, 'no channel', new Date());
    expect((await memo.conversations.get(w.orgId, conversation.id))?.undeliverableReason).toBe('no channel');

    await web.conversations.markEnded(w.orgId, conversation.id, 'visitor', new Date());
    expect((await memo.conversations.get(w.orgId, conversation.id))?.status).toBe('ended');
    // …and remembers that, once no write is in flight.
    expect((await counted(() => memo.conversations.get(w.orgId, conversation.id))).store).toEqual([]);
  });

  it('memoizes nothing while two writers overlap, until the second is done', async () => {
    const conversation = await chat('Xena');
    const memo = worker();
    await versions.beforeWrite(w.orgId, conversation.id);
    await versions.beforeWrite(w.orgId, conversation.id);
    await w.store.conversations.setBacklogged(w.orgId, conversation.id, true, new Date());
    await versions.afterWrite(w.orgId, conversation.id);
    for (let n = 0; n < 2; n++) {
      const read = await counted(() => memo.conversations.get(w.orgId, conversation.id));
      expect(read.value?.backlogged).toBe(true);
      expect(read.store).toHaveLength(1);
    }
    await w.store.conversations.setGapSince(w.orgId, conversation.id, new Date(), new Date());
    await versions.afterWrite(w.orgId, conversation.id);
    const after = await memo.conversations.get(w.orgId, conversation.id);
    expect(after?.gapSince).toBeInstanceOf(Date);
    expect((await counted(() => memo.conversations.get(w.orgId, conversation.id))).store).toEqual([]);
  });

  it('never serves a record that a writer who died before counting itself out made stale', async () => {
    const conversation = await chat('Yuri');
    const memo = memoizedConversations(web, shortLived, { ttlMs: 60_000, now: () => Date.now() });
    expect((await memo.conversations.get(w.orgId, conversation.id))?.backlogged).toBe(false);

    // The writer counts itself in; a reader comes before its write lands, then it lands and the writer dies.
    await shortLived.beforeWrite(w.orgId, conversation.id);
    expect((await memo.conversations.get(w.orgId, conversation.id))?.backlogged).toBe(false);
    await w.store.conversations.setBacklogged(w.orgId, conversation.id, true, new Date());

    // Until the keys lapse every read goes to the store, none memoized.
    for (let n = 0; n < 2; n++) {
      const read = await counted(() => memo.conversations.get(w.orgId, conversation.id));
      expect(read.value?.backlogged).toBe(true);
      expect(read.store).toHaveLength(1);
    }
    await expect.poll(() => redis.exists(...keysOf(conversation.id)), { timeout: 5_000, interval: 100 }).toBe(0);

    // Lapsed: the next read makes a version no memo holds, reads the record as the dead writer left it, and keeps it.
    const fresh = await counted(() => memo.conversations.get(w.orgId, conversation.id));
    expect(fresh.value?.backlogged).toBe(true);
    expect(fresh.store).toHaveLength(1);
    expect((await counted(() => memo.conversations.get(w.orgId, conversation.id))).store).toEqual([]);
  });

  it('trusts no memo once Redis lost the conversation version', async () => {
    const conversation = await chat('Zeno');
    const memo = worker();
    expect((await memo.conversations.get(w.orgId, conversation.id))?.meeting).toBeNull();
    // Written around the counted store while Redis restarted (its keys gone).
    await w.store.conversations.setMeeting(
      w.orgId,
      conversation.id,
      { agentId: w.agents.alice.agentId, agentName: 'Alice', startsAt: '2026-12-08T10:00:00Z' },
      new Date(),
    );
    await redis.del(...keysOf(conversation.id));
    expect((await memo.conversations.get(w.orgId, conversation.id))?.meeting?.agentName).toBe('Alice');
  });
});
