// Who a post in a chat's thread says it is from: a visitor's or a platform bot's posts are marked
// "(visitor)" / "(bot)" so none passes for a member or Slackbot, names are cleaned of what could
// hide or reorder the marker, and an attachment's link shows the host it really leads to.
import { describe, expect, it } from 'vitest';
import { cleanName, postUsername } from '../../src/slack/format/author-names.ts';
import { parentMessage, threadPosts, visitorDisplayName } from '../../src/slack/format/conversation-messages.ts';
import type { Attachment } from '../../src/platform/webhook-events.ts';
import { conversation, message, texts } from './conversation-messages-fixture.ts';

const USERNAME_LIMIT = 80;
const long = 'A'.repeat(200);

describe('the name a visitor’s post is shown under', () => {
  it.each([
    { name: 'a plain name', raw: 'Vera Visitor', username: 'Vera Visitor (visitor)' },
    { name: 'Slackbot', raw: 'Slackbot', username: 'Slackbot (visitor)' },
    { name: 'a rep’s exact name', raw: 'Alice Agent', username: 'Alice Agent (visitor)' },
    { name: 'a name already carrying the marker keeps it and gets the real one', raw: 'Alice (visitor)', username: 'Alice (visitor) (visitor)' },
    { name: 'a name claiming another type', raw: 'Alice (bot)', username: 'Alice (bot) (visitor)' },
    { name: 'leading and trailing whitespace', raw: '  \t Vera \u00a0 ', username: 'Vera (visitor)' },
    { name: 'newlines and tabs become one space', raw: 'Vera\n\n\tVisitor\r\n', username: 'Vera Visitor (visitor)' },
    { name: 'line and paragraph separators', raw: 'Vera\u2028Visitor\u2029', username: 'Vera Visitor (visitor)' },
    { name: 'zero-width characters', raw: 'Slack\u200bbot\u200c\u200d\u2060\ufeff', username: 'Slackbot (visitor)' },
    { name: 'a bidi override that would flip the marker', raw: 'Alice \u202e)rotisiv(', username: 'Alice )rotisiv( (visitor)' },
    { name: 'bidi isolates and marks', raw: '\u2066Alice\u2069\u200e\u200f\u061c', username: 'Alice (visitor)' },
    { name: 'control characters', raw: 'Al\u0000ice\u0007\u001b[31m', username: 'Al ice [31m (visitor)' },
    { name: 'soft hyphens and tag characters', raw: 'Sla\u00adck\u{E0041}bot', username: 'Slackbot (visitor)' },
    { name: 'letters that render blank', raw: '\u3164\u115f\u2800', username: 'Visitor (visitor)' },
    { name: 'runs of spaces collapse to one', raw: `Alice${' '.repeat(60)}x`, username: 'Alice x (visitor)' },
    { name: 'stacked combining marks are capped at three', raw: `q${'\u0301'.repeat(30)}oe`, username: `q${'\u0301'.repeat(3)}oe (visitor)` },
    { name: 'empty', raw: '', username: 'Visitor (visitor)' },
    { name: 'only whitespace and invisible characters', raw: ' \u200b \u202e \n ', username: 'Visitor (visitor)' },
    { name: 'very long: the name is cut, never the marker', raw: long, username: `${'A'.repeat(USERNAME_LIMIT - ' (visitor)'.length - 1)}… (visitor)` },
    { name: 'long with an emoji at the cut: never half an emoji', raw: `${'A'.repeat(68)}😀😀😀`, username: `${'A'.repeat(68)}… (visitor)` },
    { name: 'exactly fitting: kept whole', raw: 'B'.repeat(70), username: `${'B'.repeat(70)} (visitor)` },
    { name: 'mrkdwn characters stay as typed (a username is plain text)', raw: '<!here> *Bob*', username: '<!here> *Bob* (visitor)' },
  ])('$name', ({ raw, username }) => {
    const [post] = threadPosts(message({}, { type: 'visitor', name: raw }));
    expect(post!.username).toBe(username);
    expect(post!.username!.length).toBeLessThanOrEqual(USERNAME_LIMIT);
  });

  it('never equals a member’s or Slackbot’s name, however the visitor spells it', () => {
    const members = ['Slackbot', 'Alice Agent', 'alice', 'Bob (bot)'];
    const tries = members.flatMap((m) => [m, ` ${m} `, `${m}\u200b`, `${m}\n`, `\u202e${m}`, `${m} (visitor)`.slice(0, -' (visitor)'.length)]);
    for (const raw of tries) {
      const username = postUsername({ type: 'visitor', name: raw });
      expect(members).not.toContain(username);
      expect(username.endsWith(' (visitor)')).toBe(true);
    }
  });
});

describe('the name other authors’ posts are shown under', () => {
  it.each([
    { name: 'a platform bot is marked', author: { type: 'bot' as const, name: 'Helpbot' }, username: 'Helpbot (bot)' },
    { name: 'a bot named Slackbot', author: { type: 'bot' as const, name: 'Slackbot' }, username: 'Slackbot (bot)' },
    { name: 'a nameless bot', author: { type: 'bot' as const, name: ' \u200b ' }, username: 'Bot (bot)' },
    {
      name: 'a long bot name is cut before the marker',
      author: { type: 'bot' as const, name: long },
      username: `${'A'.repeat(USERNAME_LIMIT - ' (bot)'.length - 1)}… (bot)`,
    },
    { name: 'an agent keeps their name, unmarked', author: { type: 'agent' as const, name: 'Alice Agent' }, username: 'Alice Agent' },
    { name: 'an agent’s name is cleaned', author: { type: 'agent' as const, name: ' Alice\u202e\nAgent ' }, username: 'Alice Agent' },
    { name: 'a nameless agent', author: { type: 'agent' as const, name: '' }, username: 'agent' },
    { name: 'a long agent name is cut to Slack’s 80', author: { type: 'agent' as const, name: long }, username: `${'A'.repeat(USERNAME_LIMIT - 1)}…` },
    { name: 'the platform itself', author: { type: 'system' as const, name: 'Chat' }, username: 'Chat' },
  ])('$name', ({ author, username }) => {
    const [post] = threadPosts(message({}, author));
    expect(post!.username).toBe(username);
  });

  it('an agent’s and a bot’s avatars are kept; a visitor’s never is', () => {
    const avatar = 'https://cdn.example/a.png';
    expect(threadPosts(message({}, { type: 'agent', name: 'Sam', avatarUrl: avatar }))[0]!.iconUrl).toBe(avatar);
    expect(threadPosts(message({}, { type: 'bot', name: 'Helpbot', avatarUrl: avatar }))[0]!.iconUrl).toBe(avatar);
    expect(threadPosts(message({}, { type: 'visitor', name: 'Vera', avatarUrl: avatar }))[0]!.iconUrl).toBeUndefined();
  });
});

describe('a visitor’s name in text', () => {
  it.each([
    { name: 'cleaned of bidi and zero-width characters', visitor: { name: '\u202eVera\u200b' }, out: 'Vera' },
    { name: 'one line', visitor: { name: 'Vera\n*Answered by Sam*' }, out: 'Vera *Answered by Sam*' },
    { name: 'the email when the name is only invisible characters', visitor: { name: '\u200b\u2066', email: ' vera@x.example\n' }, out: 'vera@x.example' },
    { name: '"A visitor" when both are blank after cleaning', visitor: { name: '\u200b', email: '\u202e' }, out: 'A visitor' },
  ])('$name', ({ visitor, out }) => {
    expect(visitorDisplayName(conversation({}, visitor))).toBe(out);
  });

  it('on the parent message: one line, escaped, and unable to break out of the bold', () => {
    const parent = parentMessage(conversation({}, { name: 'Vera*\nAnswered by <@U1>\u202e' }), { mentionUserIds: [], reason: 'r' });
    expect(parent.text).toBe('New chat from Vera* Answered by &lt;@U1&gt;');
    expect(texts(parent.blocks)[0]!.text).toBe(':speech_balloon: *New chat from Vera\u2217 Answered by &lt;@U1&gt;*');
  });

  it('cleanName is idempotent', () => {
    for (const raw of ['  a\u202e b\n', 'Z\u0301\u0301\u0301\u0301', '\u3164x\u3164']) expect(cleanName(cleanName(raw))).toBe(cleanName(raw));
  });
});

describe('an attachment’s link', () => {
  const line = (over: Partial<Attachment>) => {
    const attachment: Attachment = { name: 'report.pdf', url: 'https://files.example.com/r/1', mimeType: 'application/pdf', size: 10, ...over };
    return texts(threadPosts(message({ attachments: [attachment] }))[0]!.blocks)[1]!.text;
  };

  it.each([
    {
      name: 'shows its host next to the name',
      att: {},
      out: ':paperclip: <https://files.example.com/r/1|report.pdf (files.example.com)> (application/pdf, 10 B)',
    },
    {
      name: 'a name that pretends to be from a bank shows where it leads',
      att: { name: 'invoice from your bank', url: 'https://evil.example/pay' },
      out: ':paperclip: <https://evil.example/pay|invoice from your bank (evil.example)> (application/pdf, 10 B)',
    },
    {
      name: 'credentials before the host do not hide it',
      att: { url: 'https://bank.example@evil.example:8443/x' },
      out: ':paperclip: <https://bank.example@evil.example:8443/x|report.pdf (evil.example)> (application/pdf, 10 B)',
    },
    {
      name: 'an IDN host is shown in its ASCII form',
      att: { url: 'https://bücher.example/f' },
      out: ':paperclip: <https://bücher.example/f|report.pdf (xn--bcher-kva.example)> (application/pdf, 10 B)',
    },
    {
      name: 'a look-alike host (Cyrillic а) shows as the different name it is',
      att: { url: 'https://\u0430pple.com/x' },
      out: ':paperclip: <https://\u0430pple.com/x|report.pdf (xn--pple-43d.com)> (application/pdf, 10 B)',
    },
    {
      name: 'the host in lower case',
      att: { url: 'HTTPS://Files.EXAMPLE.com/a' },
      out: ':paperclip: <HTTPS://Files.EXAMPLE.com/a|report.pdf (files.example.com)> (application/pdf, 10 B)',
    },
    { name: 'an IP address', att: { url: 'http://192.0.2.1/a' }, out: ':paperclip: <http://192.0.2.1/a|report.pdf (192.0.2.1)> (application/pdf, 10 B)' },
    {
      name: 'a bidi override in the name cannot flip the host',
      att: { name: '\u202efdp.exe', url: 'https://evil.example/x' },
      out: ':paperclip: <https://evil.example/x|fdp.exe (evil.example)> (application/pdf, 10 B)',
    },
    { name: 'a javascript: URL is no link', att: { url: 'javascript:alert(1)' }, out: ':paperclip: report.pdf (application/pdf, 10 B)' },
    { name: 'an ftp: URL is no link', att: { url: 'ftp://files.example.com/r' }, out: ':paperclip: report.pdf (application/pdf, 10 B)' },
    { name: 'a slack: URL is no link', att: { url: 'slack://open?team=T1' }, out: ':paperclip: report.pdf (application/pdf, 10 B)' },
    { name: 'a data: URL is no link', att: { url: 'data:text/html,<b>x</b>' }, out: ':paperclip: report.pdf (application/pdf, 10 B)' },
  ])('$name', ({ att, out }) => {
    expect(line(att)).toBe(out);
  });
});
