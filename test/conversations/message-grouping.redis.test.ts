// Group commit under load (src/jobs/processors/chat-event.processor.ts, bringMessage): a chat
// message whose job waited in the queue, with the job of the chat's next message waiting behind
// it, is stored and left for that job, which posts them as one Slack message. Against the real
// queue (the jobs are queued as the ingress queues them; the test takes them as a worker would),
// Redis, the MongoDB-compatible store and the Slack emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from 'bullmq';
import { startJobWorld, runJob, type JobWorld } from '../support/job-world.ts';
import { processChatEvent } from '../../src/jobs/processors/chat-event.processor.ts';
import { messageJobId } from '../../src/queues/queues.ts';
import { GROUP_SPAN } from '../../src/routing/message-grouping.ts';
import type { ChatEvent } from '../../src/platform/webhook-events.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';

describe('messages queued behind each other', () => {
  let w: JobWorld;
  let deps: WorkerDeps;

  beforeAll(async () => {
    w = await startJobWorld('message-grouping');
    deps = w.deps();
  }, 60_000);
  afterAll(async () => {
    await w?.close();
  });

  async function openChat(visitor: string) {
    const channel = await w.freshChannel(`grouping-${Math.random().toString(36).slice(2, 8)}`);
    const conversation = await w.platform.startConversation(w.orgId, { visitor: { name: visitor } });
    for (const event of w.events(conversation.id, 'conversation.started')) await runJob(() => processChatEvent(deps, event));
    const { thread } = (await w.store.conversations.get(w.orgId, conversation.id))!;
    return { channel, conversationId: conversation.id, threadTs: thread!.threadTs };
  }

  /** The visitor writes each text; each message's job is queued as the ingress queues it. */
  async function queued(conversationId: string, texts: string[]): Promise<Extract<ChatEvent, { type: 'message.created' }>[]> {
    const events = [];
    for (const text of texts) {
      await w.platform.visitorSays(w.orgId, conversationId, text);
      const event = w.events(conversationId, 'message.created').at(-1)!;
      if (event.type !== 'message.created') throw new Error('not a message');
      await deps.producer.addChatEvent(event);
      events.push(event);
    }
    return events;
  }

  /** Takes the event's job off the queue, as a worker does, and runs it as queued `waitedMs` ago. */
  async function take(event: Extract<ChatEvent, { type: 'message.created' }>, waitedMs: number, jobDeps = deps) {
    const job = await w.queues.chatEvents.getJob(messageJobId(event.orgId, event.data.conversationId, event.data.message.seq));
    expect(job, 'the message’s job is queued under its chat and seq').toBeDefined();
    await job!.remove();
    await runJob(() => processChatEvent(jobDeps, event, deps.now().getTime() - waitedMs));
  }

  const postsIn = (chat: { channel: string; threadTs: string }) =>
    w.slack
      .calls({ method: 'chat.postMessage' })
      .filter((c) => c.response.ok === true && c.params.channel === chat.channel && c.params.thread_ts === chat.threadTs)
      .map((c) => String(c.params.text));

  it('under load, each message waits for the next one queued behind it; the last posts them all as one message, all marked posted by it', async () => {
    const chat = await openChat('Gala');
    const [one, two, three] = await queued(chat.conversationId, ['one', 'two', 'three']);
    await take(one!, 5000);
    await take(two!, 5000);
    expect(postsIn(chat), 'nothing posted while a later message waits').toEqual([]);
    await take(three!, 5000);
    expect(postsIn(chat)).toEqual(['Gala (visitor): one\nGala (visitor): two\nGala (visitor): three']);
    const stored = await w.store.threadMessages.list(w.orgId, chat.conversationId);
    expect(stored.map((m) => m.state)).toEqual(['posted', 'posted', 'posted']);
    expect(new Set(stored.map((m) => m.slackTs)).size).toBe(1);
  });

  it('a message’s job counts as waiting while no worker has taken it: not once taken, nor finished, nor when none was queued', async () => {
    const chat = await openChat('Lena');
    const [one] = await queued(chat.conversationId, ['am I waiting?']);
    const seq = one!.data.message.seq;
    const waiting = () => deps.producer.messageWaiting(w.orgId, chat.conversationId, seq);
    expect(await waiting()).toBe(true);
    expect(await deps.producer.messageWaiting(w.orgId, chat.conversationId, seq + 1)).toBe(false);
    // A worker takes it (BullMQ's own fetch, as a worker process makes it), then finishes it.
    const connection = w.redis.duplicate();
    const worker = new Worker(w.queues.chatEvents.name, null, { connection, prefix: w.prefix });
    try {
      const taken = (await worker.getNextJob('test-token'))!;
      expect(taken.id).toBe(messageJobId(w.orgId, chat.conversationId, seq));
      expect(await waiting()).toBe(false);
      await taken.moveToCompleted('done', 'test-token', false);
      expect(await waiting()).toBe(false);
    } finally {
      await worker.close();
      connection.disconnect();
    }
  });

  it('unloaded (the job taken as soon as queued), a message goes out at once, even with the next one queued', async () => {
    const chat = await openChat('Hugo');
    const [one, two] = await queued(chat.conversationId, ['first', 'second']);
    await take(one!, 0);
    expect(postsIn(chat)).toEqual(['Hugo (visitor): first']);
    await take(two!, 0);
    expect(postsIn(chat)).toEqual(['Hugo (visitor): first', 'Hugo (visitor): second']);
  });

  it(`a visitor writing on into a backlog gets a post every ${GROUP_SPAN} messages, whatever waits behind`, async () => {
    const chat = await openChat('Ines');
    const texts = Array.from({ length: GROUP_SPAN + 2 }, (_, i) => `line ${i + 1}`);
    const events = await queued(chat.conversationId, texts);
    const seqs = events.map((e) => e.data.message.seq);
    // The GROUP_SPAN-th seq of the chat, wherever the visitor's messages start.
    const spanEnd = seqs.find((seq) => seq % GROUP_SPAN === 0)!;
    for (const event of events.slice(0, -1)) await take(event, 5000);
    const upTo = (seq: number) => events.filter((e) => e.data.message.seq <= seq).map((e) => `Ines (visitor): ${e.data.message.text}`);
    expect(postsIn(chat), 'the GROUP_SPAN-th posted what waited; the one after it waits for the last').toEqual([upTo(spanEnd).join('\n')]);
    await take(events.at(-1)!, 5000);
    expect(postsIn(chat)).toEqual([upTo(spanEnd).join('\n'), upTo(seqs.at(-1)!).slice(upTo(spanEnd).length).join('\n')]);
  });

  it('the next message’s job taken by another worker while this one was stored: this job posts its own, then that one its own, in order, at once', async () => {
    const chat = await openChat('Jon');
    const [one, two] = await queued(chat.conversationId, ['hi', 'anyone?']);
    // Waiting when first asked, taken by the time the message is stored.
    let asked = 0;
    const racing: WorkerDeps = {
      ...deps,
      producer: { ...deps.producer, messageWaiting: async (...args) => ++asked === 1 && deps.producer.messageWaiting(...args) },
    };
    await take(one!, 5000, racing);
    expect(asked).toBe(2);
    expect(postsIn(chat)).toEqual(['Jon (visitor): hi']);
    await take(two!, 5000);
    expect(postsIn(chat)).toEqual(['Jon (visitor): hi', 'Jon (visitor): anyone?']);
    // No gap was waited on (the thread would otherwise hold a sync for THREAD_GAP_WAIT_MS later).
    expect((await w.queues.threadSync.getJobs(['delayed', 'waiting'])).filter((j) => j.data.conversationId === chat.conversationId)).toEqual([]);
  });

  it('a message left for the next one, run again (a redelivery, a retry): nothing posted twice, and the next posts both', async () => {
    const chat = await openChat('Kai');
    const [one, two] = await queued(chat.conversationId, ['again', 'and again']);
    await take(one!, 5000);
    await runJob(() => processChatEvent(deps, one!, deps.now().getTime() - 5000));
    expect(postsIn(chat)).toEqual([]);
    await take(two!, 5000);
    await runJob(() => processChatEvent(deps, two!, deps.now().getTime() - 5000));
    expect(postsIn(chat)).toEqual(['Kai (visitor): again\nKai (visitor): and again']);
  });
});
