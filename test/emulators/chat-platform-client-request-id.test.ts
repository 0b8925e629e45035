// The chat-platform emulator honours `clientRequestId` on meeting and form requests as the
// contract says: a repeat answers 200 with the same request and shows the visitor nothing new
// (scoped per conversation, also after the end, the first request standing).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startChatPlatformEmulator, type ChatPlatformEmulator } from '../../emulators/chat-platform/index.ts';

const TOKEN = 'chat-api-token';
let emu: ChatPlatformEmulator;
let convId: string;
let otherConvId: string;

async function api(path: string, body: unknown) {
  const res = await fetch(`${emu.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
}

beforeEach(async () => {
  emu = await startChatPlatformEmulator({ webhookSecret: 'sec', apiToken: TOKEN });
  emu.createOrg({ id: 'org_1', name: 'Acme' });
  emu.addAgent('org_1', { id: 'agt_dana', name: 'Dana', email: 'dana@acme.example' });
  convId = (await emu.startConversation('org_1', {})).id;
  otherConvId = (await emu.startConversation('org_1', {})).id;
});
afterEach(async () => {
  await emu.close();
});

const conv = (id: string, suffix: string) => `/orgs/org_1/conversations/${id}${suffix}`;

describe.each([
  {
    kind: 'meeting request',
    path: '/meeting-requests',
    body: { agentId: 'agt_dana', durationMinutes: 30 },
    key: 'meetingRequest',
    list: 'meetingRequests' as const,
  },
  { kind: 'form request', path: '/form-requests', body: { agentId: 'agt_dana', fields: ['email'] }, key: 'formRequest', list: 'formRequests' as const },
])('$kind with clientRequestId', ({ path, body, key, list }) => {
  it('a repeat answers 200 with the same request and shows the visitor nothing new', async () => {
    const first = await api(conv(convId, path), { ...body, clientRequestId: 'req-1' });
    const again = await api(conv(convId, path), { ...body, clientRequestId: 'req-1' });
    expect(first.status).toBe(201);
    expect(again).toEqual({ status: 200, body: first.body });
    expect(emu.conversation('org_1', convId)[list]).toHaveLength(1);
  });

  it('another id is another request; the same id in another conversation is another request', async () => {
    const a = await api(conv(convId, path), { ...body, clientRequestId: 'req-1' });
    const b = await api(conv(convId, path), { ...body, clientRequestId: 'req-2' });
    const c = await api(conv(otherConvId, path), { ...body, clientRequestId: 'req-1' });
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(new Set([a.body[key].id, b.body[key].id, c.body[key].id]).size).toBe(3);
    expect(emu.conversation('org_1', convId)[list]).toHaveLength(2);
  });

  it('a repeat after the conversation ended still answers the first request (a retry after a lost answer)', async () => {
    const first = await api(conv(convId, path), { ...body, clientRequestId: 'req-1' });
    await emu.end('org_1', convId, 'visitor');
    expect(await api(conv(convId, path), { ...body, clientRequestId: 'req-1' })).toEqual({ status: 200, body: first.body });
    expect((await api(conv(convId, path), { ...body, clientRequestId: 'req-new' })).body).toMatchObject({ error: { code: 'conversation_ended' } });
  });

  it('without clientRequestId every request is new; a malformed one is a 400', async () => {
    await api(conv(convId, path), body);
    await api(conv(convId, path), body);
    expect(emu.conversation('org_1', convId)[list]).toHaveLength(2);
    expect(await api(conv(convId, path), { ...body, clientRequestId: '' })).toEqual({
      status: 400,
      body: { error: { code: 'invalid_request', message: 'clientRequestId: must be not empty' } },
    });
    expect((await api(conv(convId, path), { ...body, clientRequestId: 7 })).status).toBe(400);
  });
});
