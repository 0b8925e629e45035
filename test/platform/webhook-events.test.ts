// parseChatEvent: the one gate for chat-platform webhook bodies. Each event type has a valid
// example; failures name the reason and, for invalid payloads, the path of the bad field.
import { describe, expect, it } from 'vitest';
import { chatEventTypes, parseChatEvent } from '../../src/platform/webhook-events.ts';
import type { ChatEventType } from '../../src/platform/webhook-events.ts';

const T = '2026-11-24T12:00:00.000Z';

const fullConversation = {
  id: 'conv_1',
  orgId: 'org_1',
  routingGroupId: 'rg_1',
  source: 'web',
  pageUrl: 'https://shop.example/pricing',
  startedAt: T,
  visitor: { id: 'vis_1', name: 'Ada', email: 'ada@x.example', company: 'Engines' },
  account: { id: 'acc_1', name: 'Acme', ownerAgentId: 'ag_1' },
};

const fullMessage = {
  id: 'msg_1',
  seq: 3,
  createdAt: '2026-11-24T12:00:01+01:00',
  text: 'Hello',
  author: { type: 'visitor', id: 'vis_1', name: 'Ada', avatarUrl: 'https://cdn.example/a.png' },
  origin: 'web',
  attachments: [{ name: 'f.pdf', url: 'https://files.example/f', mimeType: 'application/pdf', size: 10 }],
  clientMessageId: 'cm_1',
};

const validData: Record<ChatEventType, Record<string, unknown>> = {
  'conversation.started': { conversation: fullConversation },
  'conversation.updated': { conversation: { ...fullConversation, source: 'mobile_app' } },
  'message.created': { conversationId: 'conv_1', message: fullMessage },
  'conversation.assigned': { conversationId: 'conv_1', agentId: 'ag_1' },
  'conversation.ended': { conversationId: 'conv_1', endedBy: 'agent', agentId: 'ag_1' },
  'agent.status_changed': { agentId: 'ag_1', status: 'dnd' },
  'meeting.booked': { conversationId: 'conv_1', meetingRequestId: 'mr_1', agentId: 'ag_1', startsAt: '2026-11-25T09:30:00Z' },
  'form.submitted': { conversationId: 'conv_1', formRequestId: 'fr_1', values: { email: 'a@x.example', size: '10-50' } },
};

function envelope(type: string, data: unknown, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'evt_1', type, orgId: 'org_1', occurredAt: T, data, ...over };
}

function invalid(body: unknown): string {
  const parsed = parseChatEvent(body);
  if (parsed.ok) throw new Error('expected a failure');
  expect(parsed.reason).toBe('invalid_payload');
  return parsed.detail;
}

describe('parseChatEvent', () => {
  it('covers all 8 event types', () => {
    expect([...chatEventTypes].sort()).toEqual(Object.keys(validData).sort());
    expect(chatEventTypes).toHaveLength(8);
  });

  it.each(Object.entries(validData))('valid %s', (type, data) => {
    const parsed = parseChatEvent(envelope(type, data));
    expect(parsed).toEqual({ ok: true, event: { id: 'evt_1', type, orgId: 'org_1', occurredAt: T, data } });
  });

  it.each([
    { type: 'conversation.ended', data: { conversationId: 'c', endedBy: 'visitor' }, out: { conversationId: 'c', endedBy: 'visitor', agentId: null } },
    {
      type: 'conversation.ended',
      data: { conversationId: 'c', endedBy: 'timeout', agentId: null },
      out: { conversationId: 'c', endedBy: 'timeout', agentId: null },
    },
    { type: 'form.submitted', data: { conversationId: 'c', formRequestId: 'f', values: {} }, out: { conversationId: 'c', formRequestId: 'f', values: {} } },
  ])('valid $type variant: $data', ({ type, data, out }) => {
    expect(parseChatEvent(envelope(type, data))).toEqual({ ok: true, event: { id: 'evt_1', type, orgId: 'org_1', occurredAt: T, data: out } });
  });

  it('nullable conversation fields omitted read as null', () => {
    const conversation = { id: 'conv_1', orgId: 'org_1', source: 'web', startedAt: T, visitor: { id: 'vis_1' } };
    expect(parseChatEvent(envelope('conversation.started', { conversation }))).toEqual({
      ok: true,
      event: {
        id: 'evt_1',
        type: 'conversation.started',
        orgId: 'org_1',
        occurredAt: T,
        data: {
          conversation: {
            ...conversation,
            routingGroupId: null,
            pageUrl: null,
            visitor: { id: 'vis_1', name: null, email: null, company: null },
            account: null,
          },
        },
      },
    });
  });

  it('nullable account owner omitted reads as null', () => {
    const conversation = { ...fullConversation, account: { id: 'acc_1', name: 'Acme' } };
    const parsed = parseChatEvent(envelope('conversation.updated', { conversation }));
    expect(parsed.ok && parsed.event.type === 'conversation.updated' && parsed.event.data.conversation.account).toEqual({
      id: 'acc_1',
      name: 'Acme',
      ownerAgentId: null,
    });
  });

  it('nullable message fields omitted read as null, attachments as []', () => {
    const { attachments: _a, clientMessageId: _c, ...rest } = fullMessage;
    const message = { ...rest, author: { type: 'agent', id: 'ag_1', name: 'Sam' } };
    const parsed = parseChatEvent(envelope('message.created', { conversationId: 'conv_1', message }));
    expect(parsed.ok && parsed.event.type === 'message.created' && parsed.event.data.message).toEqual({
      ...message,
      author: { type: 'agent', id: 'ag_1', name: 'Sam', avatarUrl: null },
      attachments: [],
      clientMessageId: null,
    });
  });

  it('explicit nulls are kept as null', () => {
    const conversation = {
      ...fullConversation,
      routingGroupId: null,
      pageUrl: null,
      account: null,
      visitor: { id: 'v', name: null, email: null, company: null },
    };
    const parsed = parseChatEvent(envelope('conversation.started', { conversation }));
    expect(parsed).toEqual({ ok: true, event: envelope('conversation.started', { conversation }) });
  });

  it('unknown fields are dropped', () => {
    const parsed = parseChatEvent(envelope('conversation.assigned', { conversationId: 'c', agentId: 'a', extra: 1 }, { extra: true }));
    expect(parsed).toEqual({ ok: true, event: envelope('conversation.assigned', { conversationId: 'c', agentId: 'a' }) });
  });

  it.each(['conversation.deleted', 'message.updated', 'Conversation.Started', 'toString', 'constructor', '__proto__', 'hasOwnProperty'])(
    'unknown type %j → unknown_event_type naming it and the known ones',
    (type) => {
      const parsed = parseChatEvent(envelope(type, {}));
      expect(parsed).toEqual({ ok: false, reason: 'unknown_event_type', detail: expect.stringContaining(`"${type}"`) });
      if (!parsed.ok) for (const known of chatEventTypes) expect(parsed.detail).toContain(known);
    },
  );

  it('an unknown type is reported before its data is looked at', () => {
    expect(parseChatEvent(envelope('thing.happened', { anything: [1, 2] }))).toMatchObject({ ok: false, reason: 'unknown_event_type' });
  });

  it.each([
    { name: 'null body', body: null, path: '(body)' },
    { name: 'string body', body: 'hello', path: '(body)' },
    { name: 'array body', body: [], path: '(body)' },
    { name: 'envelope id missing', body: envelope('conversation.assigned', validData['conversation.assigned'], { id: undefined }), path: 'id' },
    { name: 'envelope id empty', body: envelope('conversation.assigned', validData['conversation.assigned'], { id: '' }), path: 'id' },
    { name: 'envelope id too long', body: envelope('conversation.assigned', validData['conversation.assigned'], { id: 'x'.repeat(201) }), path: 'id' },
    { name: 'envelope type missing', body: envelope('conversation.assigned', {}, { type: undefined }), path: 'type' },
    { name: 'envelope type empty', body: envelope('', {}), path: 'type' },
    { name: 'envelope orgId a number', body: envelope('conversation.assigned', validData['conversation.assigned'], { orgId: 42 }), path: 'orgId' },
    {
      name: 'envelope occurredAt not ISO',
      body: envelope('conversation.assigned', validData['conversation.assigned'], { occurredAt: 'yesterday' }),
      path: 'occurredAt',
    },
    { name: 'envelope data missing', body: envelope('conversation.assigned', undefined), path: 'data' },
    { name: 'envelope data an array', body: envelope('conversation.assigned', []), path: 'data' },
    {
      name: 'conversation id missing',
      body: envelope('conversation.started', { conversation: { ...fullConversation, id: undefined } }),
      path: 'data.conversation.id',
    },
    {
      name: 'conversation source not an allowed value',
      body: envelope('conversation.started', { conversation: { ...fullConversation, source: 'email' } }),
      path: 'data.conversation.source',
    },
    {
      name: 'conversation startedAt without offset or Z',
      body: envelope('conversation.updated', { conversation: { ...fullConversation, startedAt: 'not a date' } }),
      path: 'data.conversation.startedAt',
    },
    {
      name: 'visitor id missing',
      body: envelope('conversation.started', { conversation: { ...fullConversation, visitor: { name: 'x' } } }),
      path: 'data.conversation.visitor.id',
    },
    {
      name: 'visitor email a number',
      body: envelope('conversation.started', { conversation: { ...fullConversation, visitor: { id: 'v', email: 5 } } }),
      path: 'data.conversation.visitor.email',
    },
    {
      name: 'account name missing',
      body: envelope('conversation.started', { conversation: { ...fullConversation, account: { id: 'a' } } }),
      path: 'data.conversation.account.name',
    },
    { name: 'message missing', body: envelope('message.created', { conversationId: 'c' }), path: 'data.message' },
    {
      name: 'message seq negative',
      body: envelope('message.created', { conversationId: 'c', message: { ...fullMessage, seq: -1 } }),
      path: 'data.message.seq',
    },
    {
      name: 'message seq fractional',
      body: envelope('message.created', { conversationId: 'c', message: { ...fullMessage, seq: 1.5 } }),
      path: 'data.message.seq',
    },
    {
      name: 'message seq a string',
      body: envelope('message.created', { conversationId: 'c', message: { ...fullMessage, seq: '3' } }),
      path: 'data.message.seq',
    },
    {
      name: 'author type not allowed',
      body: envelope('message.created', { conversationId: 'c', message: { ...fullMessage, author: { ...fullMessage.author, type: 'admin' } } }),
      path: 'data.message.author.type',
    },
    {
      name: 'origin not allowed',
      body: envelope('message.created', { conversationId: 'c', message: { ...fullMessage, origin: 'email' } }),
      path: 'data.message.origin',
    },
    {
      name: 'attachment url invalid',
      body: envelope('message.created', {
        conversationId: 'c',
        message: { ...fullMessage, attachments: [{ ...fullMessage.attachments[0], url: 'not a url' }] },
      }),
      path: 'data.message.attachments.0.url',
    },
    {
      name: 'attachment size negative',
      body: envelope('message.created', { conversationId: 'c', message: { ...fullMessage, attachments: [{ ...fullMessage.attachments[0], size: -1 }] } }),
      path: 'data.message.attachments.0.size',
    },
    { name: 'assigned agentId missing', body: envelope('conversation.assigned', { conversationId: 'c' }), path: 'data.agentId' },
    { name: 'ended endedBy not allowed', body: envelope('conversation.ended', { conversationId: 'c', endedBy: 'system' }), path: 'data.endedBy' },
    { name: 'ended agentId empty', body: envelope('conversation.ended', { conversationId: 'c', endedBy: 'agent', agentId: '' }), path: 'data.agentId' },
    { name: 'status not allowed', body: envelope('agent.status_changed', { agentId: 'a', status: 'away' }), path: 'data.status' },
    { name: 'meeting startsAt not ISO', body: envelope('meeting.booked', { ...validData['meeting.booked'], startsAt: '25/11/2026' }), path: 'data.startsAt' },
    { name: 'form value not a string', body: envelope('form.submitted', { ...validData['form.submitted'], values: { size: 10 } }), path: 'data.values.size' },
  ])('invalid_payload naming the field: $name', ({ body, path }) => {
    const detail = invalid(body);
    expect(detail.startsWith(`${path}: `) || detail.includes(`; ${path}: `)).toBe(true);
  });

  it('several problems are all named, up to five', () => {
    const detail = invalid(envelope('conversation.ended', { endedBy: 'nobody' }));
    expect(detail).toContain('data.conversationId: ');
    expect(detail).toContain('data.endedBy: ');
    const many = invalid({ data: 1 });
    expect(many.split('; ')).toHaveLength(5);
  });
});
