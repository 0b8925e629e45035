// Text at the Slack boundary: visitor text escaped on the way out (never a mention, broadcast or
// link), Slack markup turned into plain text on the way in.
import { describe, expect, it } from 'vitest';
import { escapeSlackText, slackMarkupToPlainText } from '../../src/slack/format/escape.ts';

describe('escapeSlackText', () => {
  it.each([
    { in: '', out: '' },
    { in: 'plain text, no controls', out: 'plain text, no controls' },
    { in: 'Q&A', out: 'Q&amp;A' },
    { in: 'a < b > c', out: 'a &lt; b &gt; c' },
    { in: '&<>', out: '&amp;&lt;&gt;' },
    { in: '<!channel>', out: '&lt;!channel&gt;' },
    { in: '<!here>', out: '&lt;!here&gt;' },
    { in: '<!everyone> please', out: '&lt;!everyone&gt; please' },
    { in: 'ping <@U123>', out: 'ping &lt;@U123&gt;' },
    { in: '<#C123|general>', out: '&lt;#C123|general&gt;' },
    { in: 'click <https://x|y>', out: 'click &lt;https://x|y&gt;' },
    { in: '<!subteam^S1|@team>', out: '&lt;!subteam^S1|@team&gt;' },
    // Already-escaped looking text is literal visitor text and is escaped again.
    { in: '&lt;!channel&gt;', out: '&amp;lt;!channel&amp;gt;' },
    { in: '&amp;', out: '&amp;amp;' },
    { in: '*bold* _it_ ~s~ `code`', out: '*bold* _it_ ~s~ `code`' },
  ])('$in → $out', ({ in: text, out }) => {
    expect(escapeSlackText(text)).toBe(out);
  });

  it.each(['<!channel>', '<!here>', '<@U123>', '<https://x|y>', 'a<b>c&d<<>>'])('escaped %j has no raw < or > and every & starts an entity', (text) => {
    const escaped = escapeSlackText(text);
    expect(escaped).not.toMatch(/[<>]/);
    expect(escaped).not.toMatch(/&(?!amp;|lt;|gt;)/);
  });

  it.each(['Q&A', '<!channel>', '&lt;', 'a < b & c > d', ''])('inbound conversion undoes the escape of %j', (text) => {
    expect(slackMarkupToPlainText(escapeSlackText(text))).toBe(text);
  });
});

describe('slackMarkupToPlainText', () => {
  const names: Record<string, string> = { U1: 'alice', U2: 'bob' };
  const resolver = (id: string): string | undefined => names[id];

  it.each([
    { name: 'plain text', in: 'hello', out: 'hello' },
    { name: 'empty', in: '', out: '' },
    { name: 'user mention, no resolver', in: 'hi <@U1>', out: 'hi @U1' },
    { name: 'user mention with label', in: 'hi <@U1|alice>', out: 'hi @alice' },
    { name: 'link with label', in: 'see <https://x.example/a|the docs>', out: 'see the docs (https://x.example/a)' },
    { name: 'bare link', in: 'see <https://x.example/a>', out: 'see https://x.example/a' },
    { name: 'link whose label is the URL', in: '<https://x.example|https://x.example>', out: 'https://x.example' },
    { name: 'mailto link', in: '<mailto:a@b.example|a@b.example>', out: 'a@b.example (mailto:a@b.example)' },
    { name: 'channel with name', in: 'in <#C1|general>', out: 'in #general' },
    { name: 'channel without name', in: 'in <#C1>', out: 'in #C1' },
    { name: '@here', in: '<!here> look', out: '@here look' },
    { name: '@channel', in: '<!channel>', out: '@channel' },
    { name: '@everyone', in: '<!everyone>', out: '@everyone' },
    { name: 'legacy @here with label', in: '<!here|@here>', out: '@here' },
    { name: 'user group with label', in: 'cc <!subteam^S1|@team>', out: 'cc @team' },
    { name: 'date with fallback label', in: '<!date^1392734382^{date}|Feb 18, 2014>', out: 'Feb 18, 2014' },
    { name: 'entities unescaped', in: 'a &lt; b &gt; c &amp; d', out: 'a < b > c & d' },
    { name: 'no double unescape of &amp;lt;', in: '&amp;lt;', out: '&lt;' },
    { name: 'no double unescape of &amp;gt;', in: '&amp;gt;', out: '&gt;' },
    { name: 'no double unescape of &amp;amp;', in: '&amp;amp;', out: '&amp;' },
    { name: 'escaped angle brackets are not markup', in: '&lt;@U1&gt;', out: '<@U1>' },
    { name: 'escaped & inside a link URL', in: '<https://x.example/?a=1&amp;b=2|q>', out: 'q (https://x.example/?a=1&b=2)' },
    { name: 'entity in a link label', in: '<https://x.example|a &amp; b>', out: 'a & b (https://x.example)' },
    {
      name: 'several markups in one message',
      in: '<@U1|alice>: see <#C1|general> and <https://x.example> <!here>',
      out: '@alice: see #general and https://x.example @here',
    },
    { name: 'mrkdwn formatting kept as is', in: '*bold* _it_', out: '*bold* _it_' },
  ])('$name', ({ in: text, out }) => {
    expect(slackMarkupToPlainText(text)).toBe(out);
  });

  it.each([
    { name: 'known user resolved to a name', in: 'hi <@U1> and <@U2>', out: 'hi @alice and @bob' },
    { name: 'unknown user falls back to the id', in: 'hi <@U9>', out: 'hi @U9' },
    { name: 'a label wins over the resolver', in: '<@U1|al>', out: '@al' },
    { name: 'the resolver is not used for channels', in: '<#U1>', out: '#U1' },
  ])('with a name resolver: $name', ({ in: text, out }) => {
    expect(slackMarkupToPlainText(text, resolver)).toBe(out);
  });

  it('asks the resolver with the bare user id', () => {
    const asked: string[] = [];
    slackMarkupToPlainText('<@U1> <@W2>', (id) => {
      asked.push(id);
      return undefined;
    });
    expect(asked).toEqual(['U1', 'W2']);
  });
});

describe('regressions', () => {
  it('keeps a link label that itself contains a "|"', () => {
    expect(slackMarkupToPlainText('<https://x.example|a|b>')).toBe('a|b (https://x.example)');
  });
});
