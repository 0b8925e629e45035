// The Block Kit messages posted in a conversation's thread: one message per chat message, several
// chat messages combined into one post, and the posts a message becomes.
import { describe, expect, it } from 'vitest';
import { combinedThreadMessage, threadMessage, threadPosts } from '../../src/slack/format/conversation-messages.ts';
import type { Attachment } from '../../src/platform/webhook-events.ts';
import { LIMIT, message, texts, expectLossless, baseMessageForRegression } from './conversation-messages-fixture.ts';

describe('threadMessage', () => {
  it('a short message: one section, a context line, fallback "Name (visitor): text"', () => {
    expect(threadMessage(message({ text: 'Hi, I need help' }))).toEqual({
      text: 'Ada (visitor): Hi, I need help',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'Hi, I need help' } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: '*Ada* (visitor, website)' }] },
      ],
    });
  });

  it.each([
    {
      name: 'agent in the console',
      msg: message({ origin: 'console' }, { type: 'agent', name: 'Sam' }),
      context: '*Sam* (agent, console)',
      fallback: 'Sam: Hello',
    },
    { name: 'bot', msg: message({ origin: 'bot' }, { type: 'bot', name: 'Helper' }), context: '*Helper* (bot, bot)', fallback: 'Helper (bot): Hello' },
    { name: 'agent via Slack', msg: message({ origin: 'slack' }, { type: 'agent', name: 'Rep' }), context: '*Rep* (agent, Slack)', fallback: 'Rep: Hello' },
    { name: 'visitor on mobile', msg: message({ origin: 'mobile_app' }), context: '*Ada* (visitor, mobile app)', fallback: 'Ada (visitor): Hello' },
    {
      name: 'nameless system author uses the type',
      msg: message({}, { type: 'system', name: '' }),
      context: '*system* (system, website)',
      fallback: 'system: Hello',
    },
    { name: 'nameless visitor is "Visitor"', msg: message({}, { name: '' }), context: '*Visitor* (visitor, website)', fallback: 'Visitor (visitor): Hello' },
    {
      name: 'visitor named only spaces and zero-width characters is "Visitor"',
      msg: message({}, { name: ' \u200b\u2060 ' }),
      context: '*Visitor* (visitor, website)',
      fallback: 'Visitor (visitor): Hello',
    },
    {
      name: 'author name escaped',
      msg: message({}, { name: '<!here>' }),
      context: '*&lt;!here&gt;* (visitor, website)',
      fallback: '&lt;!here&gt; (visitor): Hello',
    },
    {
      name: 'a visitor named "Slackbot" is marked',
      msg: message({}, { name: 'Slackbot' }),
      context: '*Slackbot* (visitor, website)',
      fallback: 'Slackbot (visitor): Hello',
    },
    {
      name: 'a newline cannot start a fake line',
      msg: message({}, { name: 'Ada\nSam (agent, console)' }),
      context: '*Ada Sam (agent, console)* (visitor, website)',
      fallback: 'Ada Sam (agent, console) (visitor): Hello',
    },
    {
      name: 'asterisks cannot close the bold and fake the type',
      msg: message({}, { name: 'Sam* (agent, console) *x' }),
      context: '*Sam\u2217 (agent, console) \u2217x* (visitor, website)',
      fallback: 'Sam* (agent, console) *x (visitor): Hello',
    },
    {
      name: 'an agent keeps their name, cleaned, without a marker',
      msg: message({ origin: 'console' }, { type: 'agent', name: ' Sam\u202e ' }),
      context: '*Sam* (agent, console)',
      fallback: 'Sam: Hello',
    },
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

  it("escapes the visitor's text in the section and the fallback", () => {
    const body = threadMessage(message({ text: '<!channel> ping <@U1> & see <https://evil.example|this>' }));
    const escaped = '&lt;!channel&gt; ping &lt;@U1&gt; &amp; see &lt;https://evil.example|this&gt;';
    expect(texts(body.blocks)[0]).toEqual({ type: 'section', text: escaped });
    expect(body.text).toBe(`Ada (visitor): ${escaped}`);
  });

  it('an empty message gets a placeholder section', () => {
    expect(texts(threadMessage(message({ text: '' })).blocks)[0]).toEqual({ type: 'section', text: '_(empty message)_' });
  });

  const attachment = (over: Partial<Attachment>): Attachment => ({
    name: 'file.pdf',
    url: 'https://files.example/f1',
    mimeType: 'application/pdf',
    size: 0,
    ...over,
  });

  it.each([
    { name: 'bytes', att: attachment({ size: 512 }), line: ':paperclip: <https://files.example/f1|file.pdf (files.example)> (application/pdf, 512 B)' },
    {
      name: 'just under 1 KB',
      att: attachment({ size: 1023 }),
      line: ':paperclip: <https://files.example/f1|file.pdf (files.example)> (application/pdf, 1023 B)',
    },
    {
      name: 'exactly 1 KB',
      att: attachment({ size: 1024 }),
      line: ':paperclip: <https://files.example/f1|file.pdf (files.example)> (application/pdf, 1.0 KB)',
    },
    { name: 'kilobytes', att: attachment({ size: 2560 }), line: ':paperclip: <https://files.example/f1|file.pdf (files.example)> (application/pdf, 2.5 KB)' },
    {
      name: 'megabytes',
      att: attachment({ size: 3 * 1024 * 1024 + 512 * 1024 }),
      line: ':paperclip: <https://files.example/f1|file.pdf (files.example)> (application/pdf, 3.5 MB)',
    },
    {
      name: 'name and type escaped',
      att: attachment({ name: '<!here> & co.png', mimeType: 'image/<png>', size: 10 }),
      line: ':paperclip: <https://files.example/f1|&lt;!here&gt; &amp; co.png (files.example)> (image/&lt;png&gt;, 10 B)',
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
      ':paperclip: <https://files.example/f1|a.txt (files.example)> (application/pdf, 0 B)',
      ':paperclip: <https://files.example/f1|b.txt (files.example)> (application/pdf, 0 B)',
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
    expectLossless(
      sections.map((s) => s.text),
      text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
      LIMIT,
    );
  });

  it('long text: the fallback is cut to 3000 chars ending in an ellipsis', () => {
    const body = threadMessage(message({ text: 'z'.repeat(5000) }));
    expect(body.text).toHaveLength(LIMIT);
    expect(body.text).toBe(`Ada (visitor): ${'z'.repeat(LIMIT - 1 - 'Ada (visitor): '.length)}…`);
  });

  it('a fallback of exactly 3000 chars is kept whole', () => {
    const text = 'z'.repeat(LIMIT - 'Ada (visitor): '.length);
    expect(threadMessage(message({ text })).text).toBe(`Ada (visitor): ${text}`);
  });
});

describe('combinedThreadMessage', () => {
  const message = (seq: number, text: string) => ({ ...baseMessageForRegression(), id: `m${seq}`, seq, text });

  it('puts several messages in one post, each with its author line, and their lines in the fallback text', () => {
    const { body, count } = combinedThreadMessage([message(1, 'one'), message(2, 'two')]);
    expect(count).toBe(2);
    expect(body.text).toBe('Vera (visitor): one\nVera (visitor): two');
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

  it('posts a visitor’s message under the visitor’s name marked "(visitor)", without taking an avatar from the visitor', () => {
    const [post] = threadPosts({ ...baseMessageForRegression(), author: { type: 'visitor', id: 'v', name: 'Vera', avatarUrl: 'https://evil.test/x.png' } });
    expect(post!.username).toBe('Vera (visitor)');
    expect(post!.iconUrl).toBeUndefined();
  });

  it('splits a text too long for one post into several, losing nothing, the author line last', () => {
    const words = Array.from({ length: 60_000 }, (_, i) => `w${i}`).join(' ');
    const posts = threadPosts(agentMessage(words));
    expect(posts.length).toBeGreaterThan(1);
    for (const post of posts) expect(post.blocks.length).toBeLessThanOrEqual(50);
    const sections = posts
      .flatMap((p) => p.blocks)
      .filter((b) => b.type === 'section')
      .map((b) => (b as { text: { text: string } }).text.text);
    expect(sections.join(' ').split(/\s+/)).toEqual(words.split(' '));
    expect(JSON.stringify(posts.at(-1)!.blocks.at(-1))).toContain('*Alice Agent* (agent, console)');
    expect(JSON.stringify(posts[0]!.blocks.at(-1))).toContain('continued below');
  });
});
