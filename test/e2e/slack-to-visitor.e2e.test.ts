// End-to-end: what a rep writes in a conversation's thread, and what reaches the visitor.
// Internal notes stay in Slack (marked, and in the transcript as internal), alerts-only orgs
// relay nothing, shared files are not forwarded, and edits or deletions after the fact are
// explained to the rep, since the visitor keeps the original.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ runtime: 'node', name: 'slack-to-visitor' });
}, 120_000);
afterAll(async () => h?.stop());

async function newThread(visitor: string) {
  const conversation = await h.platform.startConversation(h.orgId, { visitor: { name: visitor } });
  const record = await waitFor(
    () => h.store.conversations.get(h.orgId, conversation.id),
    (r) => Boolean(r?.thread),
    { what: 'the thread' },
  );
  return { conversation, threadTs: record!.thread!.threadTs };
}

const fromSlack = (conversationId: string) => h.platform.conversation(h.orgId, conversationId).messages.filter((m) => m.origin === 'slack');
const ephemeralsTo = (user: string, text: string) =>
  h.slack.calls({ method: 'chat.postEphemeral' }).filter((c) => c.params.user === user && String(c.params.text).includes(text));

async function settled(eventText: string) {
  // The Slack event job for this text has finished (whatever it decided).
  await waitFor(
    async () => (await h.queues.slackEvents.getJobs(['completed'])).filter((j) => JSON.stringify(j.data.event).includes(eventText)),
    (jobs) => jobs.length >= 1,
    { what: `the event "${eventText}" to be processed` },
  );
}

describe('from the Slack thread to the visitor', () => {
  it('keeps an internal note in Slack, marks it, and puts it in the transcript as internal', async () => {
    const { conversation, threadTs } = await newThread('Nora');
    const noteTs = await h.slack.postAsUser({
      teamId: h.teamId,
      channel: h.channelId,
      user: h.agents.alice.slackUserId,
      threadTs,
      text: 'note: big account, loop in Bob',
    });
    await h.slack.postAsUser({ teamId: h.teamId, channel: h.channelId, user: h.agents.alice.slackUserId, threadTs, text: 'Hi Nora!' });
    await waitFor(
      () => fromSlack(conversation.id),
      (m) => m.length === 1,
      { what: 'the real reply at the platform' },
    );
    await waitFor(
      () => h.slack.messages(h.channelId).find((m) => m.ts === noteTs)?.reactions ?? [],
      (reactions) => reactions.some((r) => r.name === 'lock'),
      { what: 'the note marked internal' },
    );
    expect(fromSlack(conversation.id).map((m) => m.text)).toEqual(['Hi Nora!']);

    await h.platform.end(h.orgId, conversation.id, 'agent', h.agents.alice.agentId);
    const transcript = await waitFor(
      () =>
        h.platform.conversation(h.orgId, conversation.id).transcript as { messages: Array<{ text: string; internal?: boolean; origin: string }> } | undefined,
      (t) => Boolean(t),
      { what: 'the transcript' },
    );
    expect(transcript!.messages.map((m) => [m.text, m.internal ?? false])).toEqual([
      ['big account, loop in Bob', true],
      ['Hi Nora!', false],
    ]);
  });

  it('relays nothing in an alerts-only org and tells the rep why', async () => {
    const { conversation, threadTs } = await newThread('Otto');
    const settings = (await h.store.orgSettings.get(h.orgId))!;
    await h.store.orgSettings.save({ ...settings, bridgeMode: 'alerts-only' }, new Date());
    try {
      await h.slack.postAsUser({ teamId: h.teamId, channel: h.channelId, user: h.agents.bob.slackUserId, threadTs, text: 'Hello Otto' });
      await waitFor(
        () => ephemeralsTo(h.agents.bob.slackUserId, 'alerts only'),
        (c) => c.length === 1,
        { what: 'the alerts-only notice' },
      );
      expect(fromSlack(conversation.id)).toEqual([]);
    } finally {
      await h.store.orgSettings.save({ ...settings, bridgeMode: 'two-way' }, new Date());
    }
  });

  it('does not forward a file shared in the thread, and says so', async () => {
    const { conversation, threadTs } = await newThread('Fay');
    await h.slack.postAsUser({ teamId: h.teamId, channel: h.channelId, user: h.agents.bob.slackUserId, threadTs, text: '', subtype: 'file_share' });
    await waitFor(
      () => ephemeralsTo(h.agents.bob.slackUserId, "Files shared in Slack can't be sent"),
      (c) => c.length === 1,
      { what: 'the files notice' },
    );
    expect(fromSlack(conversation.id)).toEqual([]);
  });

  it('tells a rep who edits or deletes a delivered reply that the visitor still sees the original', async () => {
    const { conversation, threadTs } = await newThread('Eli');
    const ts = await h.slack.postAsUser({ teamId: h.teamId, channel: h.channelId, user: h.agents.alice.slackUserId, threadTs, text: 'Our price is $10' });
    await waitFor(
      () => fromSlack(conversation.id),
      (m) => m.length === 1,
      { what: 'the reply at the platform' },
    );
    await h.slack.editAsUser({ teamId: h.teamId, channel: h.channelId, user: h.agents.alice.slackUserId, ts, text: 'Our price is $12' });
    await waitFor(
      () => ephemeralsTo(h.agents.alice.slackUserId, 'You edited a reply'),
      (c) => c.length === 1,
      { what: 'the edit notice' },
    );
    await h.slack.deleteAsUser({ teamId: h.teamId, channel: h.channelId, user: h.agents.alice.slackUserId, ts });
    await waitFor(
      () => ephemeralsTo(h.agents.alice.slackUserId, 'You deleted a reply'),
      (c) => c.length === 1,
      { what: 'the deletion notice' },
    );
    expect(fromSlack(conversation.id).map((m) => m.text)).toEqual(['Our price is $10']);
    await settled('Our price is $12');
  });

  it('turns Slack markup into what the visitor should read: mentions by the name Slack shows (display name), links with their address', async () => {
    const { conversation, threadTs } = await newThread('Mia');
    await h.slack.postAsUser({
      teamId: h.teamId,
      channel: h.channelId,
      user: h.agents.alice.slackUserId,
      threadTs,
      text: `Ask <@${h.agents.bob.slackUserId}> &amp; see <https://acme.test/pricing|pricing> or <#${h.channelId}|website-chats>`,
    });
    const relayed = await waitFor(
      () => fromSlack(conversation.id),
      (m) => m.length === 1,
      { what: 'the reply at the platform' },
    );
    expect(relayed[0]!.text).toBe('Ask @bob & see pricing (https://acme.test/pricing) or #website-chats');
  });

  it('forwards a publicly shared file as an attachment, and says which files stayed behind', async () => {
    const { conversation, threadTs } = await newThread('Pat');
    const event = {
      type: 'message',
      subtype: 'file_share',
      channel: h.channelId,
      channel_type: 'channel',
      user: h.agents.bob.slackUserId,
      text: 'Here is our brochure',
      ts: `${Math.floor(Date.now() / 1000)}.000777`,
      thread_ts: threadTs,
      files: [
        {
          id: 'F1',
          name: 'brochure.pdf',
          title: 'brochure.pdf',
          mimetype: 'application/pdf',
          size: 12345,
          public_url_shared: true,
          permalink_public: 'https://slack-files.com/T1-F1-abc',
        },
        {
          id: 'F2',
          name: 'internal.xlsx',
          title: 'internal.xlsx',
          mimetype: 'application/vnd.ms-excel',
          size: 999,
          public_url_shared: false,
          url_private: 'https://files.slack.com/files-pri/T1-F2/internal.xlsx',
        },
      ],
    };
    expect((await h.slack.deliverEvent(h.teamId, event)).ok).toBe(true);
    const relayed = await waitFor(
      () => fromSlack(conversation.id),
      (m) => m.length === 1,
      { what: 'the reply with its file' },
    );
    expect(relayed[0]).toMatchObject({
      text: 'Here is our brochure',
      attachments: [{ name: 'brochure.pdf', url: 'https://slack-files.com/T1-F1-abc', mimeType: 'application/pdf', size: 12345 }],
    });
    await waitFor(
      () => ephemeralsTo(h.agents.bob.slackUserId, 'unless they are shared publicly'),
      (c) => c.length >= 1,
      { what: 'the notice about the private file' },
    );
  });
});
