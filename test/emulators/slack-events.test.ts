// Slack emulator Events API and interactivity: envelope, signature (verified by the receiver),
// retry policy with X-Slack-Retry-Num/Reason, X-Slack-No-Retry, concurrency, and which events fire.
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel, Installation, SlackEmulator, Team, User } from '../../emulators/slack/index.ts';
import { startTestReceiver } from '../../emulators/slack/test-receiver.ts';
import type { TestReceiver } from '../../emulators/slack/test-receiver.ts';
import { SECRET, startSlackWorkspace, stopSlackWorkspace, T0 } from './emulator-test-helpers.ts';

let t = T0;
const now = (): number => t;
let emu: SlackEmulator;
let rx: TestReceiver;
let team: Team;
let alice: User;
let general: Channel;
let inst: Installation;

async function start(extra: { eventRetryDelaysMs?: number[]; eventResponseTimeoutMs?: number } = {}): Promise<void> {
  ({ rx, emu, team, alice } = await startSlackWorkspace({
    now,
    eventsPath: '/slack/events',
    interactivityPath: '/slack/interactivity',
    emulator: { eventRetryDelaysMs: [0, 5, 10], eventResponseTimeoutMs: 5000, ...extra },
  }));
  general = emu.createChannel(team.id, { name: 'general', memberIds: [alice.id] });
  inst = emu.install(team.id);
}

beforeEach(async () => {
  t = T0;
  await start();
});

/**
 * Tests of Slack's response timeout need a short one, and only they: a short timeout everywhere
 * made a loaded CI machine's slow first answer count as a timeout (a flaky 'attempts: 2').
 */
async function withShortResponseTimeout(): Promise<void> {
  await stopSlackWorkspace({ emu, rx });
  await start({ eventResponseTimeoutMs: 400 });
}

afterEach(() => stopSlackWorkspace({ emu, rx }));

type Envelope = { type: string; event_id: string; team_id: string; api_app_id: string; authorizations: unknown[]; event: Record<string, unknown> };
const envelopes = (): Envelope[] => rx.requests.filter((r) => r.path === '/slack/events').map((r) => r.json() as Envelope);

describe('delivery', () => {
  it('wraps the event in Slack’s event_callback envelope, signed with the signing secret', async () => {
    const result = await emu.deliverEvent(team.id, { type: 'app_home_opened', user: alice.id, channel: 'D1', tab: 'home' });
    expect(result).toMatchObject({ ok: true, attempts: 1, reason: 'ok' });
    const req = rx.requests[0]!;
    expect(req.signatureValid).toBe(true);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-slack-retry-num']).toBeUndefined();
    expect(req.json()).toMatchObject({
      type: 'event_callback',
      team_id: team.id,
      api_app_id: 'A0TBRIDGE1',
      event_id: result.eventId,
      event_time: Math.floor(t / 1000),
      is_ext_shared_channel: false,
      token: expect.any(String),
      event_context: expect.stringMatching(/^4-/),
      authorizations: [{ enterprise_id: null, team_id: team.id, user_id: inst.botUserId, is_bot: true, is_enterprise_install: false }],
      event: { type: 'app_home_opened', user: alice.id, event_ts: expect.any(String) },
    });
    expect(result.eventId).toMatch(/^Ev[A-Z0-9]+$/);
  });

  it('retries a timeout and a 500 with X-Slack-Retry-Num and X-Slack-Retry-Reason, same event_id', async () => {
    await withShortResponseTimeout();
    rx.respond((_req, i) => (i === 0 ? 'hang' : i === 1 ? { status: 500 } : { status: 200 }));
    const result = await emu.deliverEvent(team.id, { type: 'app_mention', text: 'hi' });
    expect(result).toMatchObject({ ok: true, attempts: 3 });
    const retries = rx.requests.map((r) => [r.headers['x-slack-retry-num'], r.headers['x-slack-retry-reason']]);
    expect(retries).toEqual([
      [undefined, undefined],
      ['1', 'http_timeout'],
      ['2', 'http_error'],
    ]);
    expect(new Set(envelopes().map((e) => e.event_id)).size).toBe(1);
    expect(rx.requests.every((r) => r.signatureValid)).toBe(true);
    expect(emu.deliveries().map((d) => [d.attempt, d.retryNum, d.reason, d.status])).toEqual([
      [1, 0, 'http_timeout', null],
      [2, 1, 'http_error', 500],
      [3, 2, 'ok', 200],
    ]);
  });

  it('gives up after 3 retries, and stops at once on X-Slack-No-Retry: 1', async () => {
    rx.respond(() => ({ status: 503 }));
    expect(await emu.deliverEvent(team.id, { type: 'x' })).toMatchObject({ ok: false, attempts: 4, reason: 'http_error' });
    expect(rx.requests.at(-1)!.headers['x-slack-retry-num']).toBe('3');
    rx.respond(() => ({ status: 500, headers: { 'X-Slack-No-Retry': '1' } }));
    expect(await emu.deliverEvent(team.id, { type: 'y' })).toMatchObject({ ok: false, attempts: 1 });
  });

  it('reports connection_failed when nothing listens', async () => {
    const closed = await startTestReceiver(SECRET);
    const url = closed.url;
    await closed.close();
    emu.setEventsUrl(url);
    const result = await emu.deliverEvent(team.id, { type: 'x' });
    expect(result).toMatchObject({ ok: false, attempts: 4, reason: 'connection_failed' });
  });

  it('delivers concurrently: a slow event does not hold back the next one', async () => {
    await withShortResponseTimeout();
    await emu.close();
    await rx.close();
    await start({ eventRetryDelaysMs: [], eventResponseTimeoutMs: 300 });
    rx.respond((req) => ((req.json() as Envelope).event['type'] === 'slow' ? 'hang' : { status: 200 }));
    const slow = emu.deliverEvent(team.id, { type: 'slow' });
    const fast = await emu.deliverEvent(team.id, { type: 'fast' });
    expect(fast.ok).toBe(true);
    expect(emu.deliveries().map((d) => d.eventType)).toEqual(['fast']);
    expect((await slow).reason).toBe('http_timeout');
  });

  it('echoes url_verification only when the app returns the challenge', async () => {
    rx.respond((req) => ({ status: 200, body: JSON.stringify({ challenge: (req.json() as { challenge: string }).challenge }) }));
    expect((await emu.sendUrlVerification()).ok).toBe(true);
    rx.respond(() => ({ status: 200, body: 'nope' }));
    expect((await emu.sendUrlVerification()).ok).toBe(false);
  });
});

describe('events raised by the workspace', () => {
  it('a human message in a channel the bot is in becomes a message event; elsewhere nothing', async () => {
    emu.addToChannel(general.id, inst.botUserId);
    const quiet = emu.createChannel(team.id, { name: 'quiet', memberIds: [alice.id] });
    await emu.postAsUser({ teamId: team.id, channel: quiet.id, user: alice.id, text: 'unseen' });
    const ts = await emu.postAsUser({ teamId: team.id, channel: general.id, user: alice.id, text: 'hello' });
    const reply = await emu.postAsUser({ teamId: team.id, channel: general.id, user: alice.id, text: 'more', threadTs: ts });
    await emu.idle();
    const messages = envelopes()
      .map((e) => e.event)
      .filter((e) => e['type'] === 'message' && !e['subtype']);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatchObject({
      type: 'message',
      channel: general.id,
      user: alice.id,
      text: 'hello',
      ts,
      event_ts: ts,
      channel_type: 'channel',
      team: team.id,
      client_msg_id: expect.any(String),
      blocks: [{ type: 'rich_text' }],
    });
    expect(messages[1]).toMatchObject({ ts: reply, thread_ts: ts, parent_user_id: alice.id });
    expect(envelopes().map((e) => e.event['type'])).toContain('member_joined_channel');
  });

  it('a human writing in the app DM becomes a message event with channel_type im', async () => {
    const dm = emu.openAppDm(team.id, alice.id);
    const ts = await emu.postAsUser({ teamId: team.id, channel: dm.id, user: alice.id, text: 'hi app' });
    await emu.idle();
    expect(envelopes()[0]!.event).toMatchObject({ type: 'message', channel: dm.id, channel_type: 'im', ts, user: alice.id });
  });

  it('the app’s own posts come back as message events with bot_id, which the product must ignore', async () => {
    emu.addToChannel(general.id, inst.botUserId);
    await emu.idle();
    const before = rx.requests.length;
    const c = new WebClient(inst.botToken, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
    const posted = await c.chat.postMessage({ channel: general.id, text: 'from the bridge' });
    await emu.idle();
    const ev = rx.requests.slice(before).map((r) => (r.json() as Envelope).event)[0];
    expect(ev).toMatchObject({
      type: 'message',
      ts: posted.ts,
      bot_id: inst.botId,
      app_id: 'A0TBRIDGE1',
      user: inst.botUserId,
      bot_profile: { id: inst.botId },
    });
    expect(ev).not.toHaveProperty('client_msg_id');
  });

  it('edits and deletes become message_changed / message_deleted', async () => {
    emu.addToChannel(general.id, inst.botUserId);
    const ts = await emu.postAsUser({ teamId: team.id, channel: general.id, user: alice.id, text: 'v1' });
    await emu.editAsUser({ teamId: team.id, channel: general.id, user: alice.id, ts, text: 'v2' });
    await emu.deleteAsUser({ teamId: team.id, channel: general.id, user: alice.id, ts });
    await emu.idle();
    const subtypes = envelopes()
      .map((e) => e.event)
      .filter((e) => e['type'] === 'message')
      .map((e) => e['subtype']);
    expect(subtypes).toEqual(['channel_join', undefined, 'message_changed', 'message_deleted']);
    const changed = envelopes().find((e) => e.event['subtype'] === 'message_changed')!.event;
    expect(changed).toMatchObject({ message: { text: 'v2', edited: { user: alice.id } }, previous_message: { text: 'v1' } });
  });

  it('archiving emits channel_archive; uninstalling emits tokens_revoked and app_uninstalled', async () => {
    emu.addToChannel(general.id, inst.botUserId);
    emu.archiveChannel(general.id);
    emu.uninstall(team.id);
    await emu.idle();
    expect(envelopes().map((e) => e.event['type'])).toEqual(['member_joined_channel', 'message', 'channel_archive', 'tokens_revoked', 'app_uninstalled']);
    expect(envelopes()[3]!.event).toMatchObject({ tokens: { oauth: [], bot: [inst.botUserId] } });
  });
});

describe('interactivity', () => {
  it('posts a signed form with payload=JSON and a trigger_id that views.open accepts', async () => {
    const res = await emu.deliverInteraction(team.id, { type: 'block_actions', user: { id: alice.id }, actions: [{ action_id: 'reply' }] });
    expect(res.status).toBe(200);
    const req = rx.requests[0]!;
    expect(req.path).toBe('/slack/interactivity');
    expect(req.signatureValid).toBe(true);
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const payload = JSON.parse(new URLSearchParams(req.rawBody).get('payload')!);
    expect(payload).toMatchObject({ type: 'block_actions', team: { id: team.id, domain: 'acme' }, api_app_id: 'A0TBRIDGE1', trigger_id: expect.any(String) });
    const c = new WebClient(inst.botToken, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
    const opened = await c.views.open({ trigger_id: payload.trigger_id, view: { type: 'modal', title: { type: 'plain_text', text: 'Hi' }, blocks: [] } });
    expect(opened.ok).toBe(true);
  });
});
