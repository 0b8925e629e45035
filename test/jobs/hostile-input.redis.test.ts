// Hostile input, generated: fast-check builds signed chat-platform webhooks, Slack events and
// Slack interactions (wrong types, huge strings, unicode, NUL bytes, __proto__ and constructor,
// keys with $ and ., deep nesting), sends each through the web app (app.inject), and runs every
// job the app queued through the worker's processors, against a connected workspace with open
// chats. Never a 5xx, never a processor throwing anything but a final failure, never a job that
// keeps coming back. Prints how many inputs it tried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildTestApp, newSecrets, type TestApp } from '../support/test-app.ts';
import { startJobWorld, runJob, type JobWorld } from '../support/job-world.ts';
import { signedHeaders as chatSignedHeaders } from '../../emulators/chat-platform/signing.ts';
import { signedHeaders as slackSignedHeaders } from '../../emulators/slack/signing.ts';
import { classifyFailure } from '../../src/queues/job-errors.ts';
import { processChatEvent } from '../../src/jobs/processors/chat-event.processor.ts';
import { processSlackEvent } from '../../src/jobs/processors/slack-event.processor.ts';
import { processSlackInteraction } from '../../src/jobs/processors/slack-interaction.processor.ts';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';
import type { Queue } from 'bullmq';
import { anyConversation, anyFormValues, anyMessage, anyText, hostileKey } from '../support/contract-arbitraries.ts';
import { chatEventTypes } from '../../src/platform/webhook-events.ts';
import { BOOK_MEETING_VIEW, COLLECT_INFO_VIEW } from '../../src/slack/format/shortcut-views.ts';

/** Any JSON, nested deep, with the keys outside input likes to use. */
const anyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1e308, '', '\u0000', '__proto__'),
    fc.double({ noNaN: false }).map((n) => (Number.isFinite(n) ? n : 0)),
    anyText(2000),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 6 }),
  ),
})).value;

/** A value nested `depth` levels deep, as no schema expects. */
const deep = fc.integer({ min: 50, max: 2000 }).map((depth) => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
});

/** Either `good` or something of the wrong type in its place. */
const orWrong = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: anyJson });

describe('hostile input through the web app and the processors', () => {
  let w: JobWorld;
  let t: TestApp;
  let deps: WorkerDeps;
  const secrets = newSecrets();
  const tried = { webhooks: 0, slackEvents: 0, interactions: 0, jobs: 0 };
  const threads: Array<{ orgId: string; conversationId: string; channel: string; threadTs: string }> = [];

  beforeAll(async () => {
    w = await startJobWorld('hostile');
    deps = w.deps();
    t = await buildTestApp({ name: 'hostile', secrets, slackApiUrl: w.slack.apiUrl, slackAuthorizeUrl: `${w.slack.url}/oauth/v2/authorize` });
    const channel = await w.freshChannel('hostile', { withBob: true });
    for (const name of ['Hana', 'Ida']) {
      const c = await w.platform.startConversation(w.orgId, { visitor: { name } });
      await runJob(() => processChatEvent(deps, w.events(c.id, 'conversation.started')[0]!));
      const record = await w.store.conversations.get(w.orgId, c.id);
      threads.push({ orgId: w.orgId, conversationId: c.id, channel, threadTs: record!.thread!.threadTs });
    }
  }, 60_000);
  afterAll(async () => {
    console.log(
      `hostile input: ${tried.webhooks} webhooks, ${tried.slackEvents} Slack events, ${tried.interactions} interactions sent; ${tried.jobs} queued jobs run through the processors`,
    );
    await t?.close();
    await w?.close();
  });

  /** Runs what the app queued through `processor`; each must complete or fail for good, within a few runs. */
  async function drain<T>(queue: Queue<T>, processor: (data: T) => Promise<void>) {
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
    for (const job of jobs) {
      tried.jobs++;
      let runs = 0;
      for (;;) {
        runs++;
        try {
          await processor(job.data);
          break;
        } catch (error) {
          const outcome = classifyFailure(error, 0.5);
          // A final failure is an answer (the job is dead-lettered); a bug (TypeError, …) is not.
          if (outcome.kind === 'fail') break;
          expect(outcome.kind, `${queue.name} ${JSON.stringify(job.data).slice(0, 300)}: ${String(error)}`).toBe('delay');
          if (outcome.kind !== 'delay') break;
          expect(runs, `a job that keeps coming back (${outcome.why}): ${queue.name} ${JSON.stringify(job.data).slice(0, 300)}`).toBeLessThan(5);
          // Back after the delay the worker would give it (a busy lock's second, a Slack 429's
          // Retry-After), at most 5 s here. Run again 50 ms apart, a Slack event came back five
          // times once in CI (2026-12-07), its delay not said; the message above now says it.
          await new Promise((r) => setTimeout(r, Math.min(outcome.ms, 5000)));
        }
      }
      await job.remove();
    }
  }

  const thread = () => fc.constantFrom(...threads);

  it('chat-platform webhooks', async () => {
    const conversationId = fc.oneof(
      thread().map((x) => x.conversationId),
      anyText(300),
    );
    const data = fc.oneof(
      anyConversation.map((conversation) => ({ conversation: { ...conversation, orgId: w.orgId } })),
      fc.record({ conversationId, message: anyMessage({ maxText: 60_000, maxAttachments: 20 }) }),
      fc.record({ conversationId, formRequestId: anyText(100), values: anyFormValues }),
      fc.record({ conversationId, agentId: orWrong(fc.constantFrom(w.agents.alice.agentId, w.agents.bob.agentId)) }),
      fc.record({ conversationId, endedBy: orWrong(fc.constantFrom('visitor', 'agent', 'timeout')), agentId: fc.constant(null) }),
      fc.record({
        conversationId,
        meetingRequestId: anyText(50),
        agentId: fc.constant(w.agents.alice.agentId),
        startsAt: orWrong(fc.constant('2026-12-01T15:00:00.000Z')),
      }),
      fc.record({ agentId: orWrong(fc.constant(w.agents.bob.agentId)), status: orWrong(fc.constantFrom('online', 'dnd', 'offline')) }),
      anyJson,
      deep,
    );
    const envelope = fc.record({
      id: orWrong(fc.uuid().map((u) => `evt_${u}`)),
      type: orWrong(fc.constantFrom(...chatEventTypes)),
      orgId: orWrong(fc.constant(w.orgId)),
      occurredAt: orWrong(fc.constant(new Date().toISOString())),
      data,
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 6, arbitrary: envelope }, { weight: 1, arbitrary: anyJson }), async (body) => {
        tried.webhooks++;
        const raw = JSON.stringify(body) ?? 'null';
        const res = await t.app.inject({
          method: 'POST',
          url: '/webhooks/chat',
          headers: chatSignedHeaders(secrets.chatWebhookSecret, raw, Date.now()),
          payload: raw,
        });
        expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    await drain(t.queues.chatEvents, (event) => processChatEvent(deps, event));
    await drain(t.queues.chatStarts, (event) => processChatEvent(deps, event));
  }, 120_000);

  it('Slack events', async () => {
    const where = fc.oneof(
      thread().map((x) => ({ channel: x.channel, thread_ts: x.threadTs })),
      fc.record({ channel: orWrong(anyText(30)), thread_ts: orWrong(anyText(30)) }),
    );
    const user = orWrong(fc.constantFrom(w.agents.alice.slackUserId, w.agents.bob.slackUserId, w.unmappedSlackUserId));
    const message = fc
      .tuple(
        where,
        user,
        fc.record({
          type: fc.constant('message'),
          subtype: fc.option(orWrong(fc.constantFrom('message_changed', 'message_deleted', 'file_share', 'thread_broadcast', 'channel_join')), {
            nil: undefined,
          }),
          text: orWrong(anyText(30_000)),
          ts: orWrong(fc.constant(`${Math.floor(Date.now() / 1000)}.000200`)),
          channel_type: orWrong(fc.constantFrom('channel', 'im', 'group')),
          files: fc.option(
            orWrong(
              fc.array(
                fc.record({
                  name: orWrong(anyText(300)),
                  mimetype: anyJson,
                  size: anyJson,
                  public_url_shared: anyJson,
                  permalink_public: orWrong(fc.webUrl()),
                }),
                { maxLength: 4 },
              ),
            ),
            { nil: undefined },
          ),
          message: fc.option(anyJson, { nil: undefined }),
          previous_message: fc.option(anyJson, { nil: undefined }),
        }),
      )
      .map(([at, who, rest]) => ({ ...rest, ...at, user: who }));
    const other = fc
      .record({
        type: fc.constantFrom(
          'app_home_opened',
          'tokens_revoked',
          'channel_rename',
          'channel_archive',
          'member_joined_channel',
          'member_left_channel',
          'team_join',
          'user_change',
          'channel_created',
          'group_left',
          'channel_deleted',
        ),
        user: orWrong(fc.constantFrom(w.agents.alice.slackUserId, w.botUserId)),
        channel: orWrong(fc.record({ id: orWrong(anyText(20)), name: orWrong(anyText(100)), is_private: anyJson })),
        tab: orWrong(fc.constantFrom('home', 'messages')),
        extra: anyJson,
      })
      .map((e) => (e.type === 'tokens_revoked' ? { ...e, type: 'channel_left' } : e)); // a revoked install would end the other tests' workspace
    const envelope = fc.record({
      type: fc.constant('event_callback'),
      team_id: orWrong(fc.constant(w.teamId)),
      event_id: orWrong(fc.uuid().map((u) => `Ev${u}`)),
      event_time: orWrong(fc.nat()),
      event: fc.oneof({ weight: 4, arbitrary: message }, { weight: 2, arbitrary: other }, { weight: 1, arbitrary: anyJson }),
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 6, arbitrary: envelope }, { weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: deep }), async (body) => {
        tried.slackEvents++;
        const raw = JSON.stringify(body) ?? 'null';
        const res = await t.app.inject({
          method: 'POST',
          url: '/slack/events',
          headers: { 'content-type': 'application/json', ...slackSignedHeaders(secrets.slackSigningSecret, Date.now(), raw) },
          payload: raw,
        });
        expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    await drain(t.queues.slackEvents, (job) => processSlackEvent(deps, job));
  }, 120_000);

  it('Slack interactions', async () => {
    const team = fc.record({ id: orWrong(fc.constant(w.teamId)), domain: anyJson });
    const person = fc.record({ id: orWrong(fc.constantFrom(w.agents.alice.slackUserId, w.unmappedSlackUserId)), name: anyJson });
    const container = fc.oneof(
      thread().map((x) => ({ type: 'message', channel_id: x.channel, message_ts: x.threadTs, thread_ts: x.threadTs })),
      fc.record({ channel_id: orWrong(anyText(20)), message_ts: orWrong(anyText(20)), thread_ts: fc.option(orWrong(anyText(20)), { nil: undefined }) }),
      anyJson,
    );
    const action = fc.record({
      action_id: orWrong(fc.constantFrom('claim_chat', 'qualify_lead:hot', 'qualify_lead:constructor', 'qualify_lead:__proto__', 'x')),
      value: orWrong(fc.constantFrom('hot', 'constructor', 'toString', '__proto__', 'claim')),
      action_ts: orWrong(fc.constant('1.2')),
    });
    const blockActions = fc.record({
      type: fc.constant('block_actions'),
      team,
      user: person,
      container,
      actions: orWrong(fc.array(action, { maxLength: 3 })),
      trigger_id: fc.uuid(),
    });
    const messageAction = fc.record({
      type: fc.constant('message_action'),
      team,
      user: person,
      trigger_id: fc.uuid(),
      callback_id: orWrong(fc.constantFrom('book_meeting', 'collect_info', 'constructor')),
      channel: orWrong(thread().map((x) => ({ id: x.channel }))),
      message: orWrong(thread().map((x) => ({ ts: x.threadTs, thread_ts: x.threadTs }))),
    });
    const metadata = fc.oneof(
      thread().map((x) => JSON.stringify({ orgId: x.orgId, conversationId: x.conversationId, channelId: x.channel, threadTs: x.threadTs })),
      anyText(3000),
      anyJson.map((j) => JSON.stringify(j) ?? ''),
    );
    const values = fc.oneof(
      fc.constant({ duration: { minutes: { selected_option: { value: '30' } } }, calendar: { agent: { selected_option: { value: w.agents.alice.agentId } } } }),
      fc.constant({ fields: { fields: { selected_options: [{ value: 'email' }, { value: 'constructor' }] } } }),
      fc.dictionary(hostileKey, fc.dictionary(hostileKey, anyJson, { maxKeys: 3 }), { maxKeys: 4 }),
    );
    const viewSubmission = fc.record({
      type: fc.constant('view_submission'),
      team,
      user: person,
      trigger_id: fc.uuid(),
      view: fc.record({
        id: fc.uuid(),
        hash: anyText(20),
        callback_id: orWrong(fc.constantFrom(BOOK_MEETING_VIEW, COLLECT_INFO_VIEW)),
        private_metadata: orWrong(metadata),
        state: orWrong(fc.record({ values: orWrong(values) })),
      }),
    });
    const payload = fc.oneof(
      blockActions,
      messageAction,
      viewSubmission,
      fc.record({ type: orWrong(anyText(40)), team, user: person, extra: anyJson }),
      anyJson,
      deep,
    );
    await fc.assert(
      fc.asyncProperty(payload, async (p) => {
        tried.interactions++;
        const raw = new URLSearchParams({ payload: JSON.stringify(p) ?? 'null' }).toString();
        const res = await t.app.inject({
          method: 'POST',
          url: '/slack/interactions',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignedHeaders(secrets.slackSigningSecret, Date.now(), raw) },
          payload: raw,
        });
        expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    await drain(t.queues.slackInteractions, (job) => processSlackInteraction(deps, job));
  }, 120_000);
});
