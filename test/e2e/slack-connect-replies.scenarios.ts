// End to end, against the Slack emulator's Slack Connect model, run once per worker runtime
// (Node.js, Deno): a chat's channel shared with another company, whose person writes in the chat's
// thread. Nothing of theirs reaches the visitor or the transcript (a reply, an internal note), and
// they are told, privately, that people outside the workspace cannot answer its chats, never that
// they should get mapped. The org's own reps still answer in the same thread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type WorkerRuntime } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { clientMessageIdFor } from '../../src/conversations/reply-relay.ts';

export function slackConnectReplyScenarios(runtime: WorkerRuntime): void {
  let h: Harness;
  let partnerTeam: string;
  let pat: string;

  beforeAll(async () => {
    h = await startHarness({ runtime, name: `slack-connect-replies-${runtime}` });
    // The other company: a workspace of its own, without the app.
    partnerTeam = h.slack.createTeam({ name: 'Partner Co', domain: 'partner' }).id;
    pat = h.slack.createUser(partnerTeam, { name: 'pat', realName: 'Pat Partner', email: 'pat@partner.test' }).id;
  }, 120_000);
  afterAll(async () => h?.stop());

  const fromSlack = (conversationId: string) => h.platform.conversation(h.orgId, conversationId).messages.filter((m) => m.origin === 'slack');
  const ephemeralsTo = (user: string) => h.slack.calls({ method: 'chat.postEphemeral' }).filter((c) => c.params.user === user);

  async function settled(eventText: string) {
    await waitFor(
      async () => (await h.queues.slackEvents.getJobs(['completed'])).filter((j) => JSON.stringify(j.data.event).includes(eventText)),
      (jobs) => jobs.length >= 1,
      { what: `the event "${eventText}" to be processed` },
    );
  }

  describe(`a person of another company in a chat’s thread (Slack Connect), with ${runtime} workers`, () => {
    it('reaches nobody, not even the transcript, and is told people outside the workspace cannot answer; the org’s rep still can', async () => {
      const conversation = await h.platform.startConversation(h.orgId, { visitor: { name: 'Vic Visitor' } });
      const record = await waitFor(
        () => h.store.conversations.get(h.orgId, conversation.id),
        (r) => Boolean(r?.thread),
        { what: 'the thread' },
      );
      const { channelId, threadTs } = record!.thread!;
      // The channel is shared with Partner Co after the chat's thread opened there, and Pat joins it.
      h.slack.shareChannel(channelId, partnerTeam);
      h.slack.addToChannel(channelId, pat);

      const replyTs = await h.slack.postAsUser({ teamId: partnerTeam, channel: channelId, user: pat, threadTs, text: 'Happy to help, Vic!' });
      const noteTs = await h.slack.postAsUser({ teamId: partnerTeam, channel: channelId, user: pat, threadTs, text: 'note: I know this visitor' });
      await settled('Happy to help, Vic!');
      await settled('I know this visitor');
      await waitFor(
        () => ephemeralsTo(pat),
        (calls) => calls.length === 2,
        { what: 'both of Pat’s messages answered' },
      );
      for (const call of ephemeralsTo(pat)) {
        expect(call.params).toMatchObject({
          channel: channelId,
          thread_ts: threadTs,
          text: 'Your message was not sent to the visitor: people outside this workspace cannot answer its website chats. This channel is shared with your company through Slack Connect; nothing you write in a chat’s thread reaches the visitor.',
        });
        expect(String(call.params.text)).not.toMatch(/map|agent|admin/i);
      }
      // Nothing recorded for the transcript, nor reacted to as a kept note.
      for (const ts of [replyTs, noteTs])
        expect(await h.store.relayedReplies.find(clientMessageIdFor({ teamId: h.teamId, channel: channelId, ts }))).toBeNull();
      expect(h.slack.calls({ method: 'reactions.add' }).filter((c) => c.params.timestamp === noteTs)).toEqual([]);

      // The org's own rep answers in the same (shared) thread: that reaches the visitor.
      await h.slack.postAsUser({ teamId: h.teamId, channel: channelId, user: h.agents.alice.slackUserId, threadTs, text: 'Hi Vic, Alice here.' });
      await waitFor(
        () => fromSlack(conversation.id),
        (m) => m.length === 1,
        { what: 'Alice’s reply at the platform' },
      );
      expect(fromSlack(conversation.id).map((m) => m.text)).toEqual(['Hi Vic, Alice here.']);
      expect(ephemeralsTo(h.agents.alice.slackUserId)).toEqual([]);
    }, 60_000);
  });
}
