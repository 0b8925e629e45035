// Every job is safe to run twice and safe to die half-way. For each job type (chat events of
// every kind, Slack events and interactions, reminders and their escalation, the transcript, an
// org change, a thread sync, an answer in the app's DM), the test runs the job once and counts
// its outside calls; runs it again and checks nothing more reached Slack or the platform; then,
// for every k, runs it on fresh state with the worker dying right after its k-th outside call
// (that call took effect, nothing after it did, its locks lapse), retries it to completion, and
// compares what Slack and the platform received with the clean run.
//
// The one difference allowed is the one no design can close: a worker dying between Slack
// accepting a post and the worker recording it posts that one post again on retry (Slack has
// no idempotency key for chat.postMessage, and reading threads back is Tier 1). Everything else
// — every other crash point, and every platform call (clientMessageId, clientRequestId) — must
// come out exactly as the clean run: nothing lost, nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobWorld, runJob, type JobWorld } from '../support/job-world.ts';
import { compare, instrument, mark, platformEffects, slackEffect, slackEffects } from './crash-harness.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';
import { processChatEvent } from '../../src/jobs/processors/chat-event.processor.ts';
import { processSlackEvent } from '../../src/jobs/processors/slack-event.processor.ts';
import { processSlackInteraction } from '../../src/jobs/processors/slack-interaction.processor.ts';
import { processThreadSync } from '../../src/jobs/processors/thread-sync.processor.ts';
import { processOrgChanged } from '../../src/jobs/processors/org-changed.processor.ts';
import { processRemindersJob } from '../../src/jobs/processors/reminders.processor.ts';
import { pushTranscript } from '../../src/jobs/processors/transcript.processor.ts';
import { CLAIM_LEASE_MS } from '../../src/store/lease-claims.ts';
import { BOOK_MEETING_VIEW, COLLECT_INFO_VIEW } from '../../src/slack/format/shortcut-views.ts';
import type { ChatEvent, Message } from '../../src/platform/webhook-events.ts';

interface Prepared {
  conversationId: string;
  /** The channel the chat's primary thread is in. */
  channel: string;
  run(deps: WorkerDeps): Promise<void>;
}

interface Scenario {
  name: string;
  prepare(w: JobWorld, live: WorkerDeps, n: number): Promise<Prepared>;
  /** Effects kept outside Slack and the platform (Redis, the queues), as lines, for jobs whose output is there. */
  observe?(w: JobWorld, prepared: Prepared): Promise<string[]>;
}

const LEASE_MS = 150;

async function process(deps: WorkerDeps, event: ChatEvent | undefined): Promise<void> {
  if (!event) throw new Error('no such event');
  await processChatEvent(deps, event);
}

/** A new chat in a channel of its own whose conversation.started has run (and optionally messages posted). */
async function openChat(w: JobWorld, live: WorkerDeps, n: number, options: { withBob?: boolean; say?: string[]; routingGroupId?: string } = {}) {
  const channel = await w.freshChannel(`crash-${n}-${Math.random().toString(36).slice(2, 8)}`, { withBob: options.withBob ?? true });
  const conversation = await w.platform.startConversation(w.orgId, {
    visitor: { name: 'Vera' },
    ...(options.routingGroupId ? { routingGroupId: options.routingGroupId } : {}),
  });
  await runJob(() => process(live, w.events(conversation.id, 'conversation.started')[0]));
  for (const text of options.say ?? []) {
    await w.platform.visitorSays(w.orgId, conversation.id, text);
    await runJob(() => process(live, w.events(conversation.id, 'message.created').at(-1)));
  }
  const record = (await w.store.conversations.get(w.orgId, conversation.id))!;
  return { channel, conversationId: conversation.id, thread: record.thread! };
}

/** A chat opened as openChat opens it, and the message.created events of the visitor's two `texts`, not yet run. */
async function twoMessages(w: JobWorld, live: WorkerDeps, n: number, texts: [string, string]) {
  const chat = await openChat(w, live, n);
  for (const text of texts) await w.platform.visitorSays(w.orgId, chat.conversationId, text);
  const [first, second] = w.events(chat.conversationId, 'message.created');
  if (!first || !second) throw new Error('no messages');
  return { chat, first, second };
}

function blockActions(w: JobWorld, user: string, container: Record<string, string>, action: { action_id: string; value: string }) {
  return {
    teamId: w.teamId,
    payload: {
      type: 'block_actions',
      team: { id: w.teamId },
      user: { id: user },
      container,
      actions: [{ ...action, action_ts: `${Date.now()}.1` }],
      trigger_id: `t${Math.random()}`,
    },
  };
}

function viewSubmission(w: JobWorld, user: string, callbackId: string, context: Record<string, string>, values: Record<string, unknown>) {
  const id = `V${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
  return {
    teamId: w.teamId,
    payload: {
      type: 'view_submission',
      team: { id: w.teamId },
      user: { id: user },
      view: { id, hash: `h${id}`, callback_id: callbackId, private_metadata: JSON.stringify(context), state: { values } },
    },
  };
}

let groupId = '';

const scenarios: Scenario[] = [
  {
    name: 'conversation.started (the parent message)',
    async prepare(w) {
      const channel = await w.freshChannel(`started-${Math.random().toString(36).slice(2, 8)}`, { withBob: true });
      const conversation = await w.platform.startConversation(w.orgId, { visitor: { name: 'Vera' } });
      return { channel, conversationId: conversation.id, run: (deps) => process(deps, w.events(conversation.id, 'conversation.started')[0]) };
    },
  },
  {
    name: 'message.created (two messages into the thread)',
    async prepare(w, live, n) {
      const { chat, first, second } = await twoMessages(w, live, n, ['first question', 'second question']);
      if (first.type === 'message.created') await w.store.threadMessages.add(w.orgId, chat.conversationId, first.data.message, live.now());
      return { ...chat, run: (deps) => process(deps, second) };
    },
  },
  {
    name: 'message.created under load, left for the next message queued behind it, whose job posts both as one',
    async prepare(w, live, n) {
      const { chat, first, second } = await twoMessages(w, live, n, ['left for the next', 'which takes both']);
      // Queued as the ingress queues them, and left there: the first's job finds the second's waiting.
      for (const event of [first, second]) await live.producer.addChatEvent(event);
      const queuedAt = live.now().getTime() - 5000;
      return {
        ...chat,
        run: async (deps) => {
          await processChatEvent(deps, first, queuedAt);
          await processChatEvent(deps, second, queuedAt);
        },
      };
    },
  },
  {
    name: 'conversation.updated (visitor identified)',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n);
      await w.platform.updateConversation(w.orgId, chat.conversationId, { visitor: { email: 'vera@example.com', company: 'Example Co' } });
      return { ...chat, run: (deps) => process(deps, w.events(chat.conversationId, 'conversation.updated')[0]) };
    },
  },
  {
    name: 'conversation.assigned (to someone who sees no thread: a thread in their DM)',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n, { withBob: false, say: ['hello?'] });
      await w.platform.assign(w.orgId, chat.conversationId, w.agents.bob.agentId);
      return { ...chat, run: (deps) => process(deps, w.events(chat.conversationId, 'conversation.assigned')[0]) };
    },
  },
  {
    name: 'conversation.ended (the rating prompt)',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n, { say: ['bye'] });
      await w.platform.end(w.orgId, chat.conversationId, 'visitor');
      return { ...chat, run: (deps) => process(deps, w.events(chat.conversationId, 'conversation.ended')[0]) };
    },
  },
  {
    name: 'meeting.booked',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n);
      const request = await live.platform.requestMeeting({
        orgId: w.orgId,
        conversationId: chat.conversationId,
        agentId: w.agents.alice.agentId,
        durationMinutes: 30,
        clientRequestId: `m-${n}`,
      });
      await w.platform.bookMeeting(w.orgId, request.id, '2026-12-01T15:00:00.000Z');
      return { ...chat, run: (deps) => process(deps, w.events(chat.conversationId, 'meeting.booked')[0]) };
    },
  },
  {
    name: 'form.submitted (with fields named constructor and toString)',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n);
      const request = await live.platform.requestForm({
        orgId: w.orgId,
        conversationId: chat.conversationId,
        agentId: w.agents.alice.agentId,
        fields: ['email'],
        clientRequestId: `f-${n}`,
      });
      await w.platform.submitForm(w.orgId, request.id, { email: 'vera@example.com' });
      const submitted = w.events(chat.conversationId, 'form.submitted')[0]!;
      if (submitted.type !== 'form.submitted') throw new Error('not a form');
      // The contract allows any field names; the emulator's forms only the five it offers.
      const hostile: ChatEvent = { ...submitted, data: { ...submitted.data, values: { ...submitted.data.values, constructor: 'x', toString: 'y' } } };
      return { ...chat, run: (deps) => process(deps, hostile) };
    },
  },
  {
    name: 'reminder, stage 1 (queued for the channel’s batch, stage 2 scheduled)',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n);
      return { ...chat, run: (deps) => processRemindersJob(deps, { orgId: w.orgId, conversationId: chat.conversationId, stage: 1 }, `r1-${n}`) };
    },
    async observe(w, prepared) {
      const due = (await w.redis.lrange(`${w.prefix}:reminders:due:${w.teamId}:${prepared.channel}`, 0, -1)).map(
        (r) => JSON.parse(r) as { conversationId: string },
      );
      const jobs = await w.queues.reminders.getJobs(['delayed', 'waiting']);
      return [
        ...[...new Set(due.filter((d) => d.conversationId === prepared.conversationId).map(() => 'reminder due in the channel'))],
        ...jobs.filter((j) => 'stage' in j.data && j.data.conversationId === prepared.conversationId).map((j) => `reminder job ${j.name}`),
        ...[...new Set(jobs.filter((j) => 'kind' in j.data && j.data.channelId === prepared.channel).map(() => 'channel reminders flush'))],
      ];
    },
  },
  {
    name: 'channel reminders (the due reminders sent)',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n);
      await live.reminderBatches.add(w.teamId, chat.channel, {
        orgId: w.orgId,
        conversationId: chat.conversationId,
        threadTs: chat.thread.threadTs,
        slackUserIds: [w.agents.alice.slackUserId],
      });
      // The flush job's id, the same for each of its retries.
      const jobId = `flush-${n}-${Math.random()}`;
      return { ...chat, run: (deps) => processRemindersJob(deps, { kind: 'channel-reminders', teamId: w.teamId, channelId: chat.channel }, jobId) };
    },
  },
  {
    name: 'reminder, stage 2 (escalation into the online members’ DMs)',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n, { say: ['anyone?'], routingGroupId: groupId });
      await w.store.slackRouting.setGroupChannel(w.orgId, groupId, chat.channel, live.now());
      await w.store.orgSettings.save({ orgId: w.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: null }, live.now());
      return { ...chat, run: (deps) => processRemindersJob(deps, { orgId: w.orgId, conversationId: chat.conversationId, stage: 2 }, `r2-${n}`) };
    },
  },
  {
    name: 'a rep’s reply from Slack (slack-events)',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n);
      const ts = await w.slack.postAsUser({
        teamId: w.teamId,
        channel: chat.channel,
        user: w.agents.alice.slackUserId,
        text: 'Happy to help!',
        threadTs: chat.thread.threadTs,
      });
      const job = {
        teamId: w.teamId,
        eventId: `Ev${n}`,
        eventTime: null,
        event: {
          type: 'message',
          channel: chat.channel,
          channel_type: 'channel',
          user: w.agents.alice.slackUserId,
          text: 'Happy to help!',
          ts,
          thread_ts: chat.thread.threadTs,
        },
      };
      return { ...chat, run: (deps) => processSlackEvent(deps, job) };
    },
    // The reply is the chat's first answer: recorded and announced whichever step the worker died after.
    async observe(w, prepared) {
      const record = await w.store.conversations.get(w.orgId, prepared.conversationId);
      return [`answered by ${record?.answeredBy?.agentId ?? 'nobody'}`, `answer announced: ${record?.answerAnnounced ?? false}`];
    },
  },
  {
    name: 'a message to the app in its DM (answered once)',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n);
      const opened = w.slack.openAppDm(w.teamId, w.agents.alice.slackUserId) as unknown as string | { id: string };
      const dm = typeof opened === 'string' ? opened : opened.id;
      const ts = await w.slack.postAsUser({ teamId: w.teamId, channel: dm, user: w.agents.alice.slackUserId, text: `hello app ${n}` });
      const job = {
        teamId: w.teamId,
        eventId: `EvDm${n}`,
        eventTime: null,
        event: { type: 'message', channel: dm, channel_type: 'im', user: w.agents.alice.slackUserId, text: `hello app ${n}`, ts },
      };
      return { ...chat, run: (deps) => processSlackEvent(deps, job) };
    },
  },
  {
    name: 'Join pressed (slack-interactions)',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n);
      const job = blockActions(
        w,
        w.agents.alice.slackUserId,
        { channel_id: chat.channel, message_ts: chat.thread.threadTs },
        { action_id: 'claim_chat', value: 'claim' },
      );
      return { ...chat, run: (deps) => processSlackInteraction(deps, job as never) };
    },
  },
  {
    name: 'a lead rated (slack-interactions)',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n);
      await w.platform.end(w.orgId, chat.conversationId, 'visitor');
      await runJob(() => process(live, w.events(chat.conversationId, 'conversation.ended')[0]));
      const prompt = (await w.store.conversations.get(w.orgId, chat.conversationId))!.endPrompt as { ts: string };
      const job = blockActions(
        w,
        w.agents.alice.slackUserId,
        { channel_id: chat.channel, message_ts: prompt.ts, thread_ts: chat.thread.threadTs },
        { action_id: 'qualify_lead:hot', value: 'hot' },
      );
      return { ...chat, run: (deps) => processSlackInteraction(deps, job as never) };
    },
  },
  {
    name: 'Book a meeting submitted (a meeting request, with clientRequestId)',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n);
      const context = { orgId: w.orgId, conversationId: chat.conversationId, channelId: chat.channel, threadTs: chat.thread.threadTs };
      const job = viewSubmission(w, w.agents.alice.slackUserId, BOOK_MEETING_VIEW, context, {
        duration: { minutes: { type: 'static_select', selected_option: { value: '30' } } },
        calendar: { agent: { type: 'static_select', selected_option: { value: w.agents.alice.agentId } } },
      });
      return { ...chat, run: (deps) => processSlackInteraction(deps, job as never) };
    },
  },
  {
    name: 'Collect info submitted (a form request, with clientRequestId)',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n);
      const context = { orgId: w.orgId, conversationId: chat.conversationId, channelId: chat.channel, threadTs: chat.thread.threadTs };
      const job = viewSubmission(w, w.agents.alice.slackUserId, COLLECT_INFO_VIEW, context, {
        fields: { fields: { type: 'checkboxes', selected_options: [{ value: 'email' }, { value: 'phone' }] } },
      });
      return { ...chat, run: (deps) => processSlackInteraction(deps, job as never) };
    },
  },
  {
    name: 'the transcript pushed',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n, { say: ['one', 'two'] });
      return { ...chat, run: (deps) => pushTranscript(deps, { orgId: w.orgId, conversationId: chat.conversationId }) };
    },
  },
  {
    name: 'an org change routes an undeliverable chat again',
    async prepare(w, live) {
      await w.store.orgSettings.save({ orgId: w.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: null }, live.now());
      const conversation = await w.platform.startConversation(w.orgId, { visitor: { name: 'Vera' } });
      await runJob(() => process(live, w.events(conversation.id, 'conversation.started')[0]));
      const channel = await w.freshChannel(`org-change-${Math.random().toString(36).slice(2, 8)}`, { withBob: true });
      return { channel, conversationId: conversation.id, run: (deps) => processOrgChanged(deps, { orgId: w.orgId, cause: 'settings-changed' }) };
    },
  },
  {
    name: 'a thread sync (messages waiting to be posted)',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n);
      await w.platform.visitorSays(w.orgId, chat.conversationId, 'waiting one');
      await w.platform.visitorSays(w.orgId, chat.conversationId, 'waiting two');
      for (const event of w.events(chat.conversationId, 'message.created')) {
        if (event.type === 'message.created') await w.store.threadMessages.add(w.orgId, chat.conversationId, event.data.message, live.now());
      }
      return { ...chat, run: (deps) => processThreadSync(deps, { orgId: w.orgId, conversationId: chat.conversationId, cause: 'gap-wait' }) };
    },
  },
  {
    name: 'a thread sync taking a batch (five messages and a rep’s reply written in the thread, pending together)',
    async prepare(w, live, n) {
      const chat = await openChat(w, live, n);
      const store = async (message: Message) => {
        await w.store.threadMessages.add(w.orgId, chat.conversationId, message, live.now());
      };
      for (const text of ['batch one', 'batch two']) await store(await w.platform.visitorSays(w.orgId, chat.conversationId, text));
      // The platform's echo of a reply a rep wrote in this thread: skipped in the batch, not posted back.
      const clientMessageId = `slack-crash-batch-${n}`;
      await w.store.relayedReplies.claim(
        {
          clientMessageId,
          orgId: w.orgId,
          conversationId: chat.conversationId,
          teamId: w.teamId,
          channelId: chat.channel,
          threadTs: chat.thread.threadTs,
          slackTs: `1700000000.${String(n).padStart(6, '0')}`,
          slackUserId: w.agents.alice.slackUserId,
          agentId: w.agents.alice.agentId,
        },
        live.now(),
      );
      const text = 'written in Slack';
      await store(
        await live.platform.sendAgentMessage({
          orgId: w.orgId,
          conversationId: chat.conversationId,
          agentId: w.agents.alice.agentId,
          text,
          clientMessageId,
          attachments: [],
        }),
      );
      for (const text of ['batch three', 'batch four', 'batch five']) await store(await w.platform.visitorSays(w.orgId, chat.conversationId, text));
      return { ...chat, run: (deps) => processThreadSync(deps, { orgId: w.orgId, conversationId: chat.conversationId, cause: 'thread-busy' }) };
    },
  },
];

describe('every job is safe to run twice and to die half-way', () => {
  let w: JobWorld;
  let live: WorkerDeps;
  let tried = 0;

  beforeAll(async () => {
    w = await startJobWorld('crash-safety');
    live = w.deps({ lockLeaseMs: LEASE_MS });
    groupId = w.platform.addRoutingGroup(w.orgId, { name: 'Sales', memberAgentIds: [w.agents.alice.agentId, w.agents.bob.agentId] }).id;
  }, 60_000);
  afterAll(async () => {
    console.log(`crash safety: ${tried} runs with a worker dying after one of its outside calls`);
    await w?.close();
  });

  async function channelNamer(prepared: Prepared) {
    const dms = new Map<string, string>();
    for (const [who, agent] of Object.entries(w.agents)) {
      const dm = await w.store.slackRouting.dmChannel(w.teamId, agent.slackUserId);
      if (dm) dms.set(dm, `dm:${who}`);
    }
    return (id: string) => (id === prepared.channel ? 'channel' : (dms.get(id) ?? `other:${id}`));
  }

  async function runHandedOverSyncs() {
    for (const job of await w.queues.threadSync.getJobs(['waiting', 'prioritized', 'delayed'])) {
      await runJob(() => processThreadSync(live, job.data), { maxDelayMs: 100 });
      await job.remove();
    }
  }

  let n = 0;
  it.each(scenarios.map((s) => [s.name, s] as const))(
    '%s',
    async (_name, scenario) => {
      // The clean run, counting the job's outside calls.
      const clean = await scenario.prepare(w, live, ++n);
      const since = mark(w);
      const counted = instrument(live, null, null);
      await runJob(() => clean.run(counted.deps), { maxDelayMs: 100 });
      const calls = counted.calls.length;
      const slackOnce = slackEffects(w, since, await channelNamer(clean));
      const observed = async (p: Prepared) => [...platformEffects(w, p.conversationId), ...((await scenario.observe?.(w, p)) ?? [])].sort();
      const platformOnce = await observed(clean);
      expect(slackOnce.length + platformOnce.length, 'the job did something').toBeGreaterThan(0);

      // Run twice: nothing more reaches Slack or the platform.
      await runJob(() => clean.run(live), { maxDelayMs: 100 });
      expect(slackEffects(w, since, await channelNamer(clean))).toEqual(slackOnce);
      expect(await observed(clean)).toEqual(platformOnce);

      // Die after each outside call in turn, then retry to completion.
      for (let k = 1; k <= calls; k++) {
        const prepared = await scenario.prepare(w, live, ++n);
        const at = mark(w);
        const attemptRedis = w.redis.duplicate();
        const doomed = instrument(w.deps({ lockLeaseMs: LEASE_MS, redis: attemptRedis }), k, attemptRedis);
        // Whatever the attempt threw once dead (the crash, or what its own catch blocks met next) is not looked at.
        await prepared.run(doomed.deps).catch(() => undefined);
        tried++;
        // The dead worker's claims lapse after their lease (its lock after LEASE_MS, in real time).
        w.clock.advance(CLAIM_LEASE_MS + 1000);
        await runJob(() => prepared.run(live), { maxDelayMs: 100 });
        // A retry that found the thread still locked by the dead worker hands its sync over to
        // the thread-sync queue (chat-event.processor.ts): run that too, as a worker would.
        await runHandedOverSyncs();
        const namer = await channelNamer(prepared);
        const slack = compare(slackOnce, slackEffects(w, at, namer));
        const fatal = doomed.fatal();
        // The one window no design closes: Slack took the post, the worker died before recording it.
        const window =
          fatal?.ok && fatal.what === 'slack.postMessage'
            ? slackEffect(
                {
                  method: 'chat.postMessage',
                  params: {
                    channel: (fatal.args[1] as { channel: string }).channel,
                    thread_ts: (fatal.args[1] as { threadTs?: string }).threadTs,
                    text: (fatal.args[1] as { text: string }).text,
                  },
                  response: { ok: true },
                },
                namer,
              )
            : null;
        const context = `died after call ${k} of ${calls} (${fatal?.what ?? 'none'})`;
        expect(slack.missing, `${context}: lost in Slack`).toEqual([]);
        expect(
          slack.extra.filter((line) => line !== window),
          `${context}: twice in Slack`,
        ).toEqual([]);
        expect(slack.extra.length, `${context}: the post in flight at most once more`).toBeLessThanOrEqual(1);
        expect(await observed(prepared), `${context}: the platform`).toEqual(platformOnce);
      }
    },
    240_000,
  );
});
