// The walking skeleton's end-to-end scenarios, run once per worker runtime (Node.js, Deno):
// a website chat reaches a Slack thread, a rep's reply reaches the visitor, and duplicates,
// retries and shuffled deliveries change nothing a person would see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type WorkerRuntime } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import type { Queue } from 'bullmq';
import { signature } from '../../emulators/slack/index.ts';

/** How many jobs, in any state, a queue holds for what `match` picks out. */
async function jobsFor<T>(queue: Queue<T>, match: (data: T) => boolean): Promise<number> {
  const jobs = await queue.getJobs(['completed', 'active', 'waiting', 'delayed', 'failed', 'prioritized']);
  return jobs.filter((job) => job && match(job.data)).length;
}

export function walkingSkeletonScenarios(runtime: WorkerRuntime): void {
  describe(`walking skeleton with a ${runtime} worker`, () => {
    let h: Harness;

    beforeAll(async () => {
      h = await startHarness({ runtime, name: `skeleton-${runtime}`, gapWaitMs: 1500 });
    }, 90_000);

    afterAll(async () => {
      await h?.stop();
    });

    /** Parent messages Threadbridge posted into the channel, and the replies of each thread. */
    function channelView() {
      const messages = h.slack.messages(h.channelId).filter((m) => !m.deleted);
      const parents = messages.filter((m) => !m.thread_ts || m.thread_ts === m.ts);
      const replies = (parentTs: string) => messages.filter((m) => m.thread_ts === parentTs && m.ts !== parentTs);
      return { parents, replies };
    }

    function okPostsInto(channel: string, threadTs?: string) {
      return h.slack
        .calls({ method: 'chat.postMessage', teamId: h.teamId })
        .filter((c) => c.response.ok === true && c.params.channel === channel && (threadTs === undefined || c.params.thread_ts === threadTs));
    }

    async function threadOf(conversationId: string) {
      const record = await waitFor(
        () => h.store.conversations.get(h.orgId, conversationId),
        (r) => Boolean(r?.thread),
        { what: `the thread of ${conversationId}` },
      );
      return record!.thread!;
    }

    /**
     * The chat messages shown in a thread, one line each. Messages that queued up behind Slack's
     * per-channel limit share one post (one line per message in its text), so posts are split.
     */
    function threadLines(threadTs: string) {
      return channelView()
        .replies(threadTs)
        .flatMap((r) => r.text.split('\n'));
    }

    /** The text lines of Threadbridge's successful posts into a thread: each message once, whatever the posts. */
    function postedLines(threadTs: string) {
      return okPostsInto(h.channelId, threadTs).flatMap((c) => String(c.params.text).split('\n'));
    }

    async function repliesIn(threadTs: string, count: number) {
      return waitFor(
        () => threadLines(threadTs),
        (lines) => lines.length >= count,
        { what: `${count} messages in ${threadTs}` },
      );
    }

    it('opens one thread for a new chat in the org channel and posts the visitor’s messages into it, in order, once each', async () => {
      const conversation = await h.platform.startConversation(h.orgId, {
        source: 'web',
        pageUrl: 'https://acme.test/pricing',
        visitor: { name: 'Vera Visitor', email: 'vera@example.com', company: 'Example Co' },
      });
      await h.platform.visitorSays(h.orgId, conversation.id, 'Hi, do you integrate with Salesforce?');
      await h.platform.visitorSays(h.orgId, conversation.id, 'Asking for the team <!channel> <@U999> <https://evil.test|click>');
      await h.platform.visitorSays(h.orgId, conversation.id, 'Thanks!');

      const thread = await threadOf(conversation.id);
      expect(thread).toMatchObject({ teamId: h.teamId, channelId: h.channelId });
      const replies = await repliesIn(thread.threadTs, 3);

      const parent = channelView().parents.filter((p) => p.ts === thread.threadTs);
      expect(parent).toHaveLength(1);
      expect(parent[0]!.text).toBe('New chat from Vera Visitor');
      expect(parent[0]!.bot_id).toBeDefined();
      expect(JSON.stringify(parent[0]!.blocks)).toContain('vera@example.com');

      const expected = [
        'Vera Visitor (visitor): Hi, do you integrate with Salesforce?',
        'Vera Visitor (visitor): Asking for the team &lt;!channel&gt; &lt;@U999&gt; &lt;https://evil.test|click&gt;',
        'Vera Visitor (visitor): Thanks!',
      ];
      expect(replies).toEqual(expected);
      expect(postedLines(thread.threadTs)).toEqual(expected);
      expect(okPostsInto(h.channelId).filter((c) => c.params.thread_ts === undefined && c.response.ts === thread.threadTs)).toHaveLength(1);
    });

    it('posts a visitor named "Slackbot" as "Slackbot (visitor)", a platform bot as "(bot)", and shows the host an attachment leads to', async () => {
      const conversation = await h.platform.startConversation(h.orgId, { visitor: { name: 'Slackbot' } });
      await h.platform.visitorSays(h.orgId, conversation.id, 'Your session expired, sign in again', {
        attachments: [{ name: 'Slack sign-in', url: 'https://sl\u0430ck.example/login', mimeType: 'text/html', size: 10 }],
      });
      const thread = await threadOf(conversation.id);
      await repliesIn(thread.threadTs, 1);
      await h.platform.botSays(h.orgId, conversation.id, 'A rep will be with you shortly');
      await repliesIn(thread.threadTs, 2);

      const posts = okPostsInto(h.channelId, thread.threadTs);
      expect(posts.map((c) => [c.params.username, c.params.icon_url, c.params.text])).toEqual([
        ['Slackbot (visitor)', undefined, 'Slackbot (visitor): Your session expired, sign in again'],
        ['Chat bot (bot)', undefined, 'Chat bot (bot): A rep will be with you shortly'],
      ]);
      expect(
        channelView()
          .replies(thread.threadTs)
          .map((m) => m.username),
      ).toEqual(['Slackbot (visitor)', 'Chat bot (bot)']);
      // The look-alike host (a Cyrillic а) shows in its ASCII form next to the file's name.
      expect(JSON.stringify(posts[0]!.params.blocks)).toContain('|Slack sign-in (xn--slck-63d.example)>');
    });

    it('relays a mapped rep’s thread reply to the visitor once, and does not post the platform’s echo back into Slack', async () => {
      const conversation = await h.platform.startConversation(h.orgId, { visitor: { name: 'Rita' } });
      await h.platform.visitorSays(h.orgId, conversation.id, 'Can someone help me?');
      const thread = await threadOf(conversation.id);
      await repliesIn(thread.threadTs, 1);

      await h.slack.postAsUser({
        teamId: h.teamId,
        channel: h.channelId,
        user: h.agents.alice.slackUserId,
        threadTs: thread.threadTs,
        text: 'Sure &amp; happy to! See <https://acme.test/docs|our docs>',
      });

      const relayed = await waitFor(
        () => h.platform.conversation(h.orgId, conversation.id).messages.filter((m) => m.origin === 'slack'),
        (m) => m.length === 1,
        { what: 'the reply at the platform' },
      );
      expect(relayed[0]).toMatchObject({
        text: 'Sure & happy to! See our docs (https://acme.test/docs)',
        author: { type: 'agent', id: h.agents.alice.agentId },
      });
      expect(relayed[0]!.clientMessageId).toMatch(/^slack-[0-9a-f]{32}$/);

      // The platform echoes the reply as message.created (origin "slack"); once the worker has
      // handled that echo, the thread must still hold only the visitor's message and Alice's own.
      await waitFor(
        () => h.store.threadMessages.list(h.orgId, conversation.id),
        (list) => list.some((m) => m.seq === relayed[0]!.seq && m.state === 'skipped'),
        { what: 'the echo to be recognised' },
      );
      const texts = threadLines(thread.threadTs);
      expect(texts).toEqual(['Rita (visitor): Can someone help me?', 'Sure &amp; happy to! See <https://acme.test/docs|our docs>']);
      expect(h.platform.calls({ method: 'POST', path: /\/messages$/ })).toHaveLength(1);
    });

    it('answers an unmapped Slack user with an ephemeral explanation and sends nothing to the visitor', async () => {
      const conversation = await h.platform.startConversation(h.orgId, { visitor: { name: 'Uma' } });
      await h.platform.visitorSays(h.orgId, conversation.id, 'Hello?');
      const thread = await threadOf(conversation.id);
      const postsBefore = h.platform.calls({ method: 'POST', path: /\/messages$/ }).length;

      await h.slack.postAsUser({ teamId: h.teamId, channel: h.channelId, user: h.unmappedSlackUserId, threadTs: thread.threadTs, text: 'I can help' });

      const ephemeral = await waitFor(
        () => h.slack.calls({ method: 'chat.postEphemeral', teamId: h.teamId }).filter((c) => c.params.user === h.unmappedSlackUserId),
        (calls) => calls.length === 1,
        { what: 'the ephemeral error' },
      );
      expect(ephemeral[0]!.params).toMatchObject({ channel: h.channelId, thread_ts: thread.threadTs });
      expect(String(ephemeral[0]!.params.text)).toContain("isn't linked to a chat agent");
      expect(ephemeral[0]!.response.ok).toBe(true);
      expect(h.platform.calls({ method: 'POST', path: /\/messages$/ })).toHaveLength(postsBefore);
      expect(h.platform.conversation(h.orgId, conversation.id).messages.filter((m) => m.origin === 'slack')).toHaveLength(0);
    });

    it('restores seq order and posts each message once when webhooks arrive shuffled and twice', async () => {
      h.platform.holdDeliveries();
      const conversation = await h.platform.startConversation(h.orgId, { visitor: { name: 'Sam' } });
      const texts = ['one', 'two', 'three', 'four', 'five', 'six'];
      for (const text of texts) await h.platform.visitorSays(h.orgId, conversation.id, text);
      await h.platform.releaseDeliveries({ order: 'shuffle', duplicate: true, seed: 42 });

      const thread = await threadOf(conversation.id);
      const replies = await repliesIn(thread.threadTs, texts.length);
      expect(replies).toEqual(texts.map((t) => `Sam (visitor): ${t}`));
      await h.platform.idle();
      expect(postedLines(thread.threadTs)).toEqual(texts.map((t) => `Sam (visitor): ${t}`));
      expect(channelView().parents.filter((p) => p.ts === thread.threadTs)).toHaveLength(1);
    });

    it('posts a message that overtook conversation.started once the conversation is known', async () => {
      h.platform.holdDeliveries();
      const conversation = await h.platform.startConversation(h.orgId, { visitor: { name: 'Olga' } });
      await h.platform.visitorSays(h.orgId, conversation.id, 'first words');
      await h.platform.releaseDeliveries({ order: 'reverse' });

      const thread = await threadOf(conversation.id);
      const replies = await repliesIn(thread.threadTs, 1);
      expect(replies).toEqual(['Olga (visitor): first words']);
      expect(channelView().parents.filter((p) => p.ts === thread.threadTs)).toHaveLength(1);
    });

    it('gives one effect for a redelivered platform webhook and for a retried Slack event', async () => {
      const conversation = await h.platform.startConversation(h.orgId, { visitor: { name: 'Dora' } });
      const message = await h.platform.visitorSays(h.orgId, conversation.id, 'Only once please');
      const thread = await threadOf(conversation.id);
      await repliesIn(thread.threadTs, 1);

      const messageEvent = h.platform.events().find((e) => e.type === 'message.created' && (e.data as { message: { id: string } }).message.id === message.id)!;
      expect(await h.platform.redeliver(messageEvent.id)).toBe(202);
      expect(await jobsFor(h.queues.chatEvents, (data) => data.id === messageEvent.id)).toBe(1);

      await h.slack.postAsUser({ teamId: h.teamId, channel: h.channelId, user: h.agents.bob.slackUserId, threadTs: thread.threadTs, text: 'Bob here' });
      await waitFor(
        () => h.platform.conversation(h.orgId, conversation.id).messages.filter((m) => m.origin === 'slack'),
        (m) => m.length === 1,
        { what: "Bob's reply at the platform" },
      );
      // Slack retries a delivery it thinks failed with the same event_id and X-Slack-Retry-Num.
      const delivery = h.slack
        .deliveries()
        .filter((d) => d.kind === 'event' && d.eventType === 'message' && JSON.stringify(d.body).includes('Bob here'))
        .at(-1)!;
      const rawBody = JSON.stringify(delivery.body);
      const timestamp = Math.floor(Date.now() / 1000);
      const retry = await fetch(`${h.webUrl}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': signature(h.secrets.slackSigningSecret, timestamp, rawBody),
          'x-slack-retry-num': '1',
          'x-slack-retry-reason': 'http_timeout',
        },
        body: rawBody,
      });
      expect(retry.status).toBe(200);
      expect(await jobsFor(h.queues.slackEvents, (data) => data.eventId === delivery.eventId)).toBe(1);

      await h.platform.idle();
      expect(h.platform.conversation(h.orgId, conversation.id).messages.filter((m) => m.origin === 'slack')).toHaveLength(1);
      expect(postedLines(thread.threadTs)).toEqual(['Dora (visitor): Only once please']);
    });
  });
}
