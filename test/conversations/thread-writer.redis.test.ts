// The thread writer against the emulators, in process: what Slack refuses never stalls a thread,
// a notification Slack refuses even as plain text is undeliverable and counted, and two workers
// never post the same message while one of them waits under the chat's lock for longer than
// the lock's lease.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobWorld, runJob, type JobWorld } from '../support/job-world.ts';
import { processChatEvent } from '../../src/jobs/processors/chat-event.processor.ts';
import { syncConversationThread } from '../../src/conversations/conversation-thread.ts';
import { slackFaults } from '../../emulators/slack/fault-injection.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';
import { processThreadSync } from '../../src/jobs/processors/thread-sync.processor.ts';

describe('the thread writer', () => {
  let w: JobWorld;
  let deps: WorkerDeps;
  let faults: ReturnType<typeof slackFaults>;

  beforeAll(async () => {
    w = await startJobWorld('thread-writer');
    deps = w.deps();
    faults = slackFaults(w.slack.url);
  }, 60_000);
  afterAll(async () => {
    await faults?.clear();
    await w?.close();
  });

  /** A new chat whose conversation.started has run: its thread is open. */
  async function openChat(visitor: string, options: { pageUrl?: string } = {}) {
    const conversation = await w.platform.startConversation(w.orgId, { visitor: { name: visitor }, ...(options.pageUrl ? { pageUrl: options.pageUrl } : {}) });
    for (const event of w.events(conversation.id, 'conversation.started')) await runJob(() => processChatEvent(deps, event));
    return conversation;
  }

  async function say(conversationId: string, text: string) {
    await w.platform.visitorSays(w.orgId, conversationId, text);
    const event = w.events(conversationId, 'message.created').at(-1)!;
    // Stored as the webhook would store it, without writing the thread: the test decides when.
    if (event.type !== 'message.created') throw new Error('not a message');
    await w.store.threadMessages.add(w.orgId, conversationId, event.data.message, deps.now());
  }

  const okPostsIn = (channel: string, threadTs: string) =>
    w.slack.calls({ method: 'chat.postMessage' }).filter((c) => c.response.ok === true && c.params.channel === channel && c.params.thread_ts === threadTs);

  it('messages whose thread another job is writing are handed to one sync, which posts them as one post once the writer is done', async () => {
    const channel = await w.freshChannel('handed-over');
    const conversation = await openChat('Hana');
    const { thread } = (await w.store.conversations.get(w.orgId, conversation.id))!;
    const holder = (await deps.locks.tryAcquire(`thread:${w.orgId}:${conversation.id}`))!;
    for (const text of ['first', 'second']) {
      await w.platform.visitorSays(w.orgId, conversation.id, text);
      await processChatEvent(deps, w.events(conversation.id, 'message.created').at(-1)!); // completes: no retry of its own
    }
    const handed = (await w.queues.threadSync.getJobs(['delayed', 'waiting'])).filter((j) => j.data.conversationId === conversation.id);
    expect(handed.map((j) => j.data.cause)).toEqual(['thread-busy']);
    expect(okPostsIn(channel, thread!.threadTs)).toHaveLength(0);

    await holder.release();
    await runJob(() => processThreadSync(deps, handed[0]!.data));
    await handed[0]!.remove();
    // Found waiting together, they go out together: each with its author line, under the app's name.
    const posts = okPostsIn(channel, thread!.threadTs);
    expect(posts.map((c) => [c.params.username, String(c.params.text)])).toEqual([[undefined, 'Hana (visitor): first\nHana (visitor): second']]);
    const stored = await w.store.threadMessages.list(w.orgId, conversation.id);
    expect(stored.map((m) => [m.seq, m.state, m.slackTs])).toEqual([
      [1, 'posted', posts[0]!.response.ts],
      [2, 'posted', posts[0]!.response.ts],
    ]);
  });

  it('a message whose predecessor was stored but never posted (its job died) goes out with it, after it, each once', async () => {
    const channel = await w.freshChannel('predecessor');
    const conversation = await openChat('Ines');
    const { thread } = (await w.store.conversations.get(w.orgId, conversation.id))!;
    await w.platform.visitorSays(w.orgId, conversation.id, 'one');
    await runJob(() => processChatEvent(deps, w.events(conversation.id, 'message.created').at(-1)!));
    await say(conversation.id, 'two'); // stored, its thread never written
    await w.platform.visitorSays(w.orgId, conversation.id, 'three');
    await runJob(() => processChatEvent(deps, w.events(conversation.id, 'message.created').at(-1)!));
    expect(okPostsIn(channel, thread!.threadTs).map((c) => String(c.params.text))).toEqual([
      'Ines (visitor): one',
      'Ines (visitor): two\nInes (visitor): three',
    ]);
  });

  it('a batch with a rep’s replies written in the thread: those skipped, the rest posted in order, one write of their states per post', async () => {
    const channel = await w.freshChannel('batch-with-replies');
    const conversation = await openChat('Jude');
    const { thread } = (await w.store.conversations.get(w.orgId, conversation.id))!;
    /** A rep's reply written in this thread, relayed to the platform, whose echo is stored as its webhook would store it. */
    async function repWrote(text: string, n: number) {
      const clientMessageId = `slack-batch-${conversation.id}-${n}`;
      await w.store.relayedReplies.claim(
        {
          clientMessageId,
          orgId: w.orgId,
          conversationId: conversation.id,
          teamId: w.teamId,
          channelId: channel,
          threadTs: thread!.threadTs,
          slackTs: `1700000000.00000${n}`,
          slackUserId: w.agents.alice.slackUserId,
          agentId: w.agents.alice.agentId,
        },
        deps.now(),
      );
      const echo = await deps.platform.sendAgentMessage({
        orgId: w.orgId,
        conversationId: conversation.id,
        agentId: w.agents.alice.agentId,
        text,
        clientMessageId,
        attachments: [],
      });
      await w.store.threadMessages.add(w.orgId, conversation.id, echo, deps.now());
    }
    await say(conversation.id, 'a');
    await repWrote('from Slack 1', 1);
    await say(conversation.id, 'b');
    await say(conversation.id, 'c');
    await repWrote('from Slack 2', 2);
    await say(conversation.id, 'd');
    const writes: number[][] = [];
    const counting: WorkerDeps = {
      ...deps,
      store: {
        ...deps.store,
        threadMessages: {
          ...deps.store.threadMessages,
          markHandled: (orgId, conversationId, marks, now) => {
            writes.push(marks.map((m) => m.seq));
            return deps.store.threadMessages.markHandled(orgId, conversationId, marks, now);
          },
        },
      },
    };
    await runJob(() => syncConversationThread(counting, w.orgId, conversation.id));
    const posts = okPostsIn(channel, thread!.threadTs);
    expect(posts.map((c) => String(c.params.text))).toEqual(['Jude (visitor): a', 'Jude (visitor): b\nJude (visitor): c', 'Jude (visitor): d']);
    expect(writes).toEqual([[1], [2, 3, 4], [5, 6]]);
    const stored = await w.store.threadMessages.list(w.orgId, conversation.id);
    expect(stored.map((m) => [m.seq, m.state, m.slackTs, m.skipReason])).toEqual([
      [1, 'posted', posts[0]!.response.ts, null],
      [2, 'skipped', null, 'relayed from Slack'],
      [3, 'posted', posts[1]!.response.ts, null],
      [4, 'posted', posts[1]!.response.ts, null],
      [5, 'skipped', null, 'relayed from Slack'],
      [6, 'posted', posts[2]!.response.ts, null],
    ]);
  });

  it('a combined post Slack refuses, in a thread behind the channel’s budget: the refused message is skipped at once and the others go out in order', async () => {
    const channel = await w.freshChannel('combined-refused');
    const paced = w.deps({ channelPostsPerSecond: 1 });
    const conversation = await openChat('Poppy');
    const { thread } = (await w.store.conversations.get(w.orgId, conversation.id))!;
    await say(conversation.id, 'one');
    await say(conversation.id, 'POISON two');
    await say(conversation.id, 'three');
    await w.store.conversations.setBacklogged(w.orgId, conversation.id, true, deps.now());
    // Slack refuses every post holding the poisoned message, with blocks or as plain text.
    await faults.add({ method: 'chat.postMessage', error: 'invalid_blocks', paramsContaining: 'POISON', forMs: 60_000 });
    try {
      // Bounded: before the fix the first message was retried against the spent budget forever.
      const runs = await runJob(() => syncConversationThread(paced, w.orgId, conversation.id), { maxRuns: 20, maxDelayMs: 1200 });
      expect(runs).toBeLessThan(20);
    } finally {
      await faults.clear();
    }
    const texts = okPostsIn(channel, thread!.threadTs).map((c) => String(c.params.text));
    expect(texts).toEqual(['Poppy (visitor): one', 'Poppy (visitor): three']);
    const stored = await w.store.threadMessages.list(w.orgId, conversation.id);
    expect(stored.map((m) => [m.seq, m.state, m.skipReason])).toEqual([
      [1, 'posted', null],
      [2, 'skipped', 'slack:invalid_blocks'],
      [3, 'posted', null],
    ]);
    expect((await w.store.conversations.get(w.orgId, conversation.id))!.soloThroughSeq).toBe(3);
  }, 30_000);

  it('a message whose blocks Slack refuses goes out as plain text, once', async () => {
    const channel = await w.freshChannel('plain-fallback');
    const conversation = await openChat('Quill');
    const { thread } = (await w.store.conversations.get(w.orgId, conversation.id))!;
    await say(conversation.id, 'BLOCKED words');
    await faults.add({ method: 'chat.postMessage', error: 'invalid_blocks', paramsContaining: '"blocks"', times: 1 });
    await runJob(() => syncConversationThread(deps, w.orgId, conversation.id));
    const posts = okPostsIn(channel, thread!.threadTs);
    expect(posts.map((c) => [c.params.text, c.params.blocks === undefined])).toEqual([['Quill (visitor): BLOCKED words', true]]);
    expect((await w.store.threadMessages.list(w.orgId, conversation.id))[0]!.state).toBe('posted');
  });

  it('a chat with a 3,100-character page URL gets its parent (the URL cut with an ellipsis)', async () => {
    const channel = await w.freshChannel('long-page-url');
    const conversation = await openChat('Ursula', { pageUrl: `https://shop.example/?utm_source=${'x'.repeat(3100)}` });
    const record = await w.store.conversations.get(w.orgId, conversation.id);
    expect(record!.thread?.channelId).toBe(channel);
    const parent = w.slack.messages(channel).find((m) => m.ts === record!.thread!.threadTs)!;
    expect(JSON.stringify(parent.blocks)).toContain('…');
  });

  it('a notification Slack refuses even as plain text: the chat is undeliverable with the reason, and counted', async () => {
    await w.freshChannel('refused-parent');
    const before = await w.store.conversations.countUndeliverable();
    await faults.add({ method: 'chat.postMessage', error: 'invalid_blocks', paramsContaining: 'New chat from Rex', forMs: 60_000 });
    try {
      await openChat('Rex');
    } finally {
      await faults.clear();
    }
    const conversation = w.platform
      .events()
      .filter((e) => e.type === 'conversation.started')
      .at(-1)!;
    const record = await w.store.conversations.get(w.orgId, (conversation.data as { conversation: { id: string } }).conversation.id);
    expect(record!.thread).toBeNull();
    expect(record!.undeliverableReason).toBe('Slack refused the notification (invalid_blocks)');
    expect(await w.store.conversations.countUndeliverable()).toBe(before + 1);
  });

  it('two workers, one waiting for the budget under the lock longer than the lock’s lease: every part posted once', async () => {
    const channel = await w.freshChannel('long-wait');
    const conversation = await openChat('Lena');
    const { thread } = (await w.store.conversations.get(w.orgId, conversation.id))!;
    // Long enough for three posts: each waits a second for the channel's budget, under a 300 ms lease.
    const long = Array.from({ length: 30_000 }, (_, i) => `w${i}`).join(' ');
    await say(conversation.id, long);
    const workerA = w.deps({ lockLeaseMs: 300, channelPostsPerSecond: 1, redis: w.redis.duplicate() });
    const workerB = w.deps({ lockLeaseMs: 300, channelPostsPerSecond: 1, redis: w.redis.duplicate() });
    const a = runJob(() => syncConversationThread(workerA, w.orgId, conversation.id), { maxDelayMs: 150 });
    await new Promise((r) => setTimeout(r, 50));
    const b = runJob(() => syncConversationThread(workerB, w.orgId, conversation.id), { maxDelayMs: 150 });
    await Promise.all([a, b]);
    const posts = okPostsIn(channel, thread!.threadTs);
    expect(posts.length).toBeGreaterThan(1);
    const parts = posts.map((c) => JSON.stringify(c.params.blocks));
    expect(new Set(parts).size).toBe(parts.length);
    expect((await w.store.threadMessages.list(w.orgId, conversation.id))[0]!.state).toBe('posted');
  }, 30_000);

  it('a burst of visitor messages across a workspace’s channels, past its posting burst: each job posts its message in one run, none sent back to wait', async () => {
    // One chat per channel: only the workspace's budget (8 a second, bursts of 8) stands between
    // the ten posts, the last two a slot or two behind.
    const chats: Array<{ conversationId: string; channel: string; threadTs: string }> = [];
    for (let i = 0; i < 10; i++) {
      const channel = await w.freshChannel(`burst-${i}`);
      const conversation = await openChat(`Burst ${i}`);
      chats.push({ conversationId: conversation.id, channel, threadTs: (await w.store.conversations.get(w.orgId, conversation.id))!.thread!.threadTs });
    }
    const paced = w.deps({ channelPostsPerSecond: 1 });
    for (const chat of chats) await w.platform.visitorSays(w.orgId, chat.conversationId, `burst question ${chat.channel}`);
    const runs = await Promise.all(chats.map((chat) => runJob(() => processChatEvent(paced, w.events(chat.conversationId, 'message.created').at(-1)!))));
    expect(runs).toEqual(chats.map(() => 1));
    for (const chat of chats) {
      expect(okPostsIn(chat.channel, chat.threadTs).map((c) => String(c.params.text))).toEqual([
        `Burst ${chats.indexOf(chat)} (visitor): burst question ${chat.channel}`,
      ]);
      expect((await w.store.conversations.get(w.orgId, chat.conversationId))!.backlogged).toBe(false);
    }
  }, 30_000);

  it('a message posted before it is stored, whose post must wait for the channel: stored as pending before its job goes back to wait, posted once on the retry', async () => {
    const channel = await w.freshChannel('post-first-wait');
    const conversation = await openChat('Pia');
    const { thread } = (await w.store.conversations.get(w.orgId, conversation.id))!;
    const paced = w.deps({ channelPostsPerSecond: 1 });
    await w.platform.visitorSays(w.orgId, conversation.id, 'first');
    await processChatEvent(paced, w.events(conversation.id, 'message.created').at(-1)!);
    await w.platform.visitorSays(w.orgId, conversation.id, 'second');
    const second = w.events(conversation.id, 'message.created').at(-1)!;
    // The channel's next post is a second away: longer than a post waits in place.
    await expect(processChatEvent(paced, second)).rejects.toThrow(/budget/i);
    expect((await w.store.threadMessages.list(w.orgId, conversation.id)).map((m) => [m.seq, m.state])).toEqual([
      [1, 'posted'],
      [2, 'pending'],
    ]);
    await runJob(() => processChatEvent(paced, second));
    expect(okPostsIn(channel, thread!.threadTs).map((c) => String(c.params.text))).toEqual(['Pia (visitor): first', 'Pia (visitor): second']);
    expect((await w.store.threadMessages.list(w.orgId, conversation.id)).map((m) => [m.seq, m.state])).toEqual([
      [1, 'posted'],
      [2, 'posted'],
    ]);
  }, 30_000);

  it('a store that answers pings but refuses writes: the message posted before its insert goes out once more when writes return, not once a retry', async () => {
    const channel = await w.freshChannel('writes-refused');
    const conversation = await openChat('Rhea');
    const { thread } = (await w.store.conversations.get(w.orgId, conversation.id))!;
    const real = deps.store.threadMessages;
    let refusing = true;
    let failed = false;
    const refuse = () => {
      failed = true;
      throw new Error('write refused (disk full)');
    };
    const threadMessages = {
      ...real,
      add: (...args: Parameters<typeof real.add>) => (refusing ? refuse() : real.add(...args)),
      addHandled: (...args: Parameters<typeof real.addHandled>) => (refusing ? refuse() : real.addHandled(...args)),
      lastWriteFailed: () => failed,
    };
    const refused: WorkerDeps = { ...deps, store: { ...deps.store, threadMessages } };
    await w.platform.visitorSays(w.orgId, conversation.id, 'hello?');
    const event = w.events(conversation.id, 'message.created').at(-1)!;
    // Posted ahead of its insert, which fails; the retries store first and fail before posting.
    for (let attempt = 0; attempt < 4; attempt++) await expect(processChatEvent(refused, event)).rejects.toThrow(/write refused/);
    expect(okPostsIn(channel, thread!.threadTs)).toHaveLength(1);
    refusing = false;
    await runJob(() => processChatEvent(refused, event));
    // The one window no design closes (a post whose recording failed) costs one repeat, not one a retry.
    expect(okPostsIn(channel, thread!.threadTs).map((c) => String(c.params.text))).toEqual(['Rhea (visitor): hello?', 'Rhea (visitor): hello?']);
    expect((await w.store.threadMessages.list(w.orgId, conversation.id)).map((m) => [m.seq, m.state])).toEqual([[1, 'posted']]);
  }, 30_000);
});
