// The Block Kit messages posted for a conversation: the thread's parent message, one message per
// chat message, and the splitting of long text into sections Slack accepts without losing any of it.
import { describe, expect, it } from 'vitest';
import { combinedThreadMessage, parentMessage, splitText, threadMessage, threadPosts, visitorDisplayName } from '../../src/slack/format/conversation-messages.ts';
import type { Attachment, Conversation, Message } from '../../src/platform/webhook-events.ts';
import type { SlackBlock } from '../../src/slack/slack-api.ts';

const LIMIT = 3000;

function conversation(over: Partial<Conversation> = {}, visitor: Partial<Conversation['visitor']> = {}): Conversation {
  return {
    id: 'conv_1',
    orgId: 'org_1',
    routingGroupId: null,
    source: 'web',
    pageUrl: null,
    startedAt: '2026-11-24T12:00:00.000Z',
    visitor: { id: 'vis_1', name: null, email: null, company: null, ...visitor },
    account: null,
    ...over,
  };
}

function message(over: Partial<Message> = {}, author: Partial<Message['author']> = {}): Message {
  return {
    id: 'msg_1',
    seq: 1,
    createdAt: '2026-11-24T12:00:01.000Z',
    text: 'Hello',
    author: { type: 'visitor', id: 'vis_1', name: 'Ada', avatarUrl: null, ...author },
    origin: 'web',
    attachments: [],
    clientMessageId: null,
    ...over,
  };
}

/** The mrkdwn text of each section / context block, in order. */
function texts(blocks: SlackBlock[]): Array<{ type: string; text: string }> {
  return blocks.map((block) => {
    const b = block as { type: string; text?: { text: string }; elements?: Array<{ text: string }> };
    return { type: b.type, text: b.text?.text ?? b.elements?.map((e) => e.text).join('') ?? '' };
  });
}

/**
 * Asserts the chunks, joined, are exactly `input` except for at most one space or newline
 * dropped at each cut, and that each chunk is non-empty and within the limit.
 */
function expectLossless(chunks: string[], input: string, limit: number): void {
  let pos = 0;
  chunks.forEach((chunk, i) => {
    expect(chunk.length, `chunk ${i} length`).toBeLessThanOrEqual(limit);
    expect(chunk.length, `chunk ${i} is empty`).toBeGreaterThan(0);
    if (i > 0 && !input.startsWith(chunk, pos)) {
      expect([' ', '\n'], `dropped char before chunk ${i}`).toContain(input[pos]);
      pos += 1;
    }
    expect(input.startsWith(chunk, pos), `chunk ${i} continues the input at ${pos}`).toBe(true);
    pos += chunk.length;
  });
  expect(pos).toBe(input.length);
}

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
        { type: 'actions', block_id: 'claim', elements: [{ type: 'button', action_id: 'claim_chat', text: { type: 'plain_text', text: 'Join' }, style: 'primary', value: 'claim' }] },
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
        text:
          '*Email:* &lt;@U999&gt;@x.example\n*Company:* &lt;https://evil.example|Click me&gt;\n*Account:* &lt;!channel&gt; &amp; Co\n*From:* website\n*Page:* https://x.example/?a=1&amp;b=&lt;!here&gt;',
      },
      { type: 'context', text: 'Reply in this thread to answer the visitor. Sent here because: rule &lt;!everyone&gt;.' },
    ]);
  });

  it('falls back to the email, escaped, as the visitor name', () => {
    expect(parentMessage(conversation({}, { email: 'a&b@x.example' }), { mentionUserIds: [], reason: 'r' }).text).toBe('New chat from a&amp;b@x.example');
  });
});

describe('threadMessage', () => {
  it('a short message: one section, a context line, fallback "Name: text"', () => {
    expect(threadMessage(message({ text: 'Hi, I need help' }))).toEqual({
      text: 'Ada: Hi, I need help',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'Hi, I need help' } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: '*Ada* (visitor, website)' }] },
      ],
    });
  });

  it.each([
    { name: 'agent in the console', msg: message({ origin: 'console' }, { type: 'agent', name: 'Sam' }), context: '*Sam* (agent, console)', fallback: 'Sam: Hello' },
    { name: 'bot', msg: message({ origin: 'bot' }, { type: 'bot', name: 'Helper' }), context: '*Helper* (bot, bot)', fallback: 'Helper: Hello' },
    { name: 'agent via Slack', msg: message({ origin: 'slack' }, { type: 'agent', name: 'Rep' }), context: '*Rep* (agent, Slack)', fallback: 'Rep: Hello' },
    { name: 'visitor on mobile', msg: message({ origin: 'mobile_app' }), context: '*Ada* (visitor, mobile app)', fallback: 'Ada: Hello' },
    { name: 'nameless system author uses the type', msg: message({}, { type: 'system', name: '' }), context: '*system* (system, website)', fallback: 'system: Hello' },
    { name: 'nameless visitor uses the type', msg: message({}, { name: '' }), context: '*visitor* (visitor, website)', fallback: 'visitor: Hello' },
    { name: 'author name escaped', msg: message({}, { name: '<!here>' }), context: '*&lt;!here&gt;* (visitor, website)', fallback: '&lt;!here&gt;: Hello' },
  ])('author and origin: $name', ({ msg, context, fallback }) => {
    const body = threadMessage(msg);
    expect(texts(body.blocks).at(-1)).toEqual({ type: 'context', text: context });
    expect(body.text).toBe(fallback);
  });

  it.each([
    { name: 'not late by default', options: undefined, context: '*Ada* (visitor, website)' },
    { name: 'late: false', options: { late: false }, context: '*Ada* (visitor, website)' },
    { name: 'late: true adds the marker', options: { late: true }, context: '*Ada* (visitor, website) · arrived late' },
  ])('late marker: $name', ({ options, context }) => {
    expect(texts(threadMessage(message(), options).blocks).at(-1)!.text).toBe(context);
  });

  it('escapes the visitor\'s text in the section and the fallback', () => {
    const body = threadMessage(message({ text: '<!channel> ping <@U1> & see <https://evil.example|this>' }));
    const escaped = '&lt;!channel&gt; ping &lt;@U1&gt; &amp; see &lt;https://evil.example|this&gt;';
    expect(texts(body.blocks)[0]).toEqual({ type: 'section', text: escaped });
    expect(body.text).toBe(`Ada: ${escaped}`);
  });

  it('an empty message gets a placeholder section', () => {
    expect(texts(threadMessage(message({ text: '' })).blocks)[0]).toEqual({ type: 'section', text: '_(empty message)_' });
  });

  const attachment = (over: Partial<Attachment>): Attachment => ({ name: 'file.pdf', url: 'https://files.example/f1', mimeType: 'application/pdf', size: 0, ...over });

  it.each([
    { name: 'bytes', att: attachment({ size: 512 }), line: ':paperclip: <https://files.example/f1|file.pdf> (application/pdf, 512 B)' },
    { name: 'just under 1 KB', att: attachment({ size: 1023 }), line: ':paperclip: <https://files.example/f1|file.pdf> (application/pdf, 1023 B)' },
    { name: 'exactly 1 KB', att: attachment({ size: 1024 }), line: ':paperclip: <https://files.example/f1|file.pdf> (application/pdf, 1.0 KB)' },
    { name: 'kilobytes', att: attachment({ size: 2560 }), line: ':paperclip: <https://files.example/f1|file.pdf> (application/pdf, 2.5 KB)' },
    { name: 'megabytes', att: attachment({ size: 3 * 1024 * 1024 + 512 * 1024 }), line: ':paperclip: <https://files.example/f1|file.pdf> (application/pdf, 3.5 MB)' },
    {
      name: 'name and type escaped',
      att: attachment({ name: '<!here> & co.png', mimeType: 'image/<png>', size: 10 }),
      line: ':paperclip: <https://files.example/f1|&lt;!here&gt; &amp; co.png> (image/&lt;png&gt;, 10 B)',
    },
  ])('attachment line: $name', ({ att, line }) => {
    expect(texts(threadMessage(message({ attachments: [att] })).blocks)).toEqual([
      { type: 'section', text: 'Hello' },
      { type: 'section', text: line },
      { type: 'context', text: '*Ada* (visitor, website)' },
    ]);
  });

  it('one line per attachment, in order, after the text and before the context', () => {
    const body = threadMessage(message({ attachments: [attachment({ name: 'a.txt' }), attachment({ name: 'b.txt' })] }));
    expect(texts(body.blocks).map((b) => b.text)).toEqual([
      'Hello',
      ':paperclip: <https://files.example/f1|a.txt> (application/pdf, 0 B)',
      ':paperclip: <https://files.example/f1|b.txt> (application/pdf, 0 B)',
      '*Ada* (visitor, website)',
    ]);
  });

  const words = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(' ');
  const lines = Array.from({ length: 600 }, (_, i) => `line ${i} of the message`).join('\n');
  it.each([
    { name: 'long text of words', text: words },
    { name: 'long text of lines', text: lines },
    { name: 'one long word without spaces', text: 'x'.repeat(7500) },
    { name: 'text that grows when escaped', text: 'a & b < c > '.repeat(600) },
    { name: 'only ampersands', text: '&'.repeat(1000) },
    { name: 'exactly the limit', text: 'y'.repeat(LIMIT) },
    { name: 'one over the limit', text: 'y'.repeat(LIMIT + 1) },
  ])('long text: $name → every section ≤ 3000 chars and none of it lost', ({ text }) => {
    const body = threadMessage(message({ text }));
    const sections = texts(body.blocks).slice(0, -1);
    expect(sections.every((s) => s.type === 'section')).toBe(true);
    for (const s of texts(body.blocks)) expect(s.text.length).toBeLessThanOrEqual(LIMIT);
    expectLossless(sections.map((s) => s.text), text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'), LIMIT);
  });

  it('long text: the fallback is cut to 3000 chars ending in an ellipsis', () => {
    const body = threadMessage(message({ text: 'z'.repeat(5000) }));
    expect(body.text).toHaveLength(LIMIT);
    expect(body.text).toBe(`Ada: ${'z'.repeat(LIMIT - 1 - 'Ada: '.length)}…`);
  });

  it('a fallback of exactly 3000 chars is kept whole', () => {
    const text = 'z'.repeat(LIMIT - 'Ada: '.length);
    expect(threadMessage(message({ text })).text).toBe(`Ada: ${text}`);
  });
});

describe('splitText', () => {
  it.each([
    { name: 'empty text → placeholder', text: '', limit: 10, out: ['_(empty message)_'] },
    { name: 'shorter than the limit', text: 'abc', limit: 10, out: ['abc'] },
    { name: 'exactly the limit', text: 'abcdefghij', limit: 10, out: ['abcdefghij'] },
    { name: 'one over, no spaces: hard cut', text: 'abcdefghijk', limit: 10, out: ['abcdefghij', 'k'] },
    { name: 'long word without spaces', text: 'x'.repeat(25), limit: 10, out: ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)] },
    { name: 'cut at the last space, which is dropped', text: 'aaaa bbbb cccc', limit: 10, out: ['aaaa bbbb', 'cccc'] },
    { name: 'space exactly at the limit', text: 'aaaaaaaaaa bb', limit: 10, out: ['aaaaaaaaaa', 'bb'] },
    { name: 'a newline is preferred to a later space', text: 'aaaaaa\nbb cc dd', limit: 10, out: ['aaaaaa', 'bb cc dd'] },
    { name: 'a newline in the first half is passed over for a space', text: 'aa\nbbbbbb ccc', limit: 10, out: ['aa\nbbbbbb', 'ccc'] },
    { name: 'a space in the first half is passed over for a hard cut', text: 'aa bbbbbbbbbbbb', limit: 10, out: ['aa bbbbbbb', 'bbbbb'] },
    { name: 'only one separator is dropped at a cut', text: 'aaaaaaaaa  bb', limit: 10, out: ['aaaaaaaaa ', 'bb'] },
    { name: '&amp; straddling a hard cut moves whole to the next chunk', text: 'aaaaaaaa&amp;bbb', limit: 10, out: ['aaaaaaaa', '&amp;bbb'] },
    { name: '&lt; straddling a hard cut moves whole to the next chunk', text: 'aaaaaaa&lt;bb', limit: 10, out: ['aaaaaaa', '&lt;bb'] },
    { name: '&amp; ending exactly at the cut stays', text: 'aaaaa&amp;bbbb', limit: 10, out: ['aaaaa&amp;', 'bbbb'] },
    { name: '&amp; starting exactly at the cut', text: 'aaaaaaaaaa&amp;', limit: 10, out: ['aaaaaaaaaa', '&amp;'] },
    { name: 'a run of &amp; is cut between entities', text: '&amp;'.repeat(5), limit: 12, out: ['&amp;&amp;', '&amp;&amp;', '&amp;'] },
  ])('$name', ({ text, limit, out }) => {
    const chunks = splitText(text, limit);
    expect(chunks).toEqual(out);
    if (text !== '') expectLossless(chunks, text, limit);
  });

  it('no chunk ends inside an entity for escaped text at the real limit', () => {
    // 2998 chars then "&amp;": the entity straddles the 3000 cut.
    const text = `${'a'.repeat(2998)}&amp;${'b'.repeat(100)}`;
    const chunks = splitText(text, LIMIT);
    expect(chunks).toEqual(['a'.repeat(2998), `&amp;${'b'.repeat(100)}`]);
    for (const chunk of chunks) expect(chunk).not.toMatch(/&[a-z]{0,3}$/);
  });
});

describe('regressions', () => {
  it('does not produce an empty trailing chunk (and so an invalid_blocks section) for text of the limit plus one newline', () => {
    expect(splitText(`${'a'.repeat(3000)}\n`, 3000)).toEqual(['a'.repeat(3000)]);
    expect(splitText(`${'a'.repeat(10)} `, 10)).toEqual(['a'.repeat(10)]);
  });

  it('never splits an emoji between two chunks', () => {
    const chunks = splitText(`a${'😀'.repeat(2000)}`, 3000);
    expect(chunks.join('')).toBe(`a${'😀'.repeat(2000)}`);
    for (const chunk of chunks) expect(chunk).not.toMatch(/[\ud800-\udbff]$|^[\udc00-\udfff]/);
  });

  it('keeps an attachment URL from breaking out of its link into a live <!channel>', () => {
    const body = threadMessage({
      ...baseMessageForRegression(),
      attachments: [{ name: 'f.png', url: 'https://files.example/a>b<!channel>|x', mimeType: 'image/png', size: 10 }],
    });
    const text = JSON.stringify(body.blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('<https://files.example/a%3Eb%3C!channel%3E%7Cx|f.png>');
  });
});

function baseMessageForRegression() {
  return {
    id: 'msg_r',
    seq: 1,
    createdAt: '2026-11-24T12:00:00.000Z',
    text: 'see attached',
    author: { type: 'visitor' as const, id: 'v1', name: 'Vera', avatarUrl: null },
    origin: 'web' as const,
    attachments: [],
    clientMessageId: null,
  };
}

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

describe('combinedThreadMessage', () => {
  const message = (seq: number, text: string) => ({ ...baseMessageForRegression(), id: `m${seq}`, seq, text });

  it('puts several messages in one post, each with its author line, and their lines in the fallback text', () => {
    const { body, count } = combinedThreadMessage([message(1, 'one'), message(2, 'two')]);
    expect(count).toBe(2);
    expect(body.text).toBe('Vera: one\nVera: two');
    expect(body.blocks).toEqual([...threadMessage(message(1, 'one')).blocks, ...threadMessage(message(2, 'two')).blocks]);
  });

  it('stops before Slack’s 50-block limit and says how many it holds', () => {
    const many = Array.from({ length: 40 }, (_, i) => message(i + 1, `m${i}`));
    const { body, count } = combinedThreadMessage(many);
    expect(count).toBe(25);
    expect(body.blocks).toHaveLength(50);
  });
});

describe('threadPosts', () => {
  const agentMessage = (text: string) => ({
    ...baseMessageForRegression(),
    text,
    author: { type: 'agent' as const, id: 'a1', name: 'Alice Agent', avatarUrl: 'https://cdn.test/alice.png' },
    origin: 'console' as const,
  });

  it('posts an agent’s message under the agent’s name and avatar', () => {
    const [post, ...rest] = threadPosts(agentMessage('Hello'));
    expect(rest).toEqual([]);
    expect(post).toMatchObject({ username: 'Alice Agent', iconUrl: 'https://cdn.test/alice.png', text: 'Alice Agent: Hello' });
  });

  it('posts a visitor’s message under the visitor’s name, without taking an avatar from the visitor', () => {
    const [post] = threadPosts({ ...baseMessageForRegression(), author: { type: 'visitor', id: 'v', name: 'Vera', avatarUrl: 'https://evil.test/x.png' } });
    expect(post!.username).toBe('Vera');
    expect(post!.iconUrl).toBeUndefined();
  });

  it('splits a text too long for one post into several, losing nothing, the author line last', () => {
    const words = Array.from({ length: 60_000 }, (_, i) => `w${i}`).join(' ');
    const posts = threadPosts(agentMessage(words));
    expect(posts.length).toBeGreaterThan(1);
    for (const post of posts) expect(post.blocks.length).toBeLessThanOrEqual(50);
    const sections = posts.flatMap((p) => p.blocks).filter((b) => b.type === 'section').map((b) => (b as { text: { text: string } }).text.text);
    expect(sections.join(' ').split(/\s+/)).toEqual(words.split(' '));
    expect(JSON.stringify(posts.at(-1)!.blocks.at(-1))).toContain('*Alice Agent* (agent, console)');
    expect(JSON.stringify(posts[0]!.blocks.at(-1))).toContain('continued below');
  });
});
