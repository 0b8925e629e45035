// REST side of the chat-platform emulator, over real HTTP: auth, exact error bodies, idempotency, seq,
// rate limiting on an injected clock, and fault injection. Webhook echoes are checked through a receiver.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startChatPlatformEmulator, type ChatPlatformEmulator } from '../../emulators/chat-platform/index.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../emulators/chat-platform/webhook-receiver.ts';

const TOKEN = 'chat-api-token';
const T0 = Date.parse('2026-11-24T12:00:00.000Z');

let clock: number;
let receiver: WebhookReceiver;
let emu: ChatPlatformEmulator;
let convId: string;

interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test, asserted field by field
}

async function api(method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const conv = (suffix = '') => `/orgs/org_42/conversations/${convId}${suffix}`;
const invalid = (message: string) => ({ error: { code: 'invalid_request', message } });

beforeEach(async () => {
  clock = T0;
  receiver = await startWebhookReceiver({ secret: 'sec', now: () => T0 });
  emu = await startChatPlatformEmulator({
    webhookSecret: 'sec',
    apiToken: TOKEN,
    webhookUrl: receiver.url,
    webhookRetryDelaysMs: [1],
    requestsPerSecondPerOrg: 5,
    now: () => clock,
  });
  emu.createOrg({ id: 'org_42', name: 'Acme' });
  emu.addAgent('org_42', { id: 'agt_dana', name: 'Dana', email: 'dana@acme.example', avatarUrl: 'https://img.example/d.png' });
  emu.addAgent('org_42', { id: 'agt_eli', name: 'Eli', email: 'eli@acme.example', status: 'offline' });
  emu.addRoutingGroup('org_42', { id: 'rg_sales', name: 'Sales', memberAgentIds: ['agt_dana', 'agt_eli'] });
  convId = (await emu.startConversation('org_42', { routingGroupId: 'rg_sales' })).id;
  await emu.idle();
});

afterEach(async () => {
  await emu.close();
  await receiver.close();
});

const post = { agentId: 'agt_dana', text: 'Hi from Slack', clientMessageId: 'tb_1' };

describe('auth', () => {
  it.each([
    ['no header', null],
    ['a wrong token', 'nope'],
  ])('answers 401 unauthorized to %s, and records the call', async (_name, token) => {
    const res = await api('GET', '/orgs/org_42/agents', undefined, token);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'unauthorized', message: 'Missing or invalid bearer token' } });
    expect(emu.calls()).toEqual([expect.objectContaining({ method: 'GET', path: '/orgs/org_42/agents', status: 401 })]);
  });

  it('never records the Authorization header', async () => {
    await api('GET', '/orgs/org_42/agents');
    const [call] = emu.calls();
    expect(call!.headers['authorization']).toBeUndefined();
    expect(call).toMatchObject({ orgId: 'org_42', status: 200, response: { agents: expect.any(Array) } });
  });
});

describe('POST messages', () => {
  it('201 with an agent-authored slack-origin message, then its message.created echo', async () => {
    const res = await api('POST', conv('/messages'), post);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      message: {
        id: expect.stringMatching(/^msg_/),
        seq: 1,
        createdAt: '2026-11-24T12:00:00.000Z',
        text: 'Hi from Slack',
        author: { type: 'agent', id: 'agt_dana', name: 'Dana', avatarUrl: 'https://img.example/d.png' },
        origin: 'slack',
        attachments: [],
        clientMessageId: 'tb_1',
      },
    });
    await emu.idle();
    const echo = receiver.received.at(-1)!.event;
    expect(echo).toMatchObject({ type: 'message.created', data: { conversationId: convId, message: res.body.message } });
  });

  it('a repeated clientMessageId answers 200 with the same message and emits no second webhook', async () => {
    const first = await api('POST', conv('/messages'), post);
    const again = await api('POST', conv('/messages'), { ...post, text: 'changed on retry' });
    await emu.idle();
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual(first.body);
    expect(emu.events().filter((e) => e.type === 'message.created')).toHaveLength(1);
    expect(emu.conversation('org_42', convId).messages).toHaveLength(1);
  });

  it('a repeat after the conversation ended still answers 200 (a retry after a lost answer)', async () => {
    const first = await api('POST', conv('/messages'), post);
    await emu.end('org_42', convId, 'visitor');
    const again = await api('POST', conv('/messages'), post);
    expect(again).toMatchObject({ status: 200, body: first.body });
  });

  it('seq increases by one across every origin, API messages included', async () => {
    await emu.visitorSays('org_42', convId, 'hello');
    await api('POST', conv('/messages'), post);
    await emu.agentSays('org_42', convId, 'agt_eli', 'from console');
    await emu.botSays('org_42', convId, 'bot');
    await emu.visitorSays('org_42', convId, 'from app', { origin: 'mobile_app' });
    const second = await api('POST', conv('/messages'), { ...post, clientMessageId: 'tb_2' });
    expect(second.body.message.seq).toBe(6);
    const read = await api('GET', conv());
    expect(read.body.messages.map((m: { seq: number; origin: string }) => [m.seq, m.origin])).toEqual([
      [1, 'web'],
      [2, 'slack'],
      [3, 'console'],
      [4, 'bot'],
      [5, 'mobile_app'],
      [6, 'slack'],
    ]);
  });

  it('409 conversation_ended once the conversation ended', async () => {
    await emu.end('org_42', convId, 'timeout');
    const res = await api('POST', conv('/messages'), post);
    expect(res).toMatchObject({
      status: 409,
      body: { error: { code: 'conversation_ended', message: `Conversation ${convId} has ended` } },
    });
  });

  it('404 unknown_org and unknown_conversation', async () => {
    expect(await api('POST', `/orgs/org_x/conversations/${convId}/messages`, post)).toMatchObject({
      status: 404,
      body: { error: { code: 'unknown_org', message: 'No org org_x' } },
    });
    expect(await api('POST', '/orgs/org_42/conversations/conv_x/messages', post)).toMatchObject({
      status: 404,
      body: { error: { code: 'unknown_conversation', message: 'No conversation conv_x in org org_42' } },
    });
  });

  it('an unknown agent is a 400 naming agentId', async () => {
    const res = await api('POST', conv('/messages'), { ...post, agentId: 'agt_ghost' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid('agentId: no agent agt_ghost in org org_42'));
  });

  it.each([
    [{ text: 'x', clientMessageId: 'c' }, 'agentId: is required'],
    [{ ...post, text: 5 }, 'text: must be a string'],
    [{ ...post, clientMessageId: '' }, 'clientMessageId: must not be empty'],
    [{ ...post, clientMsgId: 'c' }, 'clientMsgId: is not a known field'],
    [{ ...post, attachments: [{ name: 'a.png', url: 'https://x/a.png', mimeType: 'image/png' }] }, 'attachments[0].size: is required'],
    [[], 'body: must be an object'],
    ['{not json', 'body: is not valid JSON'],
  ])('400 invalid_request for %j', async (body, message) => {
    const res = await api('POST', conv('/messages'), body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid(message));
  });

  it('keeps attachments', async () => {
    const attachments = [{ name: 'q.pdf', url: 'https://files.example/q.pdf', mimeType: 'application/pdf', size: 1234 }];
    const res = await api('POST', conv('/messages'), { ...post, attachments });
    expect(res.body.message.attachments).toEqual(attachments);
  });
});

describe('meeting and form requests', () => {
  it('offers a meeting, and a booking comes back as meeting.booked', async () => {
    const res = await api('POST', conv('/meeting-requests'), { agentId: 'agt_dana', durationMinutes: 30 });
    expect(res).toMatchObject({ status: 201, body: { meetingRequest: { id: expect.stringMatching(/^mtg_/), status: 'offered' } } });
    await emu.bookMeeting('org_42', res.body.meetingRequest.id, '2026-11-26T15:00:00.000Z');
    await emu.idle();
    expect(receiver.received.at(-1)!.event).toMatchObject({
      type: 'meeting.booked',
      data: { conversationId: convId, meetingRequestId: res.body.meetingRequest.id, agentId: 'agt_dana', startsAt: '2026-11-26T15:00:00.000Z' },
    });
  });

  it('asks for a form, and the answers come back as form.submitted', async () => {
    const res = await api('POST', conv('/form-requests'), { agentId: 'agt_dana', fields: ['email', 'company'] });
    expect(res).toMatchObject({ status: 201, body: { formRequest: { id: expect.stringMatching(/^form_/) } } });
    const values = { email: 'v@corp.example', company: 'Corp' };
    await emu.submitForm('org_42', res.body.formRequest.id, values);
    await emu.idle();
    expect(receiver.received.at(-1)!.event).toMatchObject({
      type: 'form.submitted',
      data: { conversationId: convId, formRequestId: res.body.formRequest.id, values },
    });
  });

  it.each([
    ['/meeting-requests', { agentId: 'agt_dana', durationMinutes: 0 }, 'durationMinutes: must be greater than 0'],
    ['/meeting-requests', { agentId: 'agt_dana', durationMinutes: 1.5 }, 'durationMinutes: must be an integer'],
    ['/form-requests', { agentId: 'agt_dana', fields: [] }, 'fields: must not be empty'],
    ['/form-requests', { agentId: 'agt_dana', fields: ['email', 'age'] }, 'fields[1]: must be one of email, phone, name, company, title'],
    ['/form-requests', { agentId: 'agt_dana', fields: ['email', 'email'] }, 'fields: must not repeat a field'],
    ['/form-requests', { agentId: 'agt_dana', fields: 'email' }, 'fields: must be an array'],
  ])('400 for POST %s %j', async (path, body, message) => {
    const res = await api('POST', conv(path), body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(invalid(message));
  });

  it('409 on an ended conversation: the visitor can no longer be shown anything', async () => {
    await emu.end('org_42', convId, 'visitor');
    expect((await api('POST', conv('/meeting-requests'), { agentId: 'agt_dana' })).status).toBe(409);
    expect((await api('POST', conv('/form-requests'), { agentId: 'agt_dana', fields: ['email'] })).status).toBe(409);
  });
});

describe('qualification and transcript', () => {
  it('stores a qualification, and rejects an unknown rating with the allowed values', async () => {
    const ok = await api('PUT', conv('/qualification'), { agentId: 'agt_dana', rating: 'hot', note: 'Budget approved' });
    expect(ok).toMatchObject({ status: 200, body: {} });
    expect(emu.conversation('org_42', convId).qualification).toEqual({ agentId: 'agt_dana', rating: 'hot', note: 'Budget approved' });

    const bad = await api('PUT', conv('/qualification'), { agentId: 'agt_dana', rating: 'lukewarm', note: 3 });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual(invalid('rating: must be one of hot, warm, cold, not_a_lead; note: must be a string'));
  });

  it('stores a transcript with internal notes after the end, and a repeat replaces it', async () => {
    const message = (await emu.visitorSays('org_42', convId, 'hello')) as unknown as Record<string, unknown>;
    await emu.end('org_42', convId, 'visitor');
    const note = { ...message, id: 'note_1', seq: 2, text: 'internal', origin: 'slack', internal: true };
    const slack = { teamId: 'T1', channelId: 'C1', threadTs: '1732449600.000100', permalink: 'https://acme.slack.com/archives/C1/p1' };
    expect((await api('PUT', conv('/transcript'), { messages: [message, note], slack })).status).toBe(200);
    expect((await api('PUT', conv('/transcript'), { messages: [message], slack })).status).toBe(200);
    expect(emu.conversation('org_42', convId).transcript).toEqual({ messages: [message], slack });
  });

  it('validates transcript messages field by field', async () => {
    const slack = { teamId: 'T1', channelId: 'C1', threadTs: '1.2', permalink: 'https://x' };
    const res = await api('PUT', conv('/transcript'), { messages: [{ id: 'm', text: 'x' }], slack: { ...slack, teamId: 7 } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toContain('messages[0].seq: is required');
    expect(res.body.error.message).toContain('slack.teamId: must be a string');
  });
});

describe('reads', () => {
  it('GET conversation, agents and routing groups', async () => {
    await emu.visitorSays('org_42', convId, 'hello');
    const read = await api('GET', conv());
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      conversation: emu.conversation('org_42', convId).conversation,
      messages: emu.conversation('org_42', convId).messages,
    });
    expect((await api('GET', '/orgs/org_42/agents')).body).toEqual({
      agents: [
        { id: 'agt_dana', name: 'Dana', email: 'dana@acme.example', status: 'online' },
        { id: 'agt_eli', name: 'Eli', email: 'eli@acme.example', status: 'offline' },
      ],
    });
    expect((await api('GET', '/orgs/org_42/routing-groups')).body).toEqual({
      routingGroups: [{ id: 'rg_sales', name: 'Sales', memberAgentIds: ['agt_dana', 'agt_eli'] }],
    });
    expect((await api('GET', '/orgs/org_9/agents')).body).toEqual({ error: { code: 'unknown_org', message: 'No org org_9' } });
  });

  it('404 not_found for a path the API does not have', async () => {
    const res = await api('GET', '/orgs/org_42/visitors');
    expect(res).toMatchObject({ status: 404, body: { error: { code: 'not_found', message: 'No route GET /orgs/org_42/visitors' } } });
  });
});

describe('rate limit', () => {
  it('429 with Retry-After once an org passes its requests per second, per org, until the next second', async () => {
    clock = T0 + 400;
    for (let i = 0; i < 5; i++) expect((await api('GET', '/orgs/org_42/agents')).status).toBe(200);
    const over = await api('GET', '/orgs/org_42/agents');
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('1');
    expect(over.body).toEqual({
      error: { code: 'rate_limited', message: 'Org org_42 is over its requests per second; retry after 1 s' },
    });
    emu.createOrg({ id: 'org_7' });
    expect((await api('GET', '/orgs/org_7/agents')).status).toBe(200); // other orgs are unaffected
    clock = T0 + 1000;
    expect((await api('GET', '/orgs/org_42/agents')).status).toBe(200);
  });

  it('defaults to the contract limit of 50 per second', async () => {
    const other = await startChatPlatformEmulator({ webhookSecret: 's', apiToken: TOKEN, now: () => T0 });
    try {
      other.createOrg({ id: 'org_1' });
      const statuses: number[] = [];
      for (let i = 0; i < 51; i++) {
        const res = await fetch(`${other.url}/orgs/org_1/agents`, { headers: { authorization: `Bearer ${TOKEN}` } });
        statuses.push(res.status);
        await res.arrayBuffer();
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(50);
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await other.close();
    }
  });
});

describe('failNextApiCalls', () => {
  it('fails the next N matching calls with the given status, then lets them through', async () => {
    emu.failNextApiCalls({ method: 'POST', pathPattern: /\/messages$/, status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api('POST', conv('/messages'), post)).status);
    expect(statuses).toEqual([503, 503, 201]);
    expect(emu.calls({ method: 'POST', path: /\/messages$/ }).map((c) => c.response)).toEqual([
      { error: { code: 'service_unavailable', message: 'Injected failure (503)' } },
      { error: { code: 'service_unavailable', message: 'Injected failure (503)' } },
      expect.objectContaining({ message: expect.any(Object) }),
    ]);
    expect((await api('GET', conv())).status).toBe(200); // other methods never matched
  });

  it('injects a 429 with Retry-After', async () => {
    emu.failNextApiCalls({ method: 'GET', pathPattern: /agents/, status: 429, times: 1, retryAfterSeconds: 7 });
    const res = await api('GET', '/orgs/org_42/agents');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.body.error.code).toBe('rate_limited');
  });

  it('takes an explicit error code, and rejects a non-error status', async () => {
    emu.failNextApiCalls({ method: 'GET', pathPattern: /conversations/, status: 404, times: 1, code: 'unknown_conversation' });
    expect((await api('GET', conv())).body).toEqual({ error: { code: 'unknown_conversation', message: 'Injected failure (404)' } });
    expect(() => emu.failNextApiCalls({ method: 'GET', pathPattern: /x/, status: 200, times: 1 })).toThrow(/status/);
  });

  it('afterProcessing: the message is created but the answer is lost; the retry gets 200 and the same message', async () => {
    emu.failNextApiCalls({ method: 'POST', pathPattern: /\/messages$/, status: 502, times: 1, afterProcessing: true });
    const lost = await api('POST', conv('/messages'), post);
    expect(lost.status).toBe(502);
    const retry = await api('POST', conv('/messages'), post);
    expect(retry.status).toBe(200);
    expect(retry.body.message.clientMessageId).toBe('tb_1');
    await emu.idle();
    expect(emu.events().filter((e) => e.type === 'message.created')).toHaveLength(1);
  });
});
