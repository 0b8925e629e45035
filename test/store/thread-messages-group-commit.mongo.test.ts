// The thread messages' group commit on the MongoDB-compatible server: concurrent jobs' inserts and
// marks share commands, and each caller still learns exactly what became of its own message (a
// redelivery, even in the same group as the first delivery, is "there already").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandStartedEvent } from 'mongodb';
import { connectMongo, createStore, ensureIndexes, type Mongo, type Store } from '../../src/store/index.ts';
import { createTokenCipher } from '../../src/crypto/token-cipher.ts';
import type { Message } from '../../src/platform/webhook-events.ts';
import { mongoUrl, uniqueDbName } from '../support/services.ts';

const now = new Date('2026-12-07T10:00:00Z');
const message = (seq: number): Message => ({
  id: `msg_${seq}`,
  seq,
  author: { type: 'visitor', id: 'v1', name: 'Vera', avatarUrl: null },
  text: `message ${seq}`,
  createdAt: now.toISOString(),
  origin: 'web',
  attachments: [],
  clientMessageId: null,
});

describe('thread messages written in groups', () => {
  let mongo: Mongo;
  let store: Store;
  const commands: string[] = [];
  const record = (e: CommandStartedEvent) => {
    if (e.commandName === 'insert' || e.commandName === 'update') commands.push(e.commandName);
  };

  beforeAll(async () => {
    mongo = await connectMongo(mongoUrl(), uniqueDbName('group-commit'), { monitorCommands: true });
    await ensureIndexes(mongo.db);
    store = createStore(mongo.db, createTokenCipher(Buffer.alloc(32, 5)));
    mongo.client.on('commandStarted', record);
  });
  afterAll(async () => {
    mongo?.client.off('commandStarted', record);
    await mongo?.db.dropDatabase();
    await mongo?.close();
  });

  it('stores 40 concurrent messages of 8 chats, redeliveries included, each once, in a few commands', async () => {
    commands.length = 0;
    const deliveries = Array.from({ length: 40 }, (_, i) => ({ conversationId: `conv_${i % 8}`, seq: Math.floor(i / 8) + 1 }));
    // Each delivered twice at once, as a platform retrying a slow webhook does.
    const results = await Promise.all([...deliveries, ...deliveries].map((d) => store.threadMessages.add('org_g', d.conversationId, message(d.seq), now)));
    const inserted = results.filter((r) => r !== null);
    expect(inserted).toHaveLength(40);
    expect(new Set(inserted.map((r) => `${r!.conversationId}:${r!.seq}`)).size).toBe(40);
    expect(commands.length, 'insert and update commands').toBeLessThan(10);
    for (let c = 0; c < 8; c++) {
      const stored = await store.threadMessages.list('org_g', `conv_${c}`);
      expect(stored.map((m) => [m.seq, m.state, m.slackTs, m.skipReason])).toEqual([1, 2, 3, 4, 5].map((seq) => [seq, 'pending', null, null]));
    }
  });

  it('marks the messages of 8 chats, marked at once, in a few commands, and a mark of a handled message changes nothing', async () => {
    commands.length = 0;
    await Promise.all(
      Array.from({ length: 8 }, (_, c) =>
        store.threadMessages.markHandled(
          'org_g',
          `conv_${c}`,
          [
            { seq: 1, slackTs: `100.${c}` },
            { seq: 2, skipReason: 'relayed from Slack' },
          ],
          now,
        ),
      ),
    );
    expect(commands.length).toBeLessThan(8);
    await store.threadMessages.markHandled('org_g', 'conv_0', [{ seq: 1, slackTs: '999.9' }], now);
    const conv0 = await store.threadMessages.list('org_g', 'conv_0');
    expect(conv0.slice(0, 3).map((m) => [m.seq, m.state, m.slackTs, m.skipReason])).toEqual([
      [1, 'posted', '100.0', null],
      [2, 'skipped', null, 'relayed from Slack'],
      [3, 'pending', null, null],
    ]);
    expect(await store.threadMessages.lastHandledSeq('org_g', 'conv_7')).toBe(2);
    expect((await store.threadMessages.pending('org_g', 'conv_7', 10)).map((m) => m.seq)).toEqual([3, 4, 5]);
  });

  it('a message stored once handled (posted before it was stored): inserted as posted, or, stored before, marked, a handled one keeping its state', async () => {
    commands.length = 0;
    await store.threadMessages.addHandled('org_h', 'conv_new', message(1), { seq: 1, slackTs: '200.1' }, now);
    expect(commands).toEqual(['insert']);
    // Stored pending by an earlier delivery, or a job that died before its post: marked.
    await store.threadMessages.add('org_h', 'conv_new', message(2), now);
    await store.threadMessages.addHandled('org_h', 'conv_new', message(2), { seq: 2, slackTs: '200.2' }, now);
    // Handled already: it keeps what it was.
    await store.threadMessages.addHandled('org_h', 'conv_new', message(1), { seq: 1, slackTs: '999.9' }, now);
    await store.threadMessages.addHandled('org_h', 'conv_new', message(3), { seq: 3, skipReason: 'relayed from Slack' }, now);
    expect((await store.threadMessages.list('org_h', 'conv_new')).map((m) => [m.seq, m.state, m.slackTs, m.skipReason, m.message.text])).toEqual([
      [1, 'posted', '200.1', null, 'message 1'],
      [2, 'posted', '200.2', null, 'message 2'],
      [3, 'skipped', null, 'relayed from Slack', 'message 3'],
    ]);
    expect(await store.threadMessages.lastHandledSeq('org_h', 'conv_new')).toBe(3);
    expect(await store.threadMessages.pending('org_h', 'conv_new', 10)).toEqual([]);
  });
});
