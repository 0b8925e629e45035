// How many store round trips each hot path makes: a chat start up to its parent message, a
// visitor's message up to its thread post, a rep's reply up to the platform. Each costs the
// MongoDB-compatible server a few milliseconds of CPU (docs/store-access-paths.md), the largest
// share of a message's cost: the bounds below are today's counts, and may only go down. So are the
// Redis commands the same jobs send (writing them to the socket led the worker's own CPU profile).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandStartedEvent } from 'mongodb';
import { startJobWorld, runJob, type JobWorld } from '../support/job-world.ts';
import { processChatEvent } from '../../src/jobs/processors/chat-event.processor.ts';
import { processSlackEvent } from '../../src/jobs/processors/slack-event.processor.ts';
import { processThreadSync } from '../../src/jobs/processors/thread-sync.processor.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';
import { installationVersions, memoizedTokens } from '../../src/installations/bot-token-memo.ts';
import { memoizedOrgFacts, orgFactVersions, withOrgFactBumps } from '../../src/store/org-facts-memo.ts';
import { conversationVersions, memoizedConversations, withConversationBumps } from '../../src/store/conversation-memo.ts';

describe('store round trips on the hot path', () => {
  let w: JobWorld;
  let deps: WorkerDeps;
  let channel: string;
  const commands: string[] = [];
  const redisCommands: string[] = [];
  const record = (e: CommandStartedEvent) => {
    const body = e.command as Record<string, unknown>;
    commands.push(`${e.commandName} ${String(body[e.commandName])}`);
  };

  beforeAll(async () => {
    w = await startJobWorld('round-trips', { monitorCommands: true });
    // The worker's bot tokens, the org facts a chat routes by and the conversation records come from
    // memory while no process changed them (as worker-main composes it).
    const base = w.deps();
    const versions = orgFactVersions(w.redis, w.prefix);
    const records = conversationVersions(w.redis, w.prefix);
    const store = memoizedConversations(
      memoizedOrgFacts(withConversationBumps(withOrgFactBumps(base.store, versions), records), versions, { ttlMs: 60_000, now: () => Date.now() }),
      records,
      { ttlMs: 60_000, now: () => Date.now() },
    );
    deps = {
      ...base,
      store: {
        ...store,
        installations: memoizedTokens(store.installations, installationVersions(w.redis, w.prefix), { ttlMs: 60_000, now: () => Date.now() }),
      },
    };
    channel = await w.freshChannel('round-trips');
    w.mongo.client.on('commandStarted', record);
    // Every Redis command the jobs send (the queues' too: they share the connection), named by its first key.
    const send = w.redis.sendCommand.bind(w.redis);
    w.redis.sendCommand = ((command: { name: string; args: unknown[] }) => {
      const keys = /^eval/.test(command.name) ? command.args.slice(2, 2 + Number(command.args[1])) : command.args.slice(0, 1);
      const more = command.name === 'mget' ? ` (+${command.args.length - 1})` : '';
      redisCommands.push(`${command.name} ${String(keys[0]).replace(w.prefix, '')}${more}`);
      return send(command as Parameters<typeof send>[0]);
    }) as typeof w.redis.sendCommand;
  }, 60_000);
  afterAll(async () => {
    w?.mongo.client.off('commandStarted', record);
    await w?.close();
  });

  /** The store round trips `run` makes; its Redis commands go to `redisOf[name]`. */
  const redisOf: Record<string, string[]> = {};
  async function counted(name: string, run: () => Promise<unknown>): Promise<string[]> {
    commands.length = 0;
    redisCommands.length = 0;
    await run();
    redisOf[name] = [...redisCommands];
    return [...commands];
  }

  it('a chat start, a visitor message and a rep reply each take a handful', async () => {
    // The first chat fetches the org's agents and groups; the figures are for the next one.
    const first = await w.platform.startConversation(w.orgId, { visitor: { name: 'Warm' } });
    for (const event of w.events(first.id, 'conversation.started')) await runJob(() => processChatEvent(deps, event));
    // The org's last Slack event is written once a minute per process (src/store/org-activity.repository.ts): this one takes the minute's write.
    const warmEvent = { type: 'app_home_opened', user: w.agents.alice.slackUserId, tab: 'messages', channel: 'D0WARM' };
    await runJob(() => processSlackEvent(deps, { teamId: w.teamId, eventId: 'EvWarm', eventTime: null, event: warmEvent }));

    const conversation = await w.platform.startConversation(w.orgId, { visitor: { name: 'Counted' } });
    const start = await counted('start', async () => {
      for (const event of w.events(conversation.id, 'conversation.started')) await runJob(() => processChatEvent(deps, event));
    });
    // The chat's first message derives the thread's cursor from the store; the next ones find its copy.
    await w.platform.visitorSays(w.orgId, conversation.id, 'hello');
    const firstEvent = w.events(conversation.id, 'message.created').at(-1)!;
    const firstMessage = await counted('firstMessage', () => runJob(() => processChatEvent(deps, firstEvent)));
    await w.platform.visitorSays(w.orgId, conversation.id, 'are you there?');
    const messageEvent = w.events(conversation.id, 'message.created').at(-1)!;
    const message = await counted('message', () => runJob(() => processChatEvent(deps, messageEvent)));

    const { thread } = (await w.store.conversations.get(w.orgId, conversation.id))!;
    const ts = await w.slack.postAsUser({ teamId: w.teamId, channel, user: w.agents.alice.slackUserId, text: 'Happy to help!', threadTs: thread!.threadTs });
    const job = {
      teamId: w.teamId,
      eventId: 'EvRoundTrips',
      eventTime: null,
      event: { type: 'message', channel, channel_type: 'channel', user: w.agents.alice.slackUserId, text: 'Happy to help!', ts, thread_ts: thread!.threadTs },
    };
    const reply = await counted('reply', () => runJob(() => processSlackEvent(deps, job)));

    console.log(
      `store round trips: chat start ${start.length}, first visitor message ${firstMessage.length}, visitor message ${message.length}, rep reply ${reply.length}\n` +
        Object.entries({ start, firstMessage, message, reply })
          .map(([k, list]) => `  ${k}: ${list.join(', ')}`)
          .join('\n'),
    );
    console.log(
      `redis commands: chat start ${redisOf.start!.length}, first visitor message ${redisOf.firstMessage!.length}, visitor message ${redisOf.message!.length}, rep reply ${redisOf.reply!.length}\n` +
        Object.entries(redisOf)
          .map(([k, list]) => `  ${k}: ${list.join(', ')}`)
          .join('\n'),
    );
    // What the user sees happened…
    expect(
      w.slack.calls({ method: 'chat.postMessage' }).filter((c) => c.response.ok === true && /hello|are you there\?/.test(String(c.params.text))),
    ).toHaveLength(2);
    expect(w.platform.conversation(w.orgId, conversation.id).messages.some((m) => m.text === 'Happy to help!')).toBe(true);
    // …in no more round trips than today.
    expect(start.length).toBeLessThanOrEqual(START_BOUND);
    // The first also reads the record the chat start's writes changed (the thread's cursor is
    // known: the start that claimed the thread kept its copy, none handled).
    expect(firstMessage.length).toBeLessThanOrEqual(MESSAGE_BOUND + 1);
    expect(message.length).toBeLessThanOrEqual(MESSAGE_BOUND);
    expect(reply.length).toBeLessThanOrEqual(REPLY_BOUND);
    // …and Redis commands: each script by its SHA, not its text sent again.
    expect(
      Object.values(redisOf)
        .flat()
        .filter((c) => c.startsWith('eval ')),
    ).toEqual([]);
    expect(redisOf.start!.length).toBeLessThanOrEqual(START_REDIS_BOUND);
    expect(redisOf.firstMessage!.length).toBeLessThanOrEqual(MESSAGE_REDIS_BOUND);
    expect(redisOf.message!.length).toBeLessThanOrEqual(MESSAGE_REDIS_BOUND);
    expect(redisOf.reply!.length).toBeLessThanOrEqual(REPLY_REDIS_BOUND);
  });

  it('five messages that waited for a busy thread go out in one sync of a handful of round trips, not a handful each', async () => {
    const conversation = await w.platform.startConversation(w.orgId, { visitor: { name: 'Batched' } });
    for (const event of w.events(conversation.id, 'conversation.started')) await runJob(() => processChatEvent(deps, event));
    await w.platform.visitorSays(w.orgId, conversation.id, 'first');
    await runJob(() => processChatEvent(deps, w.events(conversation.id, 'message.created').at(-1)!));
    // Another job holds the thread while five messages arrive: each stores itself and hands over.
    const holder = (await deps.locks.tryAcquire(`thread:${w.orgId}:${conversation.id}`))!;
    for (let n = 1; n <= 5; n++) {
      await w.platform.visitorSays(w.orgId, conversation.id, `waiting ${n}`);
      await processChatEvent(deps, w.events(conversation.id, 'message.created').at(-1)!);
    }
    await holder.release();
    const [handed] = (await w.queues.threadSync.getJobs(['delayed', 'waiting'])).filter((j) => j.data.conversationId === conversation.id);
    const batch = await counted('batch', () => runJob(() => processThreadSync(deps, handed!.data)));
    await handed!.remove();
    console.log(`store round trips: a batch of 5 messages ${batch.length}\n  batch: ${batch.join(', ')}`);

    const { thread } = (await w.store.conversations.get(w.orgId, conversation.id))!;
    const posts = w.slack.calls({ method: 'chat.postMessage' }).filter((c) => c.response.ok === true && c.params.thread_ts === thread!.threadTs);
    expect(posts.map((c) => String(c.params.text))).toEqual([
      'Batched (visitor): first',
      [1, 2, 3, 4, 5].map((n) => `Batched (visitor): waiting ${n}`).join('\n'),
    ]);
    expect(batch.length).toBeLessThanOrEqual(BATCH_BOUND);
  });
});

// Counted 2026-12-04 (docs/store-access-paths.md lists them one by one); a chat start and a
// first answer each write one more since issue 26: the chat's activity fact (one insert; the start's
// answer time comes from the settings the routing reads anyway). Since issue 29 a visitor message
// makes one fewer (no pending read after its post: startingPoint, conversation-thread.ts), and a chat
// start 6: the org's routing facts from the worker's memo, the thread recorded by one insert that is its claim.
// Then the conversation's record from the worker's memo while no process wrote it
// (src/store/conversation-memo.ts): a reply reads the record once, after its first answer was
// written. And a visitor message that is its thread's next is posted first and stored once, as
// posted (broughtAlone, conversation-thread.ts): a ping of the store before the post (shared by
// concurrent jobs) and one insert, where it was an insert and a mark (an update: FerretDB's
// costliest write).
const START_BOUND = 6;
const MESSAGE_BOUND = 2;
const REPLY_BOUND = 11;
// Issue 29: the pending messages read once (the record from memory), one write of the five states,
// and the pending read after the post that finds nothing more.
const BATCH_BOUND = 3;
// Redis commands, counted 2026-12-07 (issue 29), the queues' adds included: a chat start sent 21
// (its org facts' versions one GET each; one is the cursor's copy it keeps), a visitor message 8, a
// reply 10. The versions a start asks for together now go in one MGET, and the directory's run
// pointers in another; a read of the conversation's record right after the process wrote it takes
// the version that write left, and the writer posts with the token the thread's opening read.
const START_REDIS_BOUND = 16;
const MESSAGE_REDIS_BOUND = 8;
const REPLY_REDIS_BOUND = 9;
