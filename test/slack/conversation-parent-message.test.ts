// The Block Kit parent message posted for a conversation (the thread's first message): the
// visitor's display name, the message's blocks, and its status line.
import { describe, expect, it } from 'vitest';
import { parentMessage, visitorDisplayName } from '../../src/slack/format/conversation-messages.ts';
import { conversation, texts } from './conversation-messages-fixture.ts';

describe('visitorDisplayName', () => {
  it.each([
    { name: 'the name when known', conv: conversation({}, { name: 'Ada Lovelace', email: 'ada@x.example' }), out: 'Ada Lovelace' },
    { name: 'the name trimmed', conv: conversation({}, { name: '  Ada  ' }), out: 'Ada' },
    { name: 'the email without a name', conv: conversation({}, { email: 'ada@x.example' }), out: 'ada@x.example' },
    { name: 'the email when the name is blank', conv: conversation({}, { name: '   ', email: 'ada@x.example' }), out: 'ada@x.example' },
    { name: '"A visitor" when neither is known', conv: conversation(), out: 'A visitor' },
    { name: '"A visitor" without a conversation', conv: null, out: 'A visitor' },
  ])('$name', ({ conv, out }) => {
    expect(visitorDisplayName(conv)).toBe(out);
  });
});

describe('parentMessage', () => {
  it('renders every known field, the mentions and the reason', () => {
    const conv = conversation(
      { source: 'mobile_app', pageUrl: 'https://shop.example/pricing', account: { id: 'acc_1', name: 'Acme', ownerAgentId: null } },
      { name: 'Ada', email: 'ada@x.example', company: 'Analytical Engines' },
    );
    expect(parentMessage(conv, { mentionUserIds: ['U1', 'U2'], reason: 'account owner' })).toEqual({
      text: 'New chat from Ada',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: ':speech_balloon: *New chat from Ada*\n<@U1> <@U2>' } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: '*Email:* ada@x.example\n*Company:* Analytical Engines\n*Account:* Acme\n*From:* mobile app\n*Page:* https://shop.example/pricing',
          },
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Reply in this thread to answer the visitor. Sent here because: account owner.' }] },
        {
          type: 'actions',
          block_id: 'claim',
          elements: [{ type: 'button', action_id: 'claim_chat', text: { type: 'plain_text', text: 'Join' }, style: 'primary', value: 'claim' }],
        },
      ],
    });
  });

  it.each([
    { name: 'nothing known but the source', conv: conversation(), facts: '*From:* website' },
    { name: 'email only', conv: conversation({}, { email: 'e@x.example' }), facts: '*Email:* e@x.example\n*From:* website' },
    { name: 'company only', conv: conversation({}, { company: 'Co' }), facts: '*Company:* Co\n*From:* website' },
    { name: 'account only', conv: conversation({ account: { id: 'a', name: 'Acme', ownerAgentId: 'ag_1' } }), facts: '*Account:* Acme\n*From:* website' },
    { name: 'page only', conv: conversation({ pageUrl: 'https://x.example/' }), facts: '*From:* website\n*Page:* https://x.example/' },
    { name: 'mobile app source', conv: conversation({ source: 'mobile_app' }), facts: '*From:* mobile app' },
    { name: 'empty email and company are not shown', conv: conversation({}, { email: '', company: '' }), facts: '*From:* website' },
  ])('facts shown only when known: $name', ({ conv, facts }) => {
    expect(texts(parentMessage(conv, { mentionUserIds: [], reason: 'r' }).blocks)[1]).toEqual({ type: 'section', text: facts });
  });

  it.each([
    { name: 'no mentions: no second line', ids: [], head: ':speech_balloon: *New chat from A visitor*' },
    { name: 'one mention', ids: ['U1'], head: ':speech_balloon: *New chat from A visitor*\n<@U1>' },
    { name: 'three mentions', ids: ['U1', 'W2', 'U3'], head: ':speech_balloon: *New chat from A visitor*\n<@U1> <@W2> <@U3>' },
  ])('mentions: $name', ({ ids, head }) => {
    expect(texts(parentMessage(conversation(), { mentionUserIds: ids, reason: 'r' }).blocks)[0]!.text).toBe(head);
  });

  it('escapes every visitor-supplied value so none becomes a mention, broadcast or link', () => {
    const conv = conversation(
      { pageUrl: 'https://x.example/?a=1&b=<!here>', account: { id: 'a', name: '<!channel> & Co', ownerAgentId: null } },
      { name: '<!channel> Eve', email: '<@U999>@x.example', company: '<https://evil.example|Click me>' },
    );
    const body = parentMessage(conv, { mentionUserIds: ['U1'], reason: 'rule <!everyone>' });
    expect(body.text).toBe('New chat from &lt;!channel&gt; Eve');
    expect(texts(body.blocks.filter((b) => b.type !== 'actions'))).toEqual([
      { type: 'section', text: ':speech_balloon: *New chat from &lt;!channel&gt; Eve*\n<@U1>' },
      {
        type: 'section',
        text: '*Email:* &lt;@U999&gt;@x.example\n*Company:* &lt;https://evil.example|Click me&gt;\n*Account:* &lt;!channel&gt; &amp; Co\n*From:* website\n*Page:* https://x.example/?a=1&amp;b=&lt;!here&gt;',
      },
      { type: 'context', text: 'Reply in this thread to answer the visitor. Sent here because: rule &lt;!everyone&gt;.' },
    ]);
  });

  it('falls back to the email, escaped, as the visitor name', () => {
    expect(parentMessage(conversation({}, { email: 'a&b@x.example' }), { mentionUserIds: [], reason: 'r' }).text).toBe('New chat from a&amp;b@x.example');
  });
});

describe('parentMessage status line', () => {
  it.each([
    [{ kind: 'waiting' as const }, ':hourglass_flowing_sand: Waiting for a rep'],
    [{ kind: 'waiting' as const, waitingMinutes: 3 }, ':hourglass_flowing_sand: Waiting for a rep for 3 min'],
    [{ kind: 'answered' as const, by: 'Alice <Agent>' }, ':white_check_mark: Answered by Alice &lt;Agent&gt;'],
    [{ kind: 'ended' as const }, ':checkered_flag: Chat ended'],
  ])('shows %j as %j in the last context block', (status, line) => {
    const body = parentMessage(conversation(), { mentionUserIds: [], reason: 'r', status });
    expect(body.blocks.filter((b) => b.type === 'context').at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: line }] });
  });

  it.each([
    { why: 'open and nobody took it: a Join button', options: { status: { kind: 'waiting' as const } }, join: true, extra: [] },
    { why: 'answered but nobody took it: still Join', options: { status: { kind: 'answered' as const, by: 'Al' } }, join: true, extra: [] },
    { why: 'taken: who has it, no button', options: { claimedBySlackUserId: 'U7' }, join: false, extra: [':raising_hand: <@U7> took this chat'] },
    { why: 'ended: no button', options: { status: { kind: 'ended' as const } }, join: false, extra: [] },
    {
      why: 'a booked meeting, in each reader’s time zone',
      options: { meeting: { agentName: 'Bo <B>', startsAt: '2026-12-01T15:00:00.000Z' } },
      join: true,
      extra: [':calendar: Meeting booked with Bo &lt;B&gt;: <!date^1796137200^{date_short_pretty} at {time}|2026-12-01T15:00:00.000Z>'],
    },
  ])('$why', ({ options, join, extra }) => {
    const body = parentMessage(conversation(), { mentionUserIds: [], reason: 'r', ...options });
    expect(body.blocks.some((b) => b.type === 'actions')).toBe(join);
    const contexts = body.blocks.filter((b) => b.type === 'context').map((b) => (b as { elements: Array<{ text: string }> }).elements[0]!.text);
    for (const line of extra) expect(contexts).toContain(line);
  });

  it('names unmapped group members in plain text next to the mentions, escaped', () => {
    const body = parentMessage(conversation(), { mentionUserIds: ['U1'], reason: 'r', unmappedNames: ['Dave', '<!here>'] });
    expect(JSON.stringify(body.blocks[0])).toContain('<@U1>\\nAlso in the group, not linked to Slack: Dave, &lt;!here&gt;');
  });
});
