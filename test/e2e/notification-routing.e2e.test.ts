// End-to-end: where a new chat's notification lands, through the webhook endpoint, against the
// emulators, with two worker processes sharing the work. Each route and fallback is checked by
// what Slack recorded: the channel or DM of the parent message, its mentions and its reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { createJobProducer } from '../../src/queues/queues.ts';

let h: Harness;
/** Long enough for a reply to be recorded on a loaded CI machine, short enough for a test. */
const ANSWER_TIME_MS = 10_000;
const ids = { sales: '', salesChannel: '', privateChannel: '', dave: '', zedSlack: '', archivedChannel: '' };

beforeAll(async () => {
  h = await startHarness({ runtime: 'node', name: 'routing', workers: 2 });
  // Groups are created before the first chat, so the first directory fetch sees them all.
  const dave = h.platform.addAgent(h.orgId, { name: 'Dave Unmapped', email: 'dave@acme.test', status: 'online' });
  ids.dave = dave.id;
  const { alice, bob } = h.agents;
  const sales = h.platform.addRoutingGroup(h.orgId, { name: 'Sales', memberAgentIds: [alice.agentId, bob.agentId, dave.id] });
  const solo = h.platform.addRoutingGroup(h.orgId, { id: 'grp_solo', name: 'Solo', memberAgentIds: [bob.agentId] });
  const pair = h.platform.addRoutingGroup(h.orgId, { id: 'grp_pair', name: 'Pair', memberAgentIds: [alice.agentId, bob.agentId] });
  const secret = h.platform.addRoutingGroup(h.orgId, { id: 'grp_secret', name: 'Secret', memberAgentIds: [alice.agentId, bob.agentId] });
  void solo;
  void pair;
  ids.sales = sales.id;

  const salesChannel = h.slack.createChannel(h.teamId, { name: 'sales-chats', memberIds: [h.agents.alice.slackUserId, h.agents.bob.slackUserId] });
  ids.salesChannel = salesChannel.id;
  // A private channel the app was never added to: Slack answers channel_not_found.
  const privateChannel = h.slack.createChannel(h.teamId, { name: 'secret-deals', isPrivate: true, memberIds: [h.agents.alice.slackUserId] });
  ids.privateChannel = privateChannel.id;
  // An archived channel, and an agent whose Slack account was deactivated.
  const archived = h.slack.createChannel(h.teamId, { name: 'old-deals', memberIds: [h.agents.alice.slackUserId] });
  h.slack.archiveChannel(archived.id);
  h.platform.addRoutingGroup(h.orgId, { id: 'grp_archived', name: 'Archived', memberAgentIds: [h.agents.alice.agentId, h.agents.bob.agentId] });
  const zed = h.platform.addAgent(h.orgId, { name: 'Zed Gone', email: 'zed@acme.test', status: 'online' });
  const zedSlack = h.slack.createUser(h.teamId, { name: 'zed', realName: 'Zed Gone', deleted: true });
  h.platform.addRoutingGroup(h.orgId, { id: 'grp_zed', name: 'Zed', memberAgentIds: [zed.id] });
  await h.store.slackRouting.setGroupChannel(h.orgId, 'grp_zed', salesChannel.id, new Date());

  const now = new Date();
  await h.store.slackRouting.setGroupChannel(h.orgId, sales.id, salesChannel.id, now);
  await h.store.slackRouting.setGroupChannel(h.orgId, secret.id, privateChannel.id, now);
  await h.store.slackRouting.setGroupChannel(h.orgId, 'grp_archived', archived.id, now);
  await h.store.agentMappings.map({ orgId: h.orgId, agentId: zed.id, teamId: h.teamId, slackUserId: zedSlack.id }, now);
  ids.zedSlack = zedSlack.id;
  ids.archivedChannel = archived.id;
  // Global channel chosen but switched off: it is only the fallback. Reminders off unless a test turns them on.
  await h.store.orgSettings.save({ orgId: h.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: h.channelId, answerTimeMs: null }, now);
}, 120_000);

afterAll(async () => h?.stop());

/**
 * Until the worker has applied the platform's agent.status_changed. A chat start sent after it
 * waits for it anyway (test/e2e/status-before-start.scenarios.ts); these tests check the store too.
 */
async function statusApplied(agentId: string, status: string) {
  await waitFor(
    () => h.store.platformDirectory.load(h.orgId),
    (d) => d.agents.find((a) => a.agentId === agentId)?.status === status,
    { what: `${agentId} ${status} in the store` },
  );
}

async function notificationOf(conversationId: string) {
  const record = await waitFor(
    () => h.store.conversations.get(h.orgId, conversationId),
    (r) => Boolean(r?.thread || r?.undeliverableReason),
    { what: `the notification of ${conversationId}` },
  );
  return record!;
}

function parentPost(channelId: string, ts: string) {
  return h.slack
    .calls({ method: 'chat.postMessage' })
    .find((c) => c.response.ok === true && c.response.channel === channelId && c.response.ts === ts && !c.params.thread_ts)!;
}

function blocksText(call: { params: Record<string, unknown> }): string {
  return JSON.stringify(call.params.blocks);
}

async function dmChannelOf(slackUserId: string) {
  const open = await waitFor(
    () => h.slack.calls({ method: 'conversations.open' }).filter((c) => c.params.users === slackUserId && c.response.ok === true),
    (calls) => calls.length > 0,
    { what: `a DM opened with ${slackUserId}` },
  );
  return (open[0]!.response.channel as { id: string }).id;
}

describe('new-chat notification routing', () => {
  it('posts into the routing group’s channel, @mentioning mapped members and naming unmapped ones', async () => {
    const conversation = await h.platform.startConversation(h.orgId, { routingGroupId: ids.sales, visitor: { name: 'Gina' } });
    const record = await notificationOf(conversation.id);
    expect(record.thread!.channelId).toBe(ids.salesChannel);
    const text = blocksText(parentPost(ids.salesChannel, record.thread!.threadTs));
    expect(text).toContain(`<@${h.agents.alice.slackUserId}> <@${h.agents.bob.slackUserId}>`);
    expect(text).toContain('Also in the group, not linked to Slack: Dave Unmapped');
    expect(text).toContain('Sent here because: routing group Sales.');
    expect(text).toContain('*Routing group:* Sales');
  });

  it('DMs the only member of a one-member group', async () => {
    const conversation = await h.platform.startConversation(h.orgId, { routingGroupId: 'grp_solo', visitor: { name: 'Omar' } });
    const record = await notificationOf(conversation.id);
    const dm = await dmChannelOf(h.agents.bob.slackUserId);
    expect(record.thread!.channelId).toBe(dm);
    expect(blocksText(parentPost(dm, record.thread!.threadTs))).toContain('Sent here because: one-member group.');
  });

  it('DMs the account owner when a known target account starts a chat', async () => {
    const conversation = await h.platform.startConversation(h.orgId, {
      routingGroupId: ids.sales,
      visitor: { name: 'Tara' },
      account: { id: 'acc_1', name: 'Globex', ownerAgentId: h.agents.alice.agentId },
    });
    const record = await notificationOf(conversation.id);
    const dm = await dmChannelOf(h.agents.alice.slackUserId);
    expect(record.thread!.channelId).toBe(dm);
    const text = blocksText(parentPost(dm, record.thread!.threadTs));
    expect(text).toContain('Sent here because: account owner of Globex.');
    expect(text).toContain('*Account:* Globex');
  });

  it('DMs the one member still online when all others are on Do Not Disturb, and follows status changes without a restart', async () => {
    await h.platform.setAgentStatus(h.orgId, h.agents.alice.agentId, 'dnd');
    await statusApplied(h.agents.alice.agentId, 'dnd');
    const first = await h.platform.startConversation(h.orgId, { routingGroupId: 'grp_pair', visitor: { name: 'Dina' } });
    const firstRecord = await notificationOf(first.id);
    const bobDm = await dmChannelOf(h.agents.bob.slackUserId);
    expect(firstRecord.thread!.channelId).toBe(bobDm);
    expect(blocksText(parentPost(bobDm, firstRecord.thread!.threadTs))).toContain('Sent here because: all other members on Do Not Disturb.');

    // Alice is back: the same group (which has no channel) falls back to each online member's
    // DMs. The global channel is chosen but switched off, so it is not used.
    await h.platform.setAgentStatus(h.orgId, h.agents.alice.agentId, 'online');
    await statusApplied(h.agents.alice.agentId, 'online');
    const second = await h.platform.startConversation(h.orgId, { routingGroupId: 'grp_pair', visitor: { name: 'Dina again' } });
    const secondRecord = await notificationOf(second.id);
    expect(secondRecord.thread!.channelId).toBe(await dmChannelOf(h.agents.alice.slackUserId));
    expect(blocksText(parentPost(secondRecord.thread!.channelId, secondRecord.thread!.threadTs))).toContain(
      'fallback to each online member (Pair has no Slack channel)',
    );
    expect(h.slack.messages(h.channelId).filter((m) => m.text.includes('Dina again'))).toEqual([]);
  });

  it('falls back to each online member when the group’s channel is private and the app is not in it', async () => {
    const conversation = await h.platform.startConversation(h.orgId, { routingGroupId: 'grp_secret', visitor: { name: 'Pia' } });
    const record = await notificationOf(conversation.id);
    // Slack does not show the app a private channel it is not in: joining (or posting) finds no channel.
    const refused = h.slack.calls().filter((c) => ['conversations.join', 'chat.postMessage'].includes(c.method) && c.params.channel === ids.privateChannel);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.response).toMatchObject({ ok: false, error: 'channel_not_found' });
    expect(record.thread!.channelId).toBe(await dmChannelOf(h.agents.alice.slackUserId));
    expect(blocksText(parentPost(record.thread!.channelId, record.thread!.threadTs))).toContain(
      'fallback to each online member (the channel of Secret cannot be used)',
    );
  });

  it('falls back to each online member when the group’s channel is archived (the app cannot join it)', async () => {
    const conversation = await h.platform.startConversation(h.orgId, { routingGroupId: 'grp_archived', visitor: { name: 'Arlo' } });
    const record = await notificationOf(conversation.id);
    const refused = h.slack.calls({ method: 'conversations.join' }).filter((c) => c.params.channel === ids.archivedChannel);
    expect(refused[0]!.response).toMatchObject({ ok: false, error: 'is_archived' });
    expect(record.thread!.channelId).toBe(await dmChannelOf(h.agents.alice.slackUserId));
    expect(blocksText(parentPost(record.thread!.channelId, record.thread!.threadTs))).toContain(
      'fallback to each online member (the channel of Archived cannot be used)',
    );
  });

  it('falls through when the DM target’s Slack account is deactivated', async () => {
    const conversation = await h.platform.startConversation(h.orgId, { routingGroupId: 'grp_zed', visitor: { name: 'Dee' } });
    const record = await notificationOf(conversation.id);
    const refused = h.slack.calls({ method: 'conversations.open' }).filter((c) => c.params.users === ids.zedSlack);
    expect(refused[0]!.response).toMatchObject({ ok: false, error: 'user_disabled' });
    expect(record.thread!.channelId).toBe(ids.salesChannel);
    expect(blocksText(parentPost(ids.salesChannel, record.thread!.threadTs))).toContain(
      'routing group Zed (the only member is not mapped to a usable Slack user)',
    );
  });

  it('stores the chat as undeliverable with its reason and a metric when nothing can be used, and delivers it once settings change', async () => {
    await h.store.orgSettings.save(
      { orgId: h.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: null, answerTimeMs: null },
      new Date(),
    );
    const later = await h.platform.startConversation(h.orgId, { routingGroupId: null, visitor: { name: 'Nobody 2' } });
    const laterRecord = await notificationOf(later.id);
    expect(laterRecord.thread).toBeNull();
    expect(laterRecord.undeliverableReason).toBe('nowhere to notify: the chat has no routing group; no mapped online member to message');
    expect(await (await fetch(`${h.webUrl}/metrics`)).text()).toContain('threadbridge_undeliverable_chats 1\n');

    // A global channel chosen but switched off is not used: the chat still has nowhere to go.
    await h.store.orgSettings.save(
      { orgId: h.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: h.channelId, answerTimeMs: null },
      new Date(),
    );
    await createJobProducer(h.queues).orgChanged({ orgId: h.orgId, cause: 'settings-changed' });
    await waitFor(
      async () => (await h.queues.orgChanges.getJobs(['completed'])).length,
      (n) => n >= 1,
      { what: 'the retry with the global channel switched off' },
    );
    expect((await h.store.conversations.get(h.orgId, later.id))!.thread).toBeNull();

    // An admin turns the global channel on: the chat that found nowhere to go is delivered now.
    await h.store.orgSettings.save(
      { orgId: h.orgId, channelIdMode: false, globalChannelEnabled: true, globalChannelId: h.channelId, answerTimeMs: null },
      new Date(),
    );
    await createJobProducer(h.queues).orgChanged({ orgId: h.orgId, cause: 'settings-changed' });
    const delivered = await waitFor(
      () => h.store.conversations.get(h.orgId, later.id),
      (r) => Boolean(r?.thread),
      { what: 'the retried notification' },
    );
    expect(delivered!.thread!.channelId).toBe(h.channelId);
    expect(delivered!.undeliverableReason).toBeNull();
    expect(await (await fetch(`${h.webUrl}/metrics`)).text()).toContain('threadbridge_undeliverable_chats 0\n');
    await h.store.orgSettings.save(
      { orgId: h.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: h.channelId, answerTimeMs: null },
      new Date(),
    );
  });

  it('posts into the global channel when it is on, @mentioning the group and the account owner', async () => {
    await h.store.orgSettings.save(
      { orgId: h.orgId, channelIdMode: false, globalChannelEnabled: true, globalChannelId: h.channelId, answerTimeMs: null },
      new Date(),
    );
    const conversation = await h.platform.startConversation(h.orgId, {
      routingGroupId: 'grp_solo',
      visitor: { name: 'Gus' },
      account: { id: 'acc_2', name: 'Initech', ownerAgentId: h.agents.alice.agentId },
    });
    const record = await notificationOf(conversation.id);
    expect(record.thread!.channelId).toBe(h.channelId);
    const text = blocksText(parentPost(h.channelId, record.thread!.threadTs));
    expect(text).toContain(`<@${h.agents.bob.slackUserId}> <@${h.agents.alice.slackUserId}>`);
    expect(text).toContain('Sent here because: global channel.');
    await h.store.orgSettings.save(
      { orgId: h.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: h.channelId, answerTimeMs: null },
      new Date(),
    );
  });

  it('reminds an unanswered chat, then escalates it to each online member’s DMs while the global channel is off; an answered chat is never reminded', async () => {
    await h.store.orgSettings.save(
      { orgId: h.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: h.channelId, answerTimeMs: ANSWER_TIME_MS },
      new Date(),
    );
    const waiting = await h.platform.startConversation(h.orgId, { routingGroupId: ids.sales, visitor: { name: 'Wally' } });
    const answered = await h.platform.startConversation(h.orgId, { routingGroupId: ids.sales, visitor: { name: 'Abe' } });
    const answeredRecord = await notificationOf(answered.id);
    await h.slack.postAsUser({
      teamId: h.teamId,
      channel: ids.salesChannel,
      user: h.agents.alice.slackUserId,
      threadTs: answeredRecord.thread!.threadTs,
      text: 'On it!',
    });
    const answeredAt = await waitFor(
      () => h.store.conversations.get(h.orgId, answered.id),
      (r) => Boolean(r?.answeredBy),
      { what: 'the answer recorded' },
    );
    // The premise of "never reminded": the answer was in before the answer time ran out.
    expect(Date.now() - answeredAt!.createdAt.getTime()).toBeLessThan(ANSWER_TIME_MS);

    const waitingRecord = await notificationOf(waiting.id);
    const threadTs = waitingRecord.thread!.threadTs;
    const reminder = await waitFor(
      () => h.slack.messages(ids.salesChannel).filter((m) => m.thread_ts === threadTs && m.text.includes('waiting')),
      (m) => m.length >= 1,
      { what: 'the reminder', timeoutMs: 40_000 },
    );
    expect(reminder[0]!.text).toMatch(
      new RegExp(`^<@${h.agents.alice.slackUserId}> <@${h.agents.bob.slackUserId}> :bell: This chat has been waiting \\d+ min for an answer\\.$`),
    );

    // Escalated: a thread of the chat opens in each online member's DM (the global channel is off).
    const escalated = await waitFor(
      () => h.store.conversations.get(h.orgId, waiting.id),
      (r) => (r?.mirrors.length ?? 0) === 2,
      { what: 'the escalation threads', timeoutMs: 40_000 },
    );
    const dms = [await dmChannelOf(h.agents.alice.slackUserId), await dmChannelOf(h.agents.bob.slackUserId)];
    expect(escalated!.mirrors.map((m) => m.ref.channelId).sort()).toEqual([...dms].sort());
    for (const mirror of escalated!.mirrors) {
      expect(blocksText(parentPost(mirror.ref.channelId, mirror.ref.threadTs))).toMatch(/no answer after \d+ min, so escalated here/);
    }
    expect(h.slack.messages(h.channelId).filter((m) => m.text.includes('Wally'))).toEqual([]);
    const note = await waitFor(
      () => h.slack.messages(ids.salesChannel).filter((m) => m.thread_ts === threadTs && m.text.includes('escalated to')),
      (m) => m.length === 1,
      { what: 'the escalation note in the thread' },
    );
    expect(note[0]!.text).toContain('(in their DMs)');
    expect(note[0]!.text).not.toMatch(/https?:\/\//);

    // The answered chat: its parent says who answered, and no reminder ever came.
    const updates = h.slack.calls({ method: 'chat.update' }).filter((c) => c.params.ts === answeredRecord.thread!.threadTs);
    expect(blocksText(updates.at(-1)!)).toContain('Answered by Alice Agent');
    const answeredThread = h.slack.messages(ids.salesChannel).filter((m) => m.thread_ts === answeredRecord.thread!.threadTs);
    expect(answeredThread.some((m) => m.text.includes(':bell:') || m.text.includes(':rotating_light:'))).toBe(false);
    await h.store.orgSettings.save(
      { orgId: h.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: h.channelId, answerTimeMs: null },
      new Date(),
    );
  }, 90_000);

  it('DMs each mapped online member when neither the group’s channel nor a global channel can be used', async () => {
    await h.store.orgSettings.save(
      { orgId: h.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: null, answerTimeMs: null },
      new Date(),
    );
    const conversation = await h.platform.startConversation(h.orgId, { routingGroupId: 'grp_secret', visitor: { name: 'Eve' } });
    const record = await notificationOf(conversation.id);
    const aliceDm = await dmChannelOf(h.agents.alice.slackUserId);
    const bobDm = await dmChannelOf(h.agents.bob.slackUserId);
    // A thread in each member's DM: the first is the chat's primary thread, Bob's another one.
    expect(record.thread!.channelId).toBe(aliceDm);
    expect(blocksText(parentPost(aliceDm, record.thread!.threadTs))).toContain('fallback to each online member');
    const withBob = await waitFor(
      () => h.store.conversations.get(h.orgId, conversation.id),
      (r) => (r?.mirrors.length ?? 0) === 1,
      { what: 'Bob’s thread' },
    );
    const bobThread = withBob!.mirrors[0]!.ref;
    expect(bobThread.channelId).toBe(bobDm);
    expect(blocksText(parentPost(bobDm, bobThread.threadTs))).toContain('fallback to each online member');
    // Nobody is handed a link into someone else's DM.
    expect(h.slack.messages(bobDm).some((m) => /https?:\/\//.test(m.text))).toBe(false);
    await h.store.orgSettings.save(
      { orgId: h.orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: h.channelId, answerTimeMs: null },
      new Date(),
    );
  });

  it('announces an assignment in the thread, opens a thread in the DM of an assignee who cannot see the chat, and marks the parent ended', async () => {
    // Bob is a member of #sales-chats: he is @mentioned in the thread and needs no DM.
    const conversation = await h.platform.startConversation(h.orgId, { routingGroupId: ids.sales, visitor: { name: 'Ann' } });
    const record = await notificationOf(conversation.id);
    const { threadTs } = record.thread!;
    await h.platform.assign(h.orgId, conversation.id, h.agents.bob.agentId);
    await waitFor(
      () =>
        h.slack
          .messages(ids.salesChannel)
          .filter((m) => m.thread_ts === threadTs && m.text === `:bust_in_silhouette: Assigned to <@${h.agents.bob.slackUserId}>.`),
      (m) => m.length === 1,
      { what: 'the assignment line in the thread' },
    );
    await waitFor(
      async () =>
        (await h.queues.chatEvents.getJobs(['completed'])).filter(
          (j) => j.name === 'conversation.assigned' && (j.data.data as { conversationId: string }).conversationId === conversation.id,
        ),
      (jobs) => jobs.length === 1,
      { what: 'the assignment job to finish' },
    );
    expect((await h.store.conversations.get(h.orgId, conversation.id))!.mirrors).toEqual([]);

    // A chat whose thread lives in Bob's DM, assigned to Alice: she cannot see it, so the chat
    // gets a thread in her DM, with the conversation so far.
    const solo = await h.platform.startConversation(h.orgId, { routingGroupId: 'grp_solo', visitor: { name: 'Sol' } });
    await notificationOf(solo.id);
    await h.platform.visitorSays(h.orgId, solo.id, 'Anyone there?');
    await h.platform.assign(h.orgId, solo.id, h.agents.alice.agentId);
    const aliceDm = await dmChannelOf(h.agents.alice.slackUserId);
    const assigned = await waitFor(
      () => h.store.conversations.get(h.orgId, solo.id),
      (r) => (r?.mirrors.length ?? 0) === 1,
      { what: 'the assignee’s thread' },
    );
    const aliceThread = assigned!.mirrors[0]!.ref;
    expect(aliceThread.channelId).toBe(aliceDm);
    expect(blocksText(parentPost(aliceDm, aliceThread.threadTs))).toContain('the chat was assigned to you');
    await waitFor(
      () => h.slack.messages(aliceDm).filter((m) => m.thread_ts === aliceThread.threadTs && m.text.includes('Anyone there?')),
      (m) => m.length === 1,
      { what: 'the conversation so far in the assignee’s thread' },
    );
    // Alice connected the workspace: the problems this file's setups cause (an archived channel,
    // a private one without the app) are told to her in this DM, with the settings page's link.
    // Nothing else there links anywhere.
    const chatPosts = h.slack.messages(aliceDm).filter((m) => !m.text.startsWith('*Chats may not reach Slack.*'));
    expect(chatPosts.some((m) => /https?:\/\//.test(m.text))).toBe(false);

    await h.platform.end(h.orgId, conversation.id, 'visitor');
    const updates = await waitFor(
      () => h.slack.calls({ method: 'chat.update' }).filter((c) => c.params.ts === threadTs && c.response.ok === true),
      (calls) => calls.some((c) => blocksText(c).includes('Chat ended')),
      { what: 'the parent marked ended' },
    );
    expect(updates.at(-1)!.params.channel).toBe(ids.salesChannel);
  });
});
