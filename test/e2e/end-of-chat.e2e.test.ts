// End-to-end: the end of a chat. The thread gets the rating prompt, a mapped rep's click reaches
// the platform and redraws the prompt, an unmapped user's click is refused with the same
// explanation as a reply, and the full transcript (every origin, in order, with the thread's
// permalink) is pushed to the platform, and pushed again when the rating changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ runtime: 'node', name: 'end-of-chat' });
}, 120_000);
afterAll(async () => h?.stop());

describe('end of chat', () => {
  it('prompts for a rating, sends a mapped rep’s rating, refuses an unmapped one, and pushes the whole transcript', async () => {
    const conversation = await h.platform.startConversation(h.orgId, { visitor: { name: 'Quinn' } });
    await h.platform.visitorSays(h.orgId, conversation.id, 'Do you have an API?');
    const record = await waitFor(
      () => h.store.conversations.get(h.orgId, conversation.id),
      (r) => Boolean(r?.thread),
      { what: 'the thread' },
    );
    const { threadTs } = record!.thread!;
    await waitFor(
      () => h.slack.messages(h.channelId).filter((m) => m.thread_ts === threadTs && m.ts !== threadTs),
      (m) => m.length === 1,
      { what: 'the visitor message' },
    );
    // A console agent and a Slack rep both answer: one thread, one transcript.
    await h.platform.agentSays(h.orgId, conversation.id, h.agents.bob.agentId, 'Yes, a REST API.');
    // Alice reads Bob's console answer in the thread, then adds to it from Slack.
    await waitFor(
      () => h.slack.messages(h.channelId).filter((m) => m.thread_ts === threadTs && m.ts !== threadTs),
      (m) => m.length === 2,
      { what: 'Bob’s answer in the thread' },
    );
    await h.slack.postAsUser({
      teamId: h.teamId,
      channel: h.channelId,
      user: h.agents.alice.slackUserId,
      threadTs,
      text: 'Docs are at <https://acme.test/api|acme.test/api>',
    });
    await waitFor(
      () => h.platform.conversation(h.orgId, conversation.id).messages.filter((m) => m.origin === 'slack'),
      (m) => m.length === 1,
      { what: 'the Slack reply at the platform' },
    );

    // The thread reads as one conversation: visitor, console agent (under the agent's name), Slack rep.
    await waitFor(
      () => h.slack.messages(h.channelId).filter((m) => m.thread_ts === threadTs && m.ts !== threadTs),
      (m) => m.length === 3,
      { what: 'the console message in the thread' },
    );
    const thread = h.slack.messages(h.channelId).filter((m) => m.thread_ts === threadTs && m.ts !== threadTs);
    expect(thread.map((m) => [m.username ?? null, m.text])).toEqual([
      ['Quinn (visitor)', 'Quinn (visitor): Do you have an API?'],
      ['Bob Agent', 'Bob Agent: Yes, a REST API.'],
      [null, 'Docs are at <https://acme.test/api|acme.test/api>'],
    ]);

    await h.platform.end(h.orgId, conversation.id, 'visitor');
    const prompt = await waitFor(
      () => h.slack.messages(h.channelId).filter((m) => m.thread_ts === threadTs && m.text.includes('How qualified was this lead?')),
      (m) => m.length === 1,
      { what: 'the rating prompt' },
    );
    expect(prompt[0]!.text).toBe(':checkered_flag: Chat ended by the visitor. How qualified was this lead?');

    const transcript = await waitFor(
      () =>
        h.platform.conversation(h.orgId, conversation.id).transcript as
          | { messages: Array<{ seq: number; text: string; origin: string }>; slack: Record<string, string> }
          | undefined,
      (t) => Boolean(t),
      {
        what: 'the transcript',
      },
    );
    const platformMessages = h.platform.conversation(h.orgId, conversation.id).messages;
    expect(transcript!.messages.map((m) => [m.seq, m.origin, m.text])).toEqual(platformMessages.map((m) => [m.seq, m.origin, m.text]));
    expect(transcript!.messages.map((m) => m.origin)).toEqual(['web', 'console', 'slack']);
    // A reply after the end reaches nobody, and the rep is told.
    await h.slack.postAsUser({ teamId: h.teamId, channel: h.channelId, user: h.agents.alice.slackUserId, threadTs, text: 'Are you still there?' });
    await waitFor(
      () =>
        h.slack
          .calls({ method: 'chat.postEphemeral' })
          .filter((c) => c.params.user === h.agents.alice.slackUserId && String(c.params.text).includes('this chat has ended')),
      (c) => c.length === 1,
      { what: 'the ended-chat notice' },
    );
    expect(h.platform.conversation(h.orgId, conversation.id).messages.filter((m) => m.origin === 'slack')).toHaveLength(1);
    expect(transcript!.slack).toMatchObject({
      teamId: h.teamId,
      channelId: h.channelId,
      threadTs,
      permalink: expect.stringMatching(/^https:\/\/.+\/archives\//),
    });

    // Carol is not mapped: her click changes nothing and she is told why.
    const carolClick = await h.slack.clickButton({
      teamId: h.teamId,
      userId: h.unmappedSlackUserId,
      channel: h.channelId,
      messageTs: prompt[0]!.ts,
      actionId: 'qualify_lead:cold',
      value: 'cold',
    });
    expect(carolClick.status).toBe(200);
    const refused = await waitFor(
      () => h.slack.calls({ method: 'chat.postEphemeral' }).filter((c) => c.params.user === h.unmappedSlackUserId),
      (c) => c.length === 1,
      { what: 'the ephemeral refusal' },
    );
    expect(String(refused[0]!.params.text)).toMatch(/^Your rating was not saved: your Slack account isn't linked to a chat agent/);

    // Alice rates it Hot: the platform gets it, the prompt says so, the transcript is pushed again.
    const transcriptPutsBefore = h.platform.calls({ method: 'PUT', path: /\/transcript$/ }).length;
    const aliceClick = await h.slack.clickButton({
      teamId: h.teamId,
      userId: h.agents.alice.slackUserId,
      channel: h.channelId,
      messageTs: prompt[0]!.ts,
      actionId: 'qualify_lead:hot',
      value: 'hot',
    });
    expect(aliceClick.status).toBe(200);
    const qualification = await waitFor(
      () => h.platform.conversation(h.orgId, conversation.id).qualification,
      (q) => Boolean(q),
      { what: 'the rating at the platform' },
    );
    expect(qualification).toMatchObject({ agentId: h.agents.alice.agentId, rating: 'hot' });
    expect(h.platform.calls({ method: 'PUT', path: /\/qualification$/ })).toHaveLength(1);
    await waitFor(
      () => h.slack.messages(h.channelId).filter((m) => m.ts === prompt[0]!.ts),
      (m) =>
        m[0]!.text === ':checkered_flag: Chat ended by the visitor. Lead rated Hot.' &&
        JSON.stringify(m[0]!.blocks).includes(`by <@${h.agents.alice.slackUserId}>`),
      { what: 'the prompt redrawn' },
    );
    await waitFor(
      () => h.platform.calls({ method: 'PUT', path: /\/transcript$/ }).length,
      (n) => n > transcriptPutsBefore,
      { what: 'the transcript pushed again' },
    );
  });

  it('notes in the thread when the visitor is identified and when the chat is assigned to an agent without Slack', async () => {
    const conversation = await h.platform.startConversation(h.orgId, { visitor: { name: null, email: null, company: null } });
    const record = await waitFor(
      () => h.store.conversations.get(h.orgId, conversation.id),
      (r) => Boolean(r?.thread),
      { what: 'the thread' },
    );
    const { threadTs } = record!.thread!;
    const linesInThread = () =>
      h.slack
        .messages(h.channelId)
        .filter((m) => m.thread_ts === threadTs && m.ts !== threadTs)
        .map((m) => m.text);

    await h.platform.updateConversation(h.orgId, conversation.id, {
      visitor: { name: 'Ivy Identified', email: 'ivy@example.com', company: 'Ivy <!channel> Co' },
      account: { id: 'acc_9', name: 'Ivy Co', ownerAgentId: null },
    });
    await waitFor(linesInThread, (lines) => lines.length === 1, { what: 'the identification line' });
    expect(linesInThread()).toEqual([
      ':information_source: Visitor identified: *Ivy Identified* (ivy@example.com, Ivy &lt;!channel&gt; Co) · Account matched: *Ivy Co*',
    ]);
    await waitFor(
      () => h.slack.messages(h.channelId).find((m) => m.ts === threadTs)!,
      (parent) => parent.text === 'New chat from Ivy Identified',
      { what: 'the parent redrawn with the name' },
    );

    const dana = h.platform.addAgent(h.orgId, { name: 'Dana Console', email: 'dana@acme.test', status: 'online' });
    await h.platform.assign(h.orgId, conversation.id, dana.id);
    await waitFor(linesInThread, (lines) => lines.includes(':bust_in_silhouette: Assigned to Dana Console.'), { what: 'the assignment line' });
  });
});
