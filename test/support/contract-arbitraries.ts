// fast-check arbitraries for what the chat platform's contract allows (shared/chat-platform-api.md):
// conversations, messages, forms and meetings with any string the schemas accept — huge ones,
// unicode, NUL bytes, Slack markup, HTML entities, URLs of every scheme and length — for the
// property-based tests of the Slack formatters and the hostile-input tests.
import fc from 'fast-check';
import type { Attachment, Conversation, Message } from '../../src/platform/webhook-events.ts';

/** Characters that stress escaping and cutting: entities grow 5×, emoji are two UTF-16 units. */
const nasty = fc.constantFrom(
  '&',
  '<',
  '>',
  '|',
  '*',
  '_',
  '`',
  ' ',
  '\n',
  '\t',
  '\u0000',
  '😀',
  '👩‍👩‍👧',
  'é',
  'a',
  'Z',
  '<!channel>',
  '<@U1>',
  '&amp;',
  '\u202e',
);

/** A string the contract allows (any), from empty to `max` UTF-16 units, often long and hostile. */
export function anyText(max = 12_000): fc.Arbitrary<string> {
  const repeated = fc
    .tuple(fc.array(nasty, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: Math.max(1, Math.floor(max / 2)) }))
    .map(([parts, n]) => parts.join('').repeat(n).slice(0, max));
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    { weight: 3, arbitrary: repeated },
  );
}

/** A non-empty id of at most 200 characters (the schemas' `id`). */
export const anyId = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  anyText(200).filter((s) => s.length > 0 && s.length <= 200),
);

export const isoTime = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

/** A URL `z.string().url()` accepts: http(s) of any length, and the schemes that must never become links. */
export const anyUrl = fc.oneof(
  fc.webUrl(),
  fc.constantFrom(
    'javascript:alert(1)',
    'slack://open?team=T1',
    'file:///etc/passwd',
    'data:text/html,<b>x</b>',
    'ftp://files.example/x',
    'mailto:a@b.example',
  ),
  fc.integer({ min: 2900, max: 3200 }).map((n) => `https://files.example/${'a'.repeat(n)}`),
  fc.tuple(fc.webUrl(), fc.constantFrom('>', '<', '|', '<!channel>', '&x=1')).map(([u, tail]) => `${u}?q=${tail}`),
);

export const anyAttachment: fc.Arbitrary<Attachment> = fc.record({
  name: anyText(4000),
  url: anyUrl,
  mimeType: anyText(300),
  size: fc.nat(),
});

const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

export const anyConversation: fc.Arbitrary<Conversation> = fc.record({
  id: anyId,
  orgId: anyId,
  routingGroupId: nullable(anyId),
  source: fc.constantFrom('web' as const, 'mobile_app' as const),
  pageUrl: nullable(fc.oneof(anyUrl, anyText(4000))),
  startedAt: isoTime,
  visitor: fc.record({ id: anyId, name: nullable(anyText(6000)), email: nullable(anyText(6000)), company: nullable(anyText(6000)) }),
  account: nullable(fc.record({ id: anyId, name: anyText(6000), ownerAgentId: nullable(anyId) })),
});

export function anyMessage(options: { maxText?: number; maxAttachments?: number } = {}): fc.Arbitrary<Message> {
  return fc.record({
    id: anyId,
    seq: fc.nat({ max: 1_000_000 }),
    createdAt: isoTime,
    text: anyText(options.maxText ?? 12_000),
    author: fc.record({
      type: fc.constantFrom('visitor' as const, 'agent' as const, 'bot' as const, 'system' as const),
      id: fc.string({ maxLength: 30 }),
      name: anyText(5000),
      avatarUrl: nullable(anyUrl),
    }),
    origin: fc.constantFrom('web' as const, 'mobile_app' as const, 'console' as const, 'slack' as const, 'bot' as const),
    attachments: fc.array(anyAttachment, { maxLength: options.maxAttachments ?? 8 }),
    clientMessageId: nullable(fc.string({ maxLength: 40 })),
  });
}

/** Keys outside input may use: inherited property names, Mongo operators, dotted paths. */
export const hostileKey = fc.oneof(
  fc.constantFrom(
    'constructor',
    'toString',
    '__proto__',
    'hasOwnProperty',
    'valueOf',
    '$where',
    '$set',
    'a.b',
    '.',
    '',
    'email',
    'phone',
    'name',
    'company',
    'title',
  ),
  fc.string({ maxLength: 20 }),
);

/** form.submitted's `values`: any field names, any answers. */
export const anyFormValues = fc.dictionary(hostileKey, anyText(3000), { maxKeys: 60 });

/** Slack user ids as the store keeps them (from Slack), and a few that are not. */
export const anySlackUserId = fc.oneof({ weight: 5, arbitrary: fc.stringMatching(/^U[A-Z0-9]{8,11}$/) }, { weight: 1, arbitrary: anyText(60) });
