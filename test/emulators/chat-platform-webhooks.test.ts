// Webhook side of the chat-platform emulator: signatures, retries with the same id, hold/release, redeliver.
// Time comes from an injected clock and millisecond retry delays; tests wait with idle(), never sleeps.

import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startChatPlatformEmulator, type ChatPlatformEmulator } from '../../emulators/chat-platform/index.ts';
import { arrange } from '../../emulators/chat-platform/delivery-order.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../emulators/chat-platform/webhook-receiver.ts';

const SECRET = 'whsec-test';
const T0 = Date.parse('2026-11-24T12:00:00.000Z');

let clock: number;
let receiver: WebhookReceiver;
let emu: ChatPlatformEmulator;

async function start(extra: { webhookRetryDelaysMs?: number[]; webhookTimeoutMs?: number; withUrl?: boolean } = {}) {
  emu = await startChatPlatformEmulator({
    webhookSecret: SECRET,
    apiToken: 'tok',
    now: () => clock,
    ...(extra.withUrl === false ? {} : { webhookUrl: receiver.url }),
    webhookRetryDelaysMs: extra.webhookRetryDelaysMs ?? [1, 1, 1, 1, 1, 1, 1, 1],
    ...(extra.webhookTimeoutMs ? { webhookTimeoutMs: extra.webhookTimeoutMs } : {}),
  });
  emu.createOrg({ id: 'org_42' });
  return emu;
}

beforeEach(async () => {
  clock = T0;
  // The receiver keeps real-world time T0; only the emulator's clock is moved, to skew or age signatures.
  receiver = await startWebhookReceiver({ secret: SECRET, now: () => T0 });
});

afterEach(async () => {
  await emu?.close();
  await receiver.close();
});

describe('signed delivery', () => {
  it('POSTs the envelope with X-Chat-Timestamp and a v1 HMAC-SHA256 signature of "v1:ts:body"', async () => {
    await start();
    const conv = await emu.startConversation('org_42', { pageUrl: 'https://acme.example/pricing' });
    await emu.idle();

    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-chat-timestamp']).toBe(String(T0 / 1000));
    const expected = createHmac('sha256', SECRET)
      .update(`v1:${T0 / 1000}:${got.rawBody}`)
      .digest('hex');
    expect(got.headers['x-chat-signature']).toBe(`v1=${expected}`);
    expect(got.headers['x-chat-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(got.signatureValid).toBe(true);
    expect(got.event).toEqual({
      id: expect.stringMatching(/^evt_[0-9A-Z]{26}$/),
      type: 'conversation.started',
      orgId: 'org_42',
      occurredAt: '2026-11-24T12:00:00.000Z',
      data: { conversation: conv },
    });
    expect(conv).toMatchObject({ orgId: 'org_42', source: 'web', routingGroupId: null, account: null });
    expect(conv.visitor).toEqual({ id: expect.stringMatching(/^vis_/), name: null, email: null, company: null });
    expect(emu.deliveries()).toEqual([expect.objectContaining({ eventId: got.event.id, attempt: 1, kind: 'first', status: 200, ok: true, error: null })]);
  });

  it('signs with the emulator clock, so a skewed clock produces a stale timestamp receivers must reject', async () => {
    await start();
    clock = T0 - 301_000;
    await emu.startConversation('org_42');
    await emu.idle();
    expect(receiver.received[0]!.headers['x-chat-timestamp']).toBe(String((T0 - 301_000) / 1000));
    expect(receiver.received[0]!.signatureValid).toBe(false);
  });

  it('emits message.created with per-conversation seq for every origin', async () => {
    await start();
    const agent = emu.addAgent('org_42', { id: 'agt_1', name: 'Dana', email: 'dana@acme.example' });
    const conv = await emu.startConversation('org_42', { visitor: { name: 'Vic' } });
    await emu.visitorSays('org_42', conv.id, 'hello');
    await emu.visitorSays('org_42', conv.id, 'from the app', { origin: 'mobile_app' });
    await emu.agentSays('org_42', conv.id, agent.id, 'hi from console');
    await emu.botSays('org_42', conv.id, 'bot here');
    await emu.systemSays('org_42', conv.id, 'Dana joined');
    await emu.idle();
    const created = receiver.received.map((r) => r.event).filter((e) => e.type === 'message.created');
    expect(created.map((e) => [e.data.message.seq, e.data.message.origin, e.data.message.author.type])).toEqual([
      [1, 'web', 'visitor'],
      [2, 'mobile_app', 'visitor'],
      [3, 'console', 'agent'],
      [4, 'bot', 'bot'],
      [5, 'bot', 'system'],
    ]);
    expect(created[0]!.data).toEqual({
      conversationId: conv.id,
      message: {
        id: expect.stringMatching(/^msg_/),
        seq: 1,
        createdAt: '2026-11-24T12:00:00.000Z',
        text: 'hello',
        author: { type: 'visitor', id: conv.visitor.id, name: 'Vic', avatarUrl: null },
        origin: 'web',
        attachments: [],
        clientMessageId: null,
      },
    });
  });

  it('emits each remaining event type with the contract data', async () => {
    await start();
    emu.addAgent('org_42', { id: 'agt_1', name: 'Dana', email: 'dana@acme.example' });
    const conv = await emu.startConversation('org_42');
    await emu.updateConversation('org_42', conv.id, { visitor: { email: 'v@corp.example' } });
    await emu.assign('org_42', conv.id, 'agt_1');
    await emu.setAgentStatus('org_42', 'agt_1', 'dnd');
    await emu.end('org_42', conv.id, 'agent', 'agt_1');
    await emu.idle();
    const byType = Object.fromEntries(receiver.received.map((r) => [r.event.type, r.event.data]));
    expect(byType['conversation.updated']).toEqual({
      conversation: { ...conv, visitor: { ...conv.visitor, email: 'v@corp.example' } },
    });
    expect(byType['conversation.assigned']).toEqual({ conversationId: conv.id, agentId: 'agt_1' });
    expect(byType['agent.status_changed']).toEqual({ agentId: 'agt_1', status: 'dnd' });
    expect(byType['conversation.ended']).toEqual({ conversationId: conv.id, endedBy: 'agent', agentId: 'agt_1' });
    await expect(emu.visitorSays('org_42', conv.id, 'too late')).rejects.toThrow(/has ended/);
  });

  it('holds events generated before a webhook URL is set, then sends them', async () => {
    await start({ withUrl: false });
    await emu.startConversation('org_42');
    await emu.idle();
    expect(receiver.received).toHaveLength(0);
    emu.setWebhookUrl(receiver.url);
    await emu.idle();
    expect(receiver.received.map((r) => r.event.type)).toEqual(['conversation.started']);
  });
});

describe('retries', () => {
  it('retries after a 500 with the same id, re-signed with a fresh timestamp', async () => {
    await start();
    receiver.answer = (_e, previous) => (previous === 0 ? 500 : 200);
    await emu.startConversation('org_42');
    clock = T0 + 10_000; // the retry is signed later than the first attempt
    await emu.idle();

    const [first, second] = receiver.received;
    expect(receiver.received).toHaveLength(2);
    expect(second!.event.id).toBe(first!.event.id);
    expect(second!.rawBody).toBe(first!.rawBody);
    expect(first!.headers['x-chat-timestamp']).toBe(String(T0 / 1000));
    expect(second!.headers['x-chat-timestamp']).toBe(String((T0 + 10_000) / 1000));
    expect(second!.signatureValid).toBe(true);
    expect(emu.deliveries().map((d) => [d.attempt, d.kind, d.status, d.ok])).toEqual([
      [1, 'first', 500, false],
      [2, 'retry', 200, true],
    ]);
  });

  it('treats no answer within webhookTimeoutMs as a failed attempt and retries', async () => {
    await start({ webhookTimeoutMs: 50 });
    receiver.answer = (_e, previous) => (previous === 0 ? 'hang' : 204);
    await emu.startConversation('org_42');
    await emu.idle();
    expect(emu.deliveries().map((d) => [d.attempt, d.status, d.error, d.ok])).toEqual([
      [1, null, 'timeout', false],
      [2, 204, null, true],
    ]);
  });

  it('treats a non-2xx answer such as 401 or 302 as failed', async () => {
    await start({ webhookRetryDelaysMs: [1, 1] });
    const answers = [401, 302, 200];
    receiver.answer = (_e, previous) => answers[previous]!;
    await emu.startConversation('org_42');
    await emu.idle();
    expect(emu.deliveries().map((d) => d.status)).toEqual([401, 302, 200]);
  });

  it('stops after 8 retries (9 attempts in all)', async () => {
    await start();
    receiver.answer = () => 503;
    await emu.startConversation('org_42');
    await emu.idle();
    const ids = new Set(receiver.received.map((r) => r.event.id));
    expect(ids.size).toBe(1);
    expect(emu.deliveries().map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(emu.deliveries().every((d) => !d.ok)).toBe(true);
  });

  it('retries a refused connection, reported as ECONNREFUSED even on a port fetch() would refuse (port 1)', async () => {
    await start({ webhookRetryDelaysMs: [1] });
    emu.setWebhookUrl('http://127.0.0.1:1/webhooks/chat');
    await emu.startConversation('org_42');
    await emu.idle();
    expect(emu.deliveries().map((d) => [d.attempt, d.status, d.error])).toEqual([
      [1, null, 'ECONNREFUSED'],
      [2, null, 'ECONNREFUSED'],
    ]);
  });

  it('defaults to 8 retries over about an hour and rejects more than 8', async () => {
    const { DEFAULT_RETRY_DELAYS_MS } = await import('../../emulators/chat-platform/index.ts');
    expect(DEFAULT_RETRY_DELAYS_MS).toHaveLength(8);
    const total = DEFAULT_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(55 * 60_000);
    expect(total).toBeLessThan(65 * 60_000);
    await expect(startChatPlatformEmulator({ webhookSecret: 's', apiToken: 't', webhookRetryDelaysMs: new Array(9).fill(1) })).rejects.toThrow(
      /webhookRetryDelaysMs/,
    );
    await expect(startChatPlatformEmulator({ webhookSecret: '', apiToken: 't' })).rejects.toThrow(/webhookSecret/);
  });
});

describe('deliveries run concurrently', () => {
  it('sends a second event while the first is still unanswered', async () => {
    await start({ webhookTimeoutMs: 200, webhookRetryDelaysMs: [] });
    receiver.answer = (e) => (e.type === 'conversation.started' ? 'hang' : 200);
    const conv = emu.startConversation('org_42'); // first attempt hangs until the timeout
    const convId = (await waitForReceived(1)).event.data;
    const said = emu.visitorSays('org_42', (convId as { conversation: { id: string } }).conversation.id, 'hi');
    await said; // answered while the first is still in flight
    expect(receiver.received.map((r) => r.event.type)).toEqual(['conversation.started', 'message.created']);
    await conv;
    await emu.idle();
  });
});

describe('hold and release', () => {
  async function heldMessages(n: number) {
    const conv = await emu.startConversation('org_42');
    await emu.idle();
    receiver.received.length = 0;
    emu.holdDeliveries();
    for (let i = 1; i <= n; i++) await emu.visitorSays('org_42', conv.id, `m${i}`);
    await emu.idle();
    expect(receiver.received).toHaveLength(0);
  }
  const seqs = () => receiver.received.map((r) => (r.event.type === 'message.created' ? r.event.data.message.seq : -1));

  it('releases as-is in order', async () => {
    await start();
    await heldMessages(3);
    await emu.releaseDeliveries();
    expect(seqs()).toEqual([1, 2, 3]);
  });

  it('releases in reverse', async () => {
    await start();
    await heldMessages(3);
    await emu.releaseDeliveries({ order: 'reverse' });
    expect(seqs()).toEqual([3, 2, 1]);
  });

  it('shuffles with a seed, reproducibly', async () => {
    await start();
    await heldMessages(6);
    await emu.releaseDeliveries({ order: 'shuffle', seed: 7 });
    const released = seqs();
    expect([...released].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(released).not.toEqual([1, 2, 3, 4, 5, 6]);
    expect(released).toEqual(arrange([1, 2, 3, 4, 5, 6], 'shuffle', 7));
  });

  it('duplicate sends every event twice with the same id', async () => {
    await start();
    await heldMessages(2);
    await emu.releaseDeliveries({ duplicate: true });
    expect(seqs()).toEqual([1, 1, 2, 2]);
    const ids = receiver.received.map((r) => r.event.id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).toBe(ids[3]);
    expect(
      emu
        .deliveries()
        .slice(-4)
        .map((d) => [d.attempt, d.kind]),
    ).toEqual([
      [1, 'first'],
      [2, 'duplicate'],
      [1, 'first'],
      [2, 'duplicate'],
    ]);
  });

  it('redeliver sends an event again with the same id and returns the status', async () => {
    await start();
    await emu.startConversation('org_42');
    await emu.idle();
    const [event] = emu.events();
    receiver.answer = () => 202;
    expect(await emu.redeliver(event!.id)).toBe(202);
    expect(receiver.received.map((r) => r.event.id)).toEqual([event!.id, event!.id]);
    await expect(emu.redeliver('evt_nope')).rejects.toThrow(/No webhook event/);
  });
});

async function waitForReceived(n: number) {
  // Polls the receiver without sleeping: yields to the event loop until the n-th POST has arrived.
  while (receiver.received.length < n) await new Promise((r) => setImmediate(r));
  return receiver.received[n - 1]!;
}
