// End to end: what a rep does from Slack when a visitor is ready to move forward, against both
// emulators. Each shortcut from the click to the platform call to the thread message that
// follows the platform's webhook; each refusal; two reps pressing Join at once; the Home tab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ runtime: 'node', name: 'shortcuts' });
}, 120_000);
afterAll(async () => h?.stop());

async function newThread(visitor: string, more: { email?: string } = {}) {
  const conversation = await h.platform.startConversation(h.orgId, { visitor: { name: visitor, ...more } });
  const record = await waitFor(
    () => h.store.conversations.get(h.orgId, conversation.id),
    (r) => Boolean(r?.thread),
    { what: 'the thread' },
  );
  return { conversation, threadTs: record!.thread!.threadTs };
}

const threadTexts = (threadTs: string) =>
  h.slack
    .messages(h.channelId)
    .filter((m) => m.thread_ts === threadTs && m.ts !== threadTs)
    .map((m) => m.text);
const parentText = (threadTs: string) => JSON.stringify(h.slack.messages(h.channelId).find((m) => m.ts === threadTs));
const ephemerals = (user: string) =>
  h.slack
    .calls({ method: 'chat.postEphemeral' })
    .filter((c) => c.params['user'] === user)
    .map((c) => String(c.params['text']));
const topModal = (user: string) => h.slack.openViews(h.teamId, user).at(-1) as { id: string; callback_id: string; blocks: unknown[] } | undefined;

async function useShortcut(user: string, messageTs: string, callbackId: string) {
  const before = h.slack.calls({ method: 'views.open' }).length;
  const answer = await h.slack.messageShortcut({ teamId: h.teamId, userId: user, channel: h.channelId, messageTs, callbackId });
  expect(answer.status).toBe(200);
  return before;
}

describe('Book a meeting', () => {
  it('opens a modal, offers the chosen calendar through the platform, and posts the booked time', async () => {
    const { conversation, threadTs } = await newThread('Quinn');
    const replyTs = await h.slack.postAsUser({ teamId: h.teamId, channel: h.channelId, user: h.agents.alice.slackUserId, threadTs, text: 'Shall we talk?' });
    await useShortcut(h.agents.alice.slackUserId, replyTs, 'book_meeting');
    const modal = await waitFor(
      () => topModal(h.agents.alice.slackUserId),
      (v) => v?.callback_id === 'book_meeting_modal',
      { what: 'the modal' },
    );
    // The clicker's calendar is offered first and chosen; Bob's is the other choice.
    const calendar = (modal!.blocks as Array<{ block_id?: string; element?: { initial_option?: { value: string }; options?: Array<{ value: string }> } }>).find(
      (b) => b.block_id === 'calendar',
    )!.element!;
    expect(calendar.initial_option?.value).toBe(h.agents.alice.agentId);
    expect(calendar.options?.map((o) => o.value)).toEqual([h.agents.alice.agentId, h.agents.bob.agentId]);

    const submitted = await h.slack.submitView({
      teamId: h.teamId,
      userId: h.agents.alice.slackUserId,
      viewId: modal!.id,
      values: { duration: { minutes: '45' }, calendar: { agent: h.agents.bob.agentId } },
    });
    expect(submitted.status).toBe(200);
    expect(h.slack.openViews(h.teamId, h.agents.alice.slackUserId)).toEqual([]);

    const request = await waitFor(
      () => h.platform.conversation(h.orgId, conversation.id).meetingRequests,
      (r) => r.length === 1,
      { what: 'the meeting request at the platform' },
    );
    expect(request[0]).toMatchObject({ agentId: h.agents.bob.agentId, durationMinutes: 45, status: 'offered' });
    await waitFor(
      () => threadTexts(threadTs),
      (t) => t.some((x) => x.includes(`offered Quinn a 45-minute meeting on <@${h.agents.bob.slackUserId}>'s calendar`)),
      { what: 'the offer in the thread' },
    );

    await h.platform.bookMeeting(h.orgId, request[0]!.id, '2026-12-01T15:00:00.000Z');
    await waitFor(
      () => threadTexts(threadTs),
      (t) => t.some((x) => x.includes(`Quinn booked a meeting with <@${h.agents.bob.slackUserId}>`) && x.includes('2026-12-01T15:00:00.000Z')),
      { what: 'the booking in the thread' },
    );
    await waitFor(
      () => parentText(threadTs),
      (p) => p.includes('Meeting booked with Bob Agent'),
      { what: 'the booking on the parent message' },
    );
  });
});

describe('Collect info', () => {
  it('asks the platform for the chosen fields and posts the visitor’s answers', async () => {
    const { conversation, threadTs } = await newThread('Rosa', { email: 'rosa@x.example' });
    await useShortcut(h.agents.bob.slackUserId, threadTs, 'collect_info');
    const modal = await waitFor(
      () => topModal(h.agents.bob.slackUserId),
      (v) => v?.callback_id === 'collect_info_modal',
      { what: 'the modal' },
    );
    await h.slack.submitView({ teamId: h.teamId, userId: h.agents.bob.slackUserId, viewId: modal!.id, values: { fields: { fields: ['phone', 'company'] } } });
    const request = await waitFor(
      () => h.platform.conversation(h.orgId, conversation.id).formRequests,
      (r) => r.length === 1,
      { what: 'the form request at the platform' },
    );
    expect(request[0]).toMatchObject({ agentId: h.agents.bob.agentId, fields: ['phone', 'company'] });
    await waitFor(
      () => threadTexts(threadTs),
      (t) => t.some((x) => x.includes('asked Rosa for: phone, company')),
      { what: 'the request in the thread' },
    );

    await h.platform.submitForm(h.orgId, request[0]!.id, { phone: '+1 555 0100', company: 'Rosa & Co' });
    await waitFor(
      () => threadTexts(threadTs),
      (t) => t.some((x) => x.includes('*Phone:* +1 555 0100') && x.includes('*Company:* Rosa &amp; Co')),
      { what: 'the answers in the thread' },
    );
  });
});

describe('refusals: an explanation instead of a modal', () => {
  it.each([
    {
      why: 'outside a chat thread',
      setup: async () => ({
        user: h.agents.alice.slackUserId,
        ts: await h.slack.postAsUser({ teamId: h.teamId, channel: h.channelId, user: h.agents.alice.slackUserId, text: 'lunch?' }),
      }),
      says: "works on the messages of a chat's thread",
    },
    {
      why: 'by an unmapped user',
      setup: async () => ({ user: h.unmappedSlackUserId, ts: (await newThread('Uma')).threadTs }),
      says: "isn't linked to a chat agent",
    },
    {
      why: 'on an ended chat',
      setup: async () => {
        const { conversation, threadTs } = await newThread('Enzo');
        await h.platform.end(h.orgId, conversation.id, 'visitor', null);
        await waitFor(
          () => h.store.conversations.get(h.orgId, conversation.id),
          (r) => r?.status === 'ended',
          { what: 'the end' },
        );
        return { user: h.agents.alice.slackUserId, ts: threadTs };
      },
      says: 'this chat has ended',
    },
  ])('$why', async ({ setup, says }) => {
    const { user, ts } = await setup();
    for (const shortcut of ['book_meeting', 'collect_info']) {
      const opened = await useShortcut(user, ts, shortcut);
      const before = ephemerals(user).length;
      await waitFor(
        () => ephemerals(user).slice(before),
        (e) => e.some((t) => t.includes(says)),
        { what: `the explanation (${shortcut})` },
      );
      expect(h.slack.calls({ method: 'views.open' }).length).toBe(opened);
    }
  });
});

describe('Join', () => {
  it('two reps press it at once: one takes the chat, the parent says who, the other is told', async () => {
    const { conversation, threadTs } = await newThread('Jules');
    const click = (user: string) => h.slack.clickButton({ teamId: h.teamId, userId: user, channel: h.channelId, messageTs: threadTs, actionId: 'claim_chat' });
    await Promise.all([click(h.agents.alice.slackUserId), click(h.agents.bob.slackUserId)]);
    const record = await waitFor(
      () => h.store.conversations.get(h.orgId, conversation.id),
      (r) => Boolean(r?.claimedBy),
      { what: 'the claim' },
    );
    const winner = record!.claimedBy!.slackUserId;
    const loser = winner === h.agents.alice.slackUserId ? h.agents.bob.slackUserId : h.agents.alice.slackUserId;
    await waitFor(
      () => parentText(threadTs),
      (p) => p.includes(`<@${winner}> took this chat`) && !p.includes('claim_chat'),
      { what: 'the parent showing who took it' },
    );
    await waitFor(
      () => ephemerals(loser),
      (e) => e.some((t) => t.includes(`<@${winner}> already has this chat`)),
      { what: 'the second rep told' },
    );
    expect(ephemerals(winner).some((t) => t.includes('already has this chat'))).toBe(false);
    // The platform learns who took it from one message in their name (the contract has no assignment call).
    const winnerAgent = winner === h.agents.alice.slackUserId ? h.agents.alice.agentId : h.agents.bob.agentId;
    const joined = await waitFor(
      () => h.platform.conversation(h.orgId, conversation.id).messages.filter((m) => m.text.endsWith('joined the chat.')),
      (m) => m.length >= 1,
      { what: 'the join message at the platform' },
    );
    expect(joined).toHaveLength(1);
    expect(joined[0]).toMatchObject({ author: { type: 'agent', id: winnerAgent } });
  });

  it('an unmapped user cannot take a chat', async () => {
    const { conversation, threadTs } = await newThread('Kim');
    await h.slack.clickButton({ teamId: h.teamId, userId: h.unmappedSlackUserId, channel: h.channelId, messageTs: threadTs, actionId: 'claim_chat' });
    await waitFor(
      () => ephemerals(h.unmappedSlackUserId),
      (e) => e.some((t) => t.includes('You cannot take this chat')),
      { what: 'the refusal' },
    );
    expect((await h.store.conversations.get(h.orgId, conversation.id))?.claimedBy).toBeNull();
  });
});

describe('App Home', () => {
  it('shows a rep their two open chats, with account, waiting time and a link to each thread', async () => {
    const a = await newThread('Hana');
    const b = await h.platform.startConversation(h.orgId, { visitor: { name: 'Ivo' }, account: { id: 'acc_9', name: 'Initech', ownerAgentId: null } });
    const bThread = (await waitFor(
      () => h.store.conversations.get(h.orgId, b.id),
      (r) => Boolean(r?.thread),
      { what: 'the second thread' },
    ))!.thread!.threadTs;
    for (const ts of [a.threadTs, bThread])
      await h.slack.clickButton({ teamId: h.teamId, userId: h.agents.bob.slackUserId, channel: h.channelId, messageTs: ts, actionId: 'claim_chat' });
    await waitFor(
      () => h.store.conversations.listOpenForAgent(h.orgId, h.agents.bob.agentId, 50),
      (r) => [a.conversation.id, b.id].every((id) => r.some((c) => c.conversationId === id)),
      { what: 'both claims' },
    );

    h.slack.openAppHome({ teamId: h.teamId, userId: h.agents.bob.slackUserId });
    const home = await waitFor(
      () => JSON.stringify(h.slack.homeView(h.teamId, h.agents.bob.slackUserId)),
      (v) => v.includes('Hana') && v.includes('Ivo'),
      { what: 'the Home tab' },
    );
    expect(home).toContain('Linked to the chat agent *Bob Agent*');
    expect(home).toContain('*Ivo* · Initech');
    // Taking a chat greets the visitor, so both count as answered: open for so long.
    expect(home).toMatch(/open for \d+ min/);
    expect(home.match(/Open thread/g)?.length).toBeGreaterThanOrEqual(2);
    // Chats Bob did not take are not his.
    expect(home).not.toContain('Quinn');
  });

  it('tells an unmapped user what to do', async () => {
    h.slack.openAppHome({ teamId: h.teamId, userId: h.unmappedSlackUserId });
    const home = await waitFor(
      () => JSON.stringify(h.slack.homeView(h.teamId, h.unmappedSlackUserId)),
      (v) => v !== 'null',
      { what: 'the Home tab' },
    );
    expect(home).toContain("isn't linked to a chat agent");
  });
});
