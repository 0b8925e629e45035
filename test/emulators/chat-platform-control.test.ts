// The chat-platform emulator's /_emulator/ HTTP control surface (what the sandbox drives), and main.ts.
// Scripts a whole conversation over HTTP and checks it against the programmatic view of the same emulator.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startChatPlatformEmulator, type ChatPlatformEmulator } from '../../emulators/chat-platform/index.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../emulators/chat-platform/webhook-receiver.ts';

let receiver: WebhookReceiver;
let emu: ChatPlatformEmulator;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON under test, asserted field by field
async function control(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${emu.url}/_emulator${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

beforeEach(async () => {
  receiver = await startWebhookReceiver({ secret: 'sec', now: Date.now });
  emu = await startChatPlatformEmulator({ webhookSecret: 'sec', apiToken: 'tok', webhookRetryDelaysMs: [1] });
});

afterEach(async () => {
  await emu.close();
  await receiver.close();
});

describe('/_emulator/ control surface', () => {
  it('scripts a conversation end to end, without a bearer token', async () => {
    expect((await control('PUT', '/webhook-url', { url: receiver.url })).status).toBe(200);
    const org = await control('POST', '/orgs', { id: 'org_1', name: 'Acme' });
    expect(org).toEqual({ status: 201, body: { org: { id: 'org_1', name: 'Acme' } } });
    const agent = await control('POST', '/orgs/org_1/agents', { id: 'agt_1', name: 'Dana', email: 'd@acme.example' });
    expect(agent.body.agent).toEqual({ id: 'agt_1', name: 'Dana', email: 'd@acme.example', status: 'online', avatarUrl: null });
    await control('POST', '/orgs/org_1/routing-groups', { id: 'rg_1', name: 'Sales', memberAgentIds: ['agt_1'] });
    const started = await control('POST', '/orgs/org_1/conversations', {
      routingGroupId: 'rg_1',
      source: 'mobile_app',
      visitor: { name: 'Vic' },
    });
    const convId: string = started.body.conversation.id;
    expect(started.body.conversation).toMatchObject({ routingGroupId: 'rg_1', source: 'mobile_app', visitor: { name: 'Vic' } });

    await control('PATCH', `/orgs/org_1/conversations/${convId}`, { visitor: { email: 'vic@corp.example' } });
    const said = await control('POST', `/orgs/org_1/conversations/${convId}/visitor-messages`, { text: 'hi' });
    expect(said.body.message).toMatchObject({ seq: 1, origin: 'mobile_app', author: { type: 'visitor', name: 'Vic' } });
    await control('POST', `/orgs/org_1/conversations/${convId}/assign`, { agentId: 'agt_1' });
    await control('POST', `/orgs/org_1/conversations/${convId}/agent-messages`, { agentId: 'agt_1', text: 'hello' });
    await control('POST', `/orgs/org_1/conversations/${convId}/bot-messages`, { text: 'bot' });
    await control('PUT', '/orgs/org_1/agents/agt_1/status', { status: 'dnd' });
    await control('POST', `/orgs/org_1/conversations/${convId}/end`, { endedBy: 'agent', agentId: 'agt_1' });
    await control('POST', '/idle');

    const state = await control('GET', `/orgs/org_1/conversations/${convId}`);
    expect(state.body).toEqual(emu.conversation('org_1', convId));
    expect(state.body).toMatchObject({ ended: true, endedBy: 'agent', assignedAgentId: 'agt_1' });

    const events = await control('GET', '/events?orgId=org_1');
    expect(events.body.events.map((e: { type: string }) => e.type)).toEqual([
      'conversation.started',
      'conversation.updated',
      'message.created',
      'conversation.assigned',
      'message.created',
      'message.created',
      'agent.status_changed',
      'conversation.ended',
    ]);
    expect(receiver.received.map((r) => r.event.id)).toEqual(events.body.events.map((e: { id: string }) => e.id));
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    expect((await control('GET', '/deliveries')).body.deliveries).toHaveLength(8);
    expect(emu.calls()).toEqual([]); // the control surface is not Threadbridge calling the API
  });

  it('controls delivery and faults: hold, release, redeliver, fail-next-api-calls, calls', async () => {
    emu.setWebhookUrl(receiver.url);
    emu.createOrg({ id: 'org_1' });
    await control('POST', '/deliveries/hold');
    const convId = (await control('POST', '/orgs/org_1/conversations', {})).body.conversation.id;
    await control('POST', `/orgs/org_1/conversations/${convId}/visitor-messages`, { text: 'one' });
    expect(receiver.received).toHaveLength(0);
    await control('POST', '/deliveries/release', { order: 'reverse', duplicate: true });
    expect(receiver.received.map((r) => r.event.type)).toEqual(['message.created', 'message.created', 'conversation.started', 'conversation.started']);
    const eventId = receiver.received[0]!.event.id;
    expect(await control('POST', `/events/${eventId}/redeliver`)).toEqual({ status: 200, body: { status: 200 } });

    await control('POST', '/fail-next-api-calls', { method: 'GET', pathPattern: 'agents$', status: 500, times: 1 });
    const failed = await fetch(`${emu.url}/orgs/org_1/agents`, { headers: { authorization: 'Bearer tok' } });
    expect(failed.status).toBe(500);
    const calls = await control('GET', '/calls?method=GET&pathPattern=agents');
    expect(calls.body.calls).toEqual([expect.objectContaining({ method: 'GET', path: '/orgs/org_1/agents', orgId: 'org_1', status: 500 })]);
  });

  it('answers errors in the API error shape', async () => {
    expect(await control('POST', '/orgs/org_x/conversations', {})).toEqual({
      status: 404,
      body: { error: { code: 'unknown_org', message: 'No org org_x' } },
    });
    emu.createOrg({ id: 'org_1' });
    expect(await control('POST', '/orgs/org_1/agents', { name: 'Dana' })).toEqual({
      status: 400,
      body: { error: { code: 'invalid_request', message: 'email: is required' } },
    });
    expect(await control('POST', '/events/evt_nope/redeliver')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request' } },
    });
  });
});

describe('main.ts', () => {
  it('starts from env and prints its URL', async () => {
    const child = spawn('node_modules/.bin/tsx', ['emulators/chat-platform/main.ts'], {
      env: { ...process.env, PORT: '0', CHAT_WEBHOOK_SECRET: 's', CHAT_API_TOKEN: 't', CHAT_WEBHOOK_URL: receiver.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let out = '';
      while (!/listening on (http:\/\/\S+)/.test(out)) {
        const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
        out += chunk.toString();
      }
      const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
      const res = await fetch(`${url}/orgs/org_1/agents`, { headers: { authorization: 'Bearer t' } });
      expect(res.status).toBe(404);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
