// How fast chats got answered, end to end, run once per worker runtime (Node.js, Deno): chats
// started, answered from Slack or the console, and ended at the chat-platform emulator, through
// the webhook endpoint, the queues and real worker processes, read back from the activity API.
// A redelivered webhook and a retried job change no figure, nor does a worker killed mid-chat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type WorkerRuntime } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { parseChatEvent } from '../../src/platform/webhook-events.ts';
import type { ActivityReport } from '../../src/routing/activity-figures.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
type Totals = Pick<ActivityReport['days'][number], 'chats' | 'answered' | 'missed' | 'answeredInSlack' | 'answeredInConsole'>;

export function activityScenarios(runtime: WorkerRuntime): void {
  describe(`activity figures with ${runtime} workers`, () => {
    let h: Harness;
    // Around today (UTC, the org's default time zone), so a run across midnight still sees every chat.
    const range = { from: day(-1), to: day(1) };

    beforeAll(async () => {
      h = await startHarness({ runtime, name: `activity-${runtime}`, workers: 2, workerEnv: { ACTIVITY_ROLLUP_DELAY_MS: '300' } });
    }, 120_000);

    afterAll(async () => h?.stop());

    async function report(): Promise<ActivityReport> {
      const response = await fetch(`${h.webUrl}/api/orgs/${h.orgId}/activity?from=${range.from}&to=${range.to}`, {
        headers: { authorization: `Bearer ${h.secrets.adminApiToken}` },
      });
      expect(response.status).toBe(200);
      return (await response.json()) as ActivityReport;
    }

    async function totals(): Promise<Totals> {
      const sum: Totals = { chats: 0, answered: 0, missed: 0, answeredInSlack: 0, answeredInConsole: 0 };
      for (const d of (await report()).days) for (const key of Object.keys(sum) as Array<keyof Totals>) sum[key] += d[key];
      return sum;
    }

    async function startChat(visitor: string) {
      const conversation = await h.platform.startConversation(h.orgId, { visitor: { name: visitor } });
      await h.platform.visitorSays(h.orgId, conversation.id, `Hello, ${visitor} here`);
      return conversation;
    }

    async function threadOf(conversationId: string) {
      const record = await waitFor(
        () => h.store.conversations.get(h.orgId, conversationId),
        (r) => Boolean(r?.thread),
        { what: `the thread of ${conversationId}` },
      );
      return record!.thread!;
    }

    async function replyInSlack(conversationId: string, text: string) {
      const thread = await threadOf(conversationId);
      await h.slack.postAsUser({ teamId: h.teamId, channel: thread.channelId, user: h.agents.alice.slackUserId, threadTs: thread.threadTs, text });
    }

    /** Seconds from the chat's start to its first agent message, as the platform has them. */
    function firstResponseSeconds(conversationId: string): number {
      const { conversation, messages } = h.platform.conversation(h.orgId, conversationId);
      const first = messages.find((m) => m.author.type === 'agent')!;
      return (Date.parse(first.createdAt) - Date.parse(conversation.startedAt)) / 1000;
    }

    /** The totals once they reach `expected`, and still `expected` after a few more roll-ups could have run. */
    async function settledTotals(expected: Totals): Promise<Totals> {
      await waitFor(totals, (t) => JSON.stringify(t) === JSON.stringify(expected), {
        what: `the activity totals ${JSON.stringify(expected)}`,
        timeoutMs: 90_000,
      });
      await sleep(1500);
      return totals();
    }

    it('three chats: one answered from Slack after about 2 s, one from the console after about 4 s, one never; a redelivered webhook and a retried job change nothing', async () => {
      const before = await totals();
      // The file's own org, fresh: today's figures below are these chats'.
      expect(before).toEqual({ chats: 0, answered: 0, missed: 0, answeredInSlack: 0, answeredInConsole: 0 });
      const [viaSlack, viaConsole, missed] = await Promise.all([startChat('Sam'), startChat('Cora'), startChat('Milo')]);
      const startedAt = (c: { startedAt: string }) => Date.parse(c.startedAt);
      await sleep(startedAt(viaSlack) + 2000 - Date.now());
      await replyInSlack(viaSlack.id, 'Hi Sam, how can I help?');
      await sleep(startedAt(viaConsole) + 4000 - Date.now());
      await h.platform.agentSays(h.orgId, viaConsole.id, h.agents.bob.agentId, 'Hi Cora, Bob from the console');
      await waitFor(
        () => h.platform.conversation(h.orgId, viaSlack.id).messages.filter((m) => m.origin === 'slack'),
        (m) => m.length === 1,
        { what: "Alice's reply at the platform" },
      );
      await h.platform.end(h.orgId, missed.id, 'visitor');

      const expected = {
        chats: before.chats + 3,
        answered: before.answered + 2,
        missed: before.missed + 1,
        answeredInSlack: before.answeredInSlack + 1,
        answeredInConsole: before.answeredInConsole + 1,
      };
      expect(await settledTotals(expected)).toEqual(expected);

      // The percentiles are the upper bounds of their histogram buckets: at most 1 s or 25 % above, never below.
      const today = (await report()).days.find((d) => d.date === viaSlack.startedAt.slice(0, 10))!;
      const slackSeconds = firstResponseSeconds(viaSlack.id);
      const consoleSeconds = firstResponseSeconds(viaConsole.id);
      expect(slackSeconds).toBeGreaterThanOrEqual(2);
      expect(consoleSeconds).toBeGreaterThanOrEqual(4);
      const [lower, higher] = [Math.min(slackSeconds, consoleSeconds), Math.max(slackSeconds, consoleSeconds)];
      const { p50, p90 } = today.firstResponseSeconds;
      expect(p50).toBeGreaterThanOrEqual(lower);
      expect(p50).toBeLessThanOrEqual(Math.max(lower + 1, lower * 1.25));
      expect(p90).toBeGreaterThanOrEqual(higher);
      expect(p90).toBeLessThanOrEqual(Math.max(higher + 1, higher * 1.25));
      expect(today).toMatchObject({ chats: 3, answered: 2, missed: 1, answeredInSlack: 1, answeredInConsole: 1, answeredWithinAnswerTime: 2 });

      // The platform sends the console answer's and the end's webhooks again; a worker runs their
      // jobs again as after a crash (new jobs, past the queue's deduplication) and the roll-up too.
      const events = h.platform
        .events()
        .filter(
          (e) =>
            (e.type === 'message.created' && (e.data as { conversationId: string }).conversationId === viaConsole.id) ||
            (e.type === 'conversation.ended' && (e.data as { conversationId: string }).conversationId === missed.id) ||
            (e.type === 'conversation.started' && (e.data as { conversation: { id: string } }).conversation.id === viaSlack.id),
        );
      for (const event of events) {
        expect(await h.platform.redeliver(event.id)).toBe(202);
        const parsed = parseChatEvent(JSON.parse(JSON.stringify(event)));
        if (!parsed.ok) throw new Error(parsed.detail);
        const queue = parsed.event.type === 'conversation.started' ? h.queues.chatStarts : h.queues.chatEvents;
        await queue.add(`retry-${event.id}`, parsed.event);
      }
      await h.queues.activity.add('retry', { orgId: h.orgId });
      await h.platform.idle();
      await sleep(2000);
      expect(await totals()).toEqual(expected);
      expect((await report()).days.find((d) => d.date === today.date)).toEqual(today);
    }, 90_000);

    it('a worker killed mid-chat: the figures stay exact', async () => {
      const before = await totals();
      const chats = await Promise.all(['Kai', 'Kim', 'Kit', 'Kev', 'Kat', 'Ken'].map(startChat));
      await Promise.all(chats.slice(3, 5).map((c) => threadOf(c.id)));
      // Answers and ends in flight on both workers when one dies.
      const inFlight = [
        ...chats.slice(0, 3).map((c) => h.platform.agentSays(h.orgId, c.id, h.agents.bob.agentId, `Bob for ${c.visitor.name}`)),
        ...chats.slice(3, 5).map((c) => replyInSlack(c.id, `Alice for ${c.visitor.name}`)),
      ];
      await sleep(100);
      await h.workers[0]!.kill();
      await Promise.all(inFlight);
      await waitFor(
        () => chats.slice(3, 5).map((c) => h.platform.conversation(h.orgId, c.id).messages.filter((m) => m.origin === 'slack').length),
        (n) => n.every((k) => k === 1),
        { what: 'the Slack replies at the platform', timeoutMs: 90_000 },
      );
      for (const c of chats.slice(2)) await h.platform.end(h.orgId, c.id, 'visitor');
      await h.startWorker();
      const expected = {
        chats: before.chats + 6,
        answered: before.answered + 5,
        missed: before.missed + 1,
        answeredInSlack: before.answeredInSlack + 2,
        answeredInConsole: before.answeredInConsole + 3,
      };
      expect(await settledTotals(expected)).toEqual(expected);
    }, 180_000);
  });
}
