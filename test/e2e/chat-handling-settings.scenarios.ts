// The chat-handling settings end to end, run once per worker runtime (Node.js, Deno), each set
// through the admin API as an admin would: a 30 s answer time reminds an unanswered chat at 30 s
// and escalates it at 60 s, also a chat that opened under a longer one; no answer time (null)
// sends neither, also for a chat already waiting; and in alerts-only mode a rep's reply is
// refused with the reason and nothing reaches the visitor. Real waits: the worker has no clock
// hook, and the shortest answer time an admin can set is 30 s. Settings are an org's, so the
// reminder scenario (the harness's org) and the no-reminder one (a second org, in its own
// workspace) run side by side: the file takes one 60-second wait, not two.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type WorkerRuntime } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { ALERTS_ONLY_NOTICE } from '../../src/slack/format/notices.ts';
import { adminApi, seedBravo, type Bravo } from './tenant-boundary-world.ts';

const ANSWER_TIME_S = 30;
/** How late a reminder may come after it fell due: the queue's polling and the channel's fold (5 s). */
const LATE_MS = 12_000;

export function chatHandlingScenarios(runtime: WorkerRuntime): void {
  describe(`chat-handling settings with a ${runtime} worker`, () => {
    let h: Harness;
    let groupId: string;
    /** The second org: its settings change while the harness's org waits out its reminders. */
    let bravo: Bravo;

    beforeAll(async () => {
      h = await startHarness({ runtime, name: `chat-handling-${runtime}` });
      groupId = h.platform.addRoutingGroup(h.orgId, { name: 'Sales', memberAgentIds: [h.agents.alice.agentId, h.agents.bob.agentId] }).id;
      bravo = await seedBravo(h, adminApi(h, h.orgId));
    }, 120_000);

    afterAll(async () => {
      await h?.stop();
    });

    async function settings(body: Record<string, unknown>, orgId = h.orgId) {
      const response = await fetch(`${h.webUrl}/api/orgs/${orgId}/settings`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${h.secrets.adminApiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
    }

    /** A new chat of the org's group (Sales, or Bravo's), once its thread is open: when it opened, and where. */
    async function newChat(visitor: string, org: { orgId: string; groupId: string } = { orgId: h.orgId, groupId }) {
      const conversation = await h.platform.startConversation(org.orgId, { routingGroupId: org.groupId, visitor: { name: visitor } });
      const record = await waitFor(
        () => h.store.conversations.get(org.orgId, conversation.id),
        (r) => Boolean(r?.thread),
        { what: `the thread of ${visitor}’s chat` },
      );
      return { conversation, thread: record!.thread!, openedAt: record!.createdAt.getTime() };
    }

    const remindersIn = (chat: { thread: { channelId: string; threadTs: string } }) =>
      h.slack.messages(chat.thread.channelId).filter((m) => m.thread_ts === chat.thread.threadTs && m.text.includes('waiting'));
    const escalationsOf = async (conversationId: string, orgId = h.orgId) =>
      ((await h.store.conversations.get(orgId, conversationId))?.mirrors ?? []).filter((m) => m.opened === 'escalation');

    it.concurrent(
      'reminds at the answer time and escalates at twice it; a chat that opened under a longer answer time too',
      async () => {
        await settings({ answerTimeSeconds: 3600, escalation: 'online-members' });
        const earlier = await newChat('Erin');
        // Apart by more than the fold of a channel's reminders (5 s), so each is reminded in its own thread.
        await new Promise((resolve) => setTimeout(resolve, 8000));
        // Shortened while Erin waits: her pending reminder is moved up to the new time.
        await settings({ answerTimeSeconds: ANSWER_TIME_S });
        const chat = await newChat('Wally');

        for (const c of [chat, earlier]) {
          const [reminder] = await waitFor(
            async () => remindersIn(c),
            (m) => m.length === 1,
            { what: 'the reminder', timeoutMs: ANSWER_TIME_S * 1000 + LATE_MS + 5000 },
          );
          // When Slack got it (its ts), not when this loop looked.
          const at = Number(reminder!.ts) * 1000 - c.openedAt;
          expect(at).toBeGreaterThanOrEqual(ANSWER_TIME_S * 1000 - 1000);
          expect(at).toBeLessThan(ANSWER_TIME_S * 1000 + LATE_MS);
        }
        for (const c of [chat, earlier]) {
          const mirrors = await waitFor(
            () => escalationsOf(c.conversation.id),
            (m) => m.length === 2,
            { what: 'the escalation into both members’ DMs', timeoutMs: 2 * ANSWER_TIME_S * 1000 + LATE_MS },
          );
          const at = Math.min(...mirrors.map((m) => m.openedAt.getTime())) - c.openedAt;
          expect(at).toBeGreaterThanOrEqual(2 * ANSWER_TIME_S * 1000 - 1000);
          expect(at).toBeLessThan(2 * ANSWER_TIME_S * 1000 + 2 * LATE_MS);
        }
        // Each once.
        expect(remindersIn(chat)).toHaveLength(1);
        expect(remindersIn(earlier)).toHaveLength(1);
      },
      3 * 60_000,
    );

    it.concurrent(
      'no answer time: a chat is neither reminded nor escalated, also one that was already waiting',
      async () => {
        const org = { orgId: bravo.orgId, groupId: bravo.groupId };
        await settings({ answerTimeSeconds: ANSWER_TIME_S, escalation: 'online-members' }, org.orgId);
        const waiting = await newChat('Olga', org);
        await settings({ answerTimeSeconds: null }, org.orgId);
        const later = await newChat('Pete', org);
        // Past the time Olga's reminder was due, and past the fold of a channel's reminders.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, waiting.openedAt + ANSWER_TIME_S * 1000 + LATE_MS - Date.now())));
        // Her reminder job ran (and found nothing to do): the wait covered it. (The other org's
        // reminders are waiting meanwhile, in the same queue.)
        const pending = (await h.queues.reminders.getDelayed()).filter((j) => 'orgId' in j.data && j.data.orgId === org.orgId);
        expect(pending).toEqual([]);
        for (const c of [waiting, later]) {
          expect(remindersIn(c)).toEqual([]);
          expect(await escalationsOf(c.conversation.id, org.orgId)).toEqual([]);
        }
      },
      2 * 60_000,
    );

    // After both: alerts-only is the second org's setting, and its chats' reminders are off.
    it('alerts-only: a rep’s reply is refused with the reason, and nothing reaches the visitor', async () => {
      await settings({ bridgeMode: 'alerts-only' }, bravo.orgId);
      const chat = await newChat('Otto', { orgId: bravo.orgId, groupId: bravo.groupId });
      await h.slack.postAsUser({
        teamId: bravo.teamId,
        channel: chat.thread.channelId,
        user: bravo.ben.slackUserId,
        threadTs: chat.thread.threadTs,
        text: 'Hello Otto',
      });
      const notices = await waitFor(
        () => h.slack.calls({ method: 'chat.postEphemeral' }).filter((c) => c.params.user === bravo.ben.slackUserId),
        (c) => c.length === 1,
        { what: 'the alerts-only notice' },
      );
      expect(notices[0]!.params.text).toBe(ALERTS_ONLY_NOTICE);
      expect(h.platform.conversation(bravo.orgId, chat.conversation.id).messages.filter((m) => m.origin === 'slack')).toEqual([]);
    });
  });
}
