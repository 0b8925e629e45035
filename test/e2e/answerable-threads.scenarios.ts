// End-to-end, once per worker runtime (Node.js, Deno): every notification can be answered where
// Slack shows it. A public channel the app was never added to; the account owner's DM thread;
// the online-members fallback and an escalation, each recipient answering in their own thread
// (first answer wins, the other threads say who took it, every thread shows the conversation);
// a global channel switched off never used; an unmapped rep's internal note refused; a message
// to the app in its DM answered. Against the Slack emulator configured by manifest.yml.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type WorkerRuntime } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';

export function answerableThreadsScenarios(runtime: WorkerRuntime): void {
  describe(`answerable threads with a ${runtime} worker`, () => {
    let h: Harness;
    const ids = { inbound: '', inboundGroup: '', pairGroup: '' };

    beforeAll(async () => {
      h = await startHarness({ runtime, name: `answerable-${runtime}` });
      const { alice, bob } = h.agents;
      // A public channel nobody added the app to: its members are people only.
      ids.inbound = h.slack.createChannel(h.teamId, { name: 'inbound-chats', memberIds: [alice.slackUserId, bob.slackUserId] }).id;
      ids.inboundGroup = h.platform.addRoutingGroup(h.orgId, { name: 'Inbound', memberAgentIds: [alice.agentId, bob.agentId] }).id;
      ids.pairGroup = h.platform.addRoutingGroup(h.orgId, { name: 'Pair', memberAgentIds: [alice.agentId, bob.agentId] }).id;
      await h.store.slackRouting.setGroupChannel(h.orgId, ids.inboundGroup, ids.inbound, new Date());
      // The global channel is chosen but switched off: it must not be used for anything.
      await saveSettings({ globalChannelEnabled: false, answerTimeMs: null });
    }, 120_000);

    afterAll(async () => h?.stop());

    async function saveSettings(s: { globalChannelEnabled: boolean; answerTimeMs: number | null }) {
      await h.store.orgSettings.save({ orgId: h.orgId, channelIdMode: false, globalChannelId: h.channelId, ...s }, new Date());
    }

    async function recordWith(conversationId: string, ready: (r: Awaited<ReturnType<Harness['store']['conversations']['get']>>) => boolean, what: string) {
      return (await waitFor(() => h.store.conversations.get(h.orgId, conversationId), ready, { what, timeoutMs: 30_000 }))!;
    }

    /** What Threadbridge posted into a thread (people's own messages left out), one line each. */
    function linesIn(channelId: string, threadTs: string) {
      return h.slack
        .messages(channelId)
        .filter((m) => m.bot_id && m.thread_ts === threadTs && m.ts !== threadTs)
        .flatMap((m) => m.text.split('\n'));
    }

    /** Sets an agent's status at the platform and waits until Threadbridge has heard of it. */
    async function setStatus(agentId: string, status: 'online' | 'dnd' | 'offline') {
      await h.platform.setAgentStatus(h.orgId, agentId, status);
      await waitFor(
        async () => (await h.store.platformDirectory.load(h.orgId)).agents.find((a) => a.agentId === agentId)?.status,
        (s) => s === status,
        { what: `${agentId} ${status}` },
      );
    }

    async function waitForLine(channelId: string, threadTs: string, needle: string) {
      return waitFor(
        () => linesIn(channelId, threadTs).filter((l) => l.includes(needle)),
        (l) => l.length > 0,
        { what: `"${needle}" in ${channelId}/${threadTs}`, timeoutMs: 30_000 },
      );
    }

    /** What the visitor received from reps in Slack. */
    function fromSlack(conversationId: string) {
      return h.platform.conversation(h.orgId, conversationId).messages.filter((m) => m.origin === 'slack');
    }

    async function visitorGets(conversationId: string, text: string) {
      return waitFor(
        () => fromSlack(conversationId).filter((m) => m.text === text),
        (m) => m.length === 1,
        { what: `the visitor receiving "${text}"`, timeoutMs: 30_000 },
      );
    }

    it('joins a public channel it was never added to before opening a thread there, and hears the rep’s reply', async () => {
      const conversation = await h.platform.startConversation(h.orgId, { routingGroupId: ids.inboundGroup, visitor: { name: 'Pablo' } });
      const record = await recordWith(conversation.id, (r) => Boolean(r?.thread), 'the thread');
      expect(record.thread!.channelId).toBe(ids.inbound);
      const joins = h.slack.calls({ method: 'conversations.join' }).filter((c) => c.params.channel === ids.inbound);
      expect(joins[0]!.response.ok).toBe(true);
      const parent = h.slack.calls({ method: 'chat.postMessage' }).find((c) => c.response.ok === true && c.response.ts === record.thread!.threadTs)!;
      expect(parent.seq).toBeGreaterThan(joins[0]!.seq);

      await h.slack.postAsUser({
        teamId: h.teamId,
        channel: ids.inbound,
        user: h.agents.alice.slackUserId,
        threadTs: record.thread!.threadTs,
        text: 'Hi Pablo, Alice here',
      });
      const [reply] = await visitorGets(conversation.id, 'Hi Pablo, Alice here');
      expect(reply!.author).toMatchObject({ type: 'agent', id: h.agents.alice.agentId });
    });

    it('does not join again for the next chats in a channel it joined (conversations.join is Tier 3)', async () => {
      const joinsOfInbound = () => h.slack.calls({ method: 'conversations.join' }).filter((c) => c.params.channel === ids.inbound).length;
      const before = joinsOfInbound();
      expect(before).toBeGreaterThanOrEqual(1);
      const conversations = await Promise.all(
        ['Quinn', 'Ravi'].map((name) => h.platform.startConversation(h.orgId, { routingGroupId: ids.inboundGroup, visitor: { name } })),
      );
      for (const c of conversations) expect((await recordWith(c.id, (r) => Boolean(r?.thread), `the thread of ${c.id}`)).thread!.channelId).toBe(ids.inbound);
      expect(joinsOfInbound()).toBe(before);
    });

    it('lets the account owner answer in the thread of their DM', async () => {
      const conversation = await h.platform.startConversation(h.orgId, {
        routingGroupId: ids.inboundGroup,
        visitor: { name: 'Olive' },
        account: { id: 'acc_vip', name: 'Globex', ownerAgentId: h.agents.alice.agentId },
      });
      const record = await recordWith(conversation.id, (r) => Boolean(r?.thread), 'the thread');
      expect(record.thread!.channelId).toMatch(/^D/);
      expect(record.notification!.dmSlackUserIds).toEqual([h.agents.alice.slackUserId]);
      expect(record.mirrors).toEqual([]);
      await h.platform.visitorSays(h.orgId, conversation.id, 'Is my renewal ready?');
      await waitForLine(record.thread!.channelId, record.thread!.threadTs, 'Is my renewal ready?');

      await h.slack.postAsUser({
        teamId: h.teamId,
        channel: record.thread!.channelId,
        user: h.agents.alice.slackUserId,
        threadTs: record.thread!.threadTs,
        text: 'Yes, sending it now',
      });
      await visitorGets(conversation.id, 'Yes, sending it now');
      // The reply is the rep's own words in their thread: not posted there a second time.
      await h.platform.visitorSays(h.orgId, conversation.id, 'Thanks!');
      await waitForLine(record.thread!.channelId, record.thread!.threadTs, 'Thanks!');
      expect(linesIn(record.thread!.channelId, record.thread!.threadTs).filter((l) => l.includes('Yes, sending it now'))).toEqual([]);
    });

    it('notifies the group as well, mentioning the owner, when the account owner is offline', async () => {
      await setStatus(h.agents.bob.agentId, 'offline');
      const conversation = await h.platform.startConversation(h.orgId, {
        routingGroupId: ids.inboundGroup,
        visitor: { name: 'Otto' },
        account: { id: 'acc_2', name: 'Initech', ownerAgentId: h.agents.bob.agentId },
      });
      const record = await recordWith(conversation.id, (r) => (r?.mirrors.length ?? 0) === 1, 'the owner’s DM and the group’s thread');
      expect(record.notification!.dmSlackUserIds).toEqual([h.agents.bob.slackUserId]);
      const groupThread = record.mirrors[0]!;
      expect(groupThread.ref.channelId).toBe(ids.inbound);
      const parent = h.slack.messages(ids.inbound).find((m) => m.ts === groupThread.ref.threadTs)!;
      expect(JSON.stringify(parent.blocks)).toContain(`<@${h.agents.bob.slackUserId}>`);
      expect(JSON.stringify(parent.blocks)).toContain('account owner of Initech, who is offline');
      // Alice answers from the group's channel; the owner's DM thread shows it, and who took it.
      await h.slack.postAsUser({
        teamId: h.teamId,
        channel: ids.inbound,
        user: h.agents.alice.slackUserId,
        threadTs: groupThread.ref.threadTs,
        text: 'Covering for Bob',
      });
      await visitorGets(conversation.id, 'Covering for Bob');
      await waitForLine(record.thread!.channelId, record.thread!.threadTs, `<@${h.agents.alice.slackUserId}> took this chat`);
      await waitForLine(record.thread!.channelId, record.thread!.threadTs, 'Covering for Bob');
      await setStatus(h.agents.bob.agentId, 'online');
    });

    it('opens a thread in each online member’s DM when nothing else works; the first answer wins and every thread shows the conversation', async () => {
      const conversation = await h.platform.startConversation(h.orgId, { routingGroupId: ids.pairGroup, visitor: { name: 'Fern' } });
      const record = await recordWith(conversation.id, (r) => (r?.mirrors.length ?? 0) === 1, 'a thread in each member’s DM');
      const aliceThread = record.thread!;
      const bobThread = record.mirrors[0]!.ref;
      expect(new Set([aliceThread.channelId, bobThread.channelId]).size).toBe(2);
      for (const t of [aliceThread, bobThread]) expect(t.channelId).toMatch(/^D/);
      // Nothing went to the global channel, which is switched off.
      expect(h.slack.messages(h.channelId).filter((m) => JSON.stringify(m.blocks ?? m.text).includes('Fern'))).toEqual([]);

      await h.platform.visitorSays(h.orgId, conversation.id, 'Hello? Anyone?');
      for (const t of [aliceThread, bobThread]) await waitForLine(t.channelId, t.threadTs, 'Hello? Anyone?');

      // Bob answers in his own DM thread: it reaches the visitor, Alice's thread shows it and says who took it.
      await h.slack.postAsUser({
        teamId: h.teamId,
        channel: bobThread.channelId,
        user: h.agents.bob.slackUserId,
        threadTs: bobThread.threadTs,
        text: 'Bob here, how can I help?',
      });
      await visitorGets(conversation.id, 'Bob here, how can I help?');
      await waitForLine(aliceThread.channelId, aliceThread.threadTs, `<@${h.agents.bob.slackUserId}> took this chat`);
      await waitForLine(aliceThread.channelId, aliceThread.threadTs, 'Bob here, how can I help?');
      const answered = await recordWith(conversation.id, (r) => Boolean(r?.answeredBy), 'the first answer');
      expect(answered.answeredBy!.agentId).toBe(h.agents.bob.agentId);
      expect(linesIn(bobThread.channelId, bobThread.threadTs).filter((l) => l.includes('took this chat'))).toEqual([]);

      // Alice can still write from hers; the visitor gets it and Bob's thread shows it.
      await h.slack.postAsUser({
        teamId: h.teamId,
        channel: aliceThread.channelId,
        user: h.agents.alice.slackUserId,
        threadTs: aliceThread.threadTs,
        text: 'Alice adding a link',
      });
      await visitorGets(conversation.id, 'Alice adding a link');
      await waitForLine(bobThread.channelId, bobThread.threadTs, 'Alice adding a link');
      // Nobody is handed a link into another person's DM.
      for (const t of [aliceThread, bobThread]) expect(h.slack.messages(t.channelId).some((m) => /https?:\/\/[^ ]*archives\/D/.test(m.text))).toBe(false);
    });

    it('escalates into the global channel with the conversation so far, where a rep can answer', async () => {
      await saveSettings({ globalChannelEnabled: false, answerTimeMs: 3_000 });
      const conversation = await h.platform.startConversation(h.orgId, { routingGroupId: ids.inboundGroup, visitor: { name: 'Esme' } });
      const record = await recordWith(conversation.id, (r) => Boolean(r?.thread), 'the thread');
      await h.platform.visitorSays(h.orgId, conversation.id, 'First question');
      await h.platform.visitorSays(h.orgId, conversation.id, 'Second question');
      await waitForLine(ids.inbound, record.thread!.threadTs, 'Second question');
      // The admin switches the global channel on while the chat waits.
      await saveSettings({ globalChannelEnabled: true, answerTimeMs: 3_000 });
      const escalated = await recordWith(conversation.id, (r) => (r?.mirrors ?? []).some((m) => m.ref.channelId === h.channelId), 'the escalation thread');
      const globalThread = escalated.mirrors.find((m) => m.ref.channelId === h.channelId)!.ref;
      await waitForLine(h.channelId, globalThread.threadTs, 'First question');
      await waitForLine(h.channelId, globalThread.threadTs, 'Second question');
      await waitForLine(ids.inbound, record.thread!.threadTs, 'escalated to');
      // Bob answers in the global channel's thread (the app joined that channel too, so it hears him).
      await h.slack.postAsUser({
        teamId: h.teamId,
        channel: h.channelId,
        user: h.agents.bob.slackUserId,
        threadTs: globalThread.threadTs,
        text: 'Sorry for the wait',
      });
      await visitorGets(conversation.id, 'Sorry for the wait');
      await waitForLine(ids.inbound, record.thread!.threadTs, 'Sorry for the wait');
      await saveSettings({ globalChannelEnabled: false, answerTimeMs: null });
    }, 90_000);

    it('rejoins a public channel it was removed from, and keeps hearing the replies in its threads', async () => {
      const conversation = await h.platform.startConversation(h.orgId, { routingGroupId: ids.inboundGroup, visitor: { name: 'Rita' } });
      const record = await recordWith(conversation.id, (r) => Boolean(r?.thread), 'the thread');
      expect(record.thread!.channelId).toBe(ids.inbound);
      const joinsBefore = h.slack.calls({ method: 'conversations.join' }).filter((c) => c.params.channel === ids.inbound).length;
      // Someone removes the app from the channel.
      h.slack.removeFromChannel(ids.inbound, h.botUserId, h.agents.alice.slackUserId);
      await waitFor(
        () => h.slack.calls({ method: 'conversations.join' }).filter((c) => c.params.channel === ids.inbound && c.response.ok === true).length,
        (n) => n > joinsBefore,
        { what: 'the app joining the channel again' },
      );
      await h.slack.postAsUser({
        teamId: h.teamId,
        channel: ids.inbound,
        user: h.agents.bob.slackUserId,
        threadTs: record.thread!.threadTs,
        text: 'Still here, Rita',
      });
      await visitorGets(conversation.id, 'Still here, Rita');
    });

    it('sends the reminders due together in one channel as one post, and marks each chat’s parent', async () => {
      await saveSettings({ globalChannelEnabled: false, answerTimeMs: 3_000 });
      const conversations = await Promise.all(
        ['Uma', 'Vic', 'Wes'].map((name) => h.platform.startConversation(h.orgId, { routingGroupId: ids.inboundGroup, visitor: { name } })),
      );
      const records = await Promise.all(conversations.map((c) => recordWith(c.id, (r) => Boolean(r?.thread), `the thread of ${c.id}`)));
      const listing = await waitFor(
        () => h.slack.messages(ids.inbound).filter((m) => m.bot_id && !m.thread_ts && m.text.includes('chats are waiting for an answer')),
        (m) => m.length >= 1,
        { what: 'one post listing the waiting chats', timeoutMs: 30_000 },
      );
      expect(listing).toHaveLength(1);
      expect(listing[0]!.text).toContain('3 chats are waiting');
      for (const name of ['Uma', 'Vic', 'Wes']) expect(listing[0]!.text).toContain(name);
      expect(listing[0]!.text).toContain(`<@${h.agents.alice.slackUserId}>`);
      for (const record of records) {
        await waitFor(
          () => h.slack.messages(ids.inbound).find((m) => m.ts === record.thread!.threadTs)?.reactions ?? [],
          (reactions) => reactions.some((r) => r.name === 'bell'),
          { what: 'the reminder mark on each parent' },
        );
        // No reminder post of its own in the thread: the listing said it once for all three.
        expect(linesIn(ids.inbound, record.thread!.threadTs).filter((l) => l.includes(':bell:'))).toEqual([]);
      }
      await saveSettings({ globalChannelEnabled: false, answerTimeMs: null });
    }, 60_000);

    it('refuses an unmapped Slack user’s internal note, as it refuses their reply', async () => {
      const conversation = await h.platform.startConversation(h.orgId, { routingGroupId: ids.inboundGroup, visitor: { name: 'Nora' } });
      const record = await recordWith(conversation.id, (r) => Boolean(r?.thread), 'the thread');
      await h.slack.postAsUser({
        teamId: h.teamId,
        channel: ids.inbound,
        user: h.unmappedSlackUserId,
        threadTs: record.thread!.threadTs,
        text: 'note: big deal',
      });
      const notice = await waitFor(
        () =>
          h.slack
            .calls({ method: 'chat.postEphemeral' })
            .filter((c) => c.params.user === h.unmappedSlackUserId && c.params.thread_ts === record.thread!.threadTs),
        (c) => c.length === 1,
        { what: 'the unmapped notice' },
      );
      expect(String(notice[0]!.params.text)).toContain('Your internal note was not kept');
      expect(String(notice[0]!.params.text)).toContain('map your Slack username');
      expect(h.slack.calls({ method: 'reactions.add' }).filter((c) => c.params.name === 'lock')).toEqual([]);
      expect(await h.store.relayedReplies.internalNotes(h.orgId, conversation.id)).toEqual([]);
    });

    it('answers a message written to the app in its DM outside any chat thread, listing the rep’s open chats', async () => {
      const dm = h.slack.openAppDm(h.teamId, h.agents.alice.slackUserId).id;
      const ts = await h.slack.postAsUser({ teamId: h.teamId, channel: dm, user: h.agents.alice.slackUserId, text: 'hi, what can you do?' });
      const answer = await waitFor(
        () => h.slack.messages(dm).filter((m) => m.bot_id && m.ts > ts),
        (m) => m.length === 1,
        { what: 'the answer in the DM' },
      );
      expect(answer[0]!.text).toContain('a reply in the thread reaches the visitor');
      // The unmapped person is told how to get mapped.
      const carolDm = h.slack.openAppDm(h.teamId, h.unmappedSlackUserId).id;
      const carolTs = await h.slack.postAsUser({ teamId: h.teamId, channel: carolDm, user: h.unmappedSlackUserId, text: 'hello?' });
      const told = await waitFor(
        () => h.slack.messages(carolDm).filter((m) => m.bot_id && m.ts > carolTs),
        (m) => m.length === 1,
        { what: 'the answer to the unmapped person' },
      );
      expect(told[0]!.text).toContain('map your Slack username');
    });
  });
}
