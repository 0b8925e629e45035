// A chat's first facts are inserted, not upserted (mongo.ts groupedInserts' insertElse): what a
// chat start writes must come out the same when some of them exist already (a message came first,
// the platform delivered conversation.started again with news, several deliveries race), and a
// thread's lookup written again by a retried job still finds its chat. The inserts of chats
// started at once share commands, each chat still getting exactly its own outcome.
import { describe, expect, it } from 'vitest';
import type { CommandStartedEvent } from 'mongodb';
import { channelNotification, useTestStore } from '../support/test-store.ts';
import type { Conversation } from '../../src/platform/webhook-events.ts';

const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 9, 0, s));
const chat = (orgId: string, id: string, visitor: string | null): Conversation => ({
  id,
  orgId,
  routingGroupId: 'g_sales',
  source: 'web',
  pageUrl: null,
  startedAt: at(1).toISOString(),
  visitor: { id: `v_${id}`, name: visitor, email: null, company: null },
  account: null,
});

const t = useTestStore('first-facts', { monitorCommands: true });

describe("a chat's first facts", () => {
  it('a new chat: its snapshot, created and updated when it started', async () => {
    await t.store.conversations.recordSnapshot(chat('org_f', 'new', 'Nora'), at(2));
    expect(await t.store.conversations.get('org_f', 'new')).toMatchObject({
      conversation: { visitor: { name: 'Nora' } },
      status: 'open',
      thread: null,
      createdAt: at(2),
      updatedAt: at(2),
    });
    expect((await t.store.conversations.listOpen('org_f', 10)).map((c) => c.visitorName)).toEqual(['Nora']);
  });

  it('a message came first: the chat keeps the createdAt that message gave it and gets its snapshot', async () => {
    await t.store.conversations.ensure('org_f', 'late-start', at(2));
    await t.store.conversations.recordSnapshot(chat('org_f', 'late-start', 'Lola'), at(5));
    expect(await t.store.conversations.get('org_f', 'late-start')).toMatchObject({
      conversation: { visitor: { name: 'Lola' } },
      createdAt: at(2),
      updatedAt: at(5),
    });
  });

  it('delivered again with news: the newer snapshot wins, createdAt stays the first', async () => {
    await t.store.conversations.recordSnapshot(chat('org_f', 'again', null), at(2));
    await t.store.conversations.recordSnapshot(chat('org_f', 'again', 'Vera Identified'), at(7));
    expect(await t.store.conversations.get('org_f', 'again')).toMatchObject({
      conversation: { visitor: { name: 'Vera Identified' } },
      createdAt: at(2),
      updatedAt: at(7),
    });
    expect((await t.store.conversations.listOpen('org_f', 10)).filter((c) => c.conversationId === 'again')).toHaveLength(1);
  });

  it('eight deliveries racing: one complete record, no error', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => t.store.conversations.recordSnapshot(chat('org_f', 'race', 'Rita'), at(2 + i))));
    const record = await t.store.conversations.get('org_f', 'race');
    expect(record).toMatchObject({ conversation: { visitor: { name: 'Rita' } }, status: 'open' });
    expect(record!.createdAt.getTime()).toBeGreaterThanOrEqual(at(2).getTime());
  });

  it("a thread's lookup written twice (a retried job) still finds its chat, and another org's chat never", async () => {
    const thread = { teamId: 'T_FF', channelId: 'C_FF', threadTs: '1796640000.000100' };
    const notification = channelNotification('group', 'Sales');
    await t.store.conversations.recordSnapshot(chat('org_f', 'threaded', 'Tess'), at(2));
    expect(await t.store.conversations.attachThread('org_f', 'threaded', thread, notification, [], at(3))).toBe(true);
    expect(await t.store.conversations.attachThread('org_f', 'threaded', thread, notification, [], at(4))).toBe(false);
    expect(await t.store.conversations.findByThread(thread)).toEqual({ orgId: 'org_f', conversationId: 'threaded' });
    expect(await t.store.conversations.findByThread({ ...thread, threadTs: '1796640000.000200' })).toBeNull();
  });

  it('sixteen chats started at once, each delivered twice: their facts, activity and threads in a few inserts, each chat whole, each thread claimed once', async () => {
    const inserts: string[] = [];
    const record = (e: CommandStartedEvent) => {
      if (e.commandName === 'insert') inserts.push(String(e.command.insert));
    };
    t.mongo.client.on('commandStarted', record);
    try {
      const ids = Array.from({ length: 16 }, (_, i) => `burst_${i}`);
      const started = await Promise.all(
        // Side by side, as a chat start writes them (chat-event.processor.ts).
        [...ids, ...ids].map(async (id) => {
          const [, counted] = await Promise.all([
            t.store.conversations.recordSnapshot(chat('org_b', id, `Visitor ${id}`), at(2)),
            t.store.chatActivity.record({
              orgId: 'org_b',
              conversationId: id,
              at: at(1),
              recordedAt: at(2),
              step: 'start',
              routingGroupId: 'g_sales',
              answerTimeMs: null,
            }),
          ]);
          return counted;
        }),
      );
      // Each chat's start counted once, by one of its two deliveries.
      expect(started.filter(Boolean)).toHaveLength(16);
      expect(inserts.length, `insert commands: ${inserts.join(', ')}`).toBeLessThanOrEqual(4);

      inserts.length = 0;
      const threadOf = (i: number) => ({ teamId: 'T_B', channelId: 'C_B', threadTs: `1796640000.${String(i).padStart(6, '0')}` });
      const claims = await Promise.all(
        [...ids, ...ids].map((id, n) => t.store.conversations.attachThread('org_b', id, threadOf(n % 16), channelNotification('group', 'Sales'), [], at(3))),
      );
      expect(ids.map((_, i) => [claims[i], claims[i + 16]].filter(Boolean).length)).toEqual(ids.map(() => 1));
      expect(inserts.length, `insert commands: ${inserts.join(', ')}`).toBeLessThanOrEqual(4);

      for (const [i, id] of ids.entries()) {
        expect(await t.store.conversations.get('org_b', id)).toMatchObject({
          conversation: { visitor: { name: `Visitor ${id}` } },
          status: 'open',
          thread: threadOf(i),
          createdAt: at(2),
        });
        expect(await t.store.conversations.findByThread(threadOf(i))).toEqual({ orgId: 'org_b', conversationId: id });
      }
    } finally {
      t.mongo.client.off('commandStarted', record);
    }
  });
});
