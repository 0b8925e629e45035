// Slack emulator interactivity builders: a person clicking a button on a bot message
// (block_actions), a message shortcut (message_action) and a global shortcut (shortcut), each
// delivered as a signed form post with the payload shape Slack documents.
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { payloadOf, slackErrorCode, startSlackWorkspace, stopSlackWorkspace, T0 } from './emulator-test-helpers.ts';
import type { Channel, Installation, SlackEmulator, Team, User } from '../../emulators/slack/index.ts';
import type { TestReceiver } from '../../emulators/slack/test-receiver.ts';

let t = T0;
const now = (): number => t;
let emu: SlackEmulator;
let rx: TestReceiver;
let team: Team;
let alice: User;
let general: Channel;
let inst: Installation;
let bot: WebClient;

const modal = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Reply' }, blocks: [] };

const BLOCKS = [
  { type: 'section', block_id: 'intro', text: { type: 'mrkdwn', text: '*New conversation* from Acme' } },
  {
    type: 'actions',
    block_id: 'conv_actions',
    elements: [
      { type: 'button', action_id: 'claim', text: { type: 'plain_text', text: 'Claim' }, value: 'conv_42', style: 'primary' },
      {
        type: 'static_select',
        action_id: 'assign',
        placeholder: { type: 'plain_text', text: 'Assign' },
        options: [{ text: { type: 'plain_text', text: 'Bob' }, value: 'bob' }],
      },
    ],
  },
  // No block_id: Slack generates one; the payload's message.blocks and actions[0].block_id agree.
  { type: 'section', text: { type: 'mrkdwn', text: 'Details' }, accessory: { type: 'button', action_id: 'open', text: { type: 'plain_text', text: 'Open' } } },
  {
    type: 'actions',
    block_id: 'more',
    elements: [{ type: 'button', action_id: 'claim', text: { type: 'plain_text', text: 'Claim all' }, value: 'all' }],
  },
];

beforeEach(async () => {
  t = T0;
  ({ rx, emu, team, alice } = await startSlackWorkspace({
    now,
    interactivityPath: '/slack/interactions',
    emulator: { eventRetryDelaysMs: [], eventResponseTimeoutMs: 500 },
    alice: { name: 'alice', realName: 'Alice A' },
  }));
  general = emu.createChannel(team.id, { name: 'general', memberIds: [alice.id] });
  inst = emu.install(team.id);
  emu.addToChannel(general.id, inst.botUserId);
  bot = new WebClient(inst.botToken, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
});

afterEach(() => stopSlackWorkspace({ emu, rx }));

async function postCard(extra: { thread_ts?: string; channel?: string } = {}): Promise<string> {
  const res = await bot.chat.postMessage({
    channel: extra.channel ?? general.id,
    text: 'New conversation from Acme',
    blocks: BLOCKS as never,
    ...(extra.thread_ts ? { thread_ts: extra.thread_ts } : {}),
  });
  return res.ts!;
}

describe('clickButton (block_actions)', () => {
  it('delivers the documented block_actions payload for a button in an actions block', async () => {
    const ts = await postCard();
    t += 2000;
    const res = await emu.clickButton({ teamId: team.id, userId: alice.id, channel: general.id, messageTs: ts, actionId: 'claim', value: 'conv_42' });
    expect(res.status).toBe(200);
    expect(rx.requests).toHaveLength(1);
    const p = payloadOf(rx.requests[0]!);
    expect(Object.keys(p).sort()).toEqual([
      'actions',
      'api_app_id',
      'channel',
      'container',
      'enterprise',
      'is_enterprise_install',
      'message',
      'response_url',
      'state',
      'team',
      'token',
      'trigger_id',
      'type',
      'user',
    ]);
    expect(p).toMatchObject({
      type: 'block_actions',
      user: { id: alice.id, username: 'alice', name: 'alice', team_id: team.id },
      api_app_id: 'A0TBRIDGE1',
      token: expect.any(String),
      container: { type: 'message', message_ts: ts, channel_id: general.id, is_ephemeral: false },
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]+$/),
      team: { id: team.id, domain: 'acme' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: general.id, name: 'general' },
      state: { values: {} },
      response_url: expect.stringMatching(new RegExp(`^${emu.url}/_emulator/response-url/`)),
    });
    expect(p['container']).not.toHaveProperty('thread_ts');
    expect(p['actions']).toEqual([
      {
        action_id: 'claim',
        block_id: 'conv_actions',
        text: { type: 'plain_text', text: 'Claim' },
        value: 'conv_42',
        type: 'button',
        action_ts: `${Math.floor(t / 1000)}.${String((t % 1000) * 1000).padStart(6, '0')}`,
      },
    ]);
    // The message as Slack shows it to the app: the bot's message with its blocks.
    expect(p['message']).toMatchObject({
      type: 'message',
      ts,
      text: 'New conversation from Acme',
      user: inst.botUserId,
      bot_id: inst.botId,
      app_id: 'A0TBRIDGE1',
      team: team.id,
      bot_profile: { id: inst.botId },
    });
    expect(p['message']).not.toHaveProperty('channel');
    expect(p['message'].blocks[1]).toEqual(BLOCKS[1]);
    expect(p['message'].blocks[2].block_id).toEqual(expect.any(String));

    const [d] = emu.deliveries();
    expect(d).toMatchObject({
      kind: 'interaction',
      eventType: 'block_actions',
      teamId: team.id,
      status: 200,
      reason: 'ok',
      url: `${rx.url}/slack/interactions`,
    });
    expect((d!.body as { trigger_id: string }).trigger_id).toBe(p['trigger_id']);
  });

  it('carries a trigger_id views.open accepts once, within 3 s', async () => {
    const ts = await postCard();
    await emu.clickButton({ teamId: team.id, userId: alice.id, channel: general.id, messageTs: ts, actionId: 'open' });
    const first = payloadOf(rx.requests[0]!)['trigger_id'] as string;
    const opened = await bot.views.open({ trigger_id: first, view: modal });
    expect(opened.ok).toBe(true);
    expect(await slackErrorCode(bot.views.open({ trigger_id: first, view: modal }))).toBe('exchanged_trigger_id');

    await emu.clickButton({ teamId: team.id, userId: alice.id, channel: general.id, messageTs: ts, actionId: 'open' });
    const second = payloadOf(rx.requests[1]!)['trigger_id'] as string;
    expect(second).not.toBe(first);
    t += 3001;
    expect(await slackErrorCode(bot.views.open({ trigger_id: second, view: modal }))).toBe('expired_trigger_id');
  });

  it('takes block_id from the holding block: a section accessory, a generated id, value picking among same action_ids', async () => {
    const ts = await postCard();
    await emu.clickButton({ teamId: team.id, userId: alice.id, channel: general.id, messageTs: ts, actionId: 'open' });
    await emu.clickButton({ teamId: team.id, userId: alice.id, channel: general.id, messageTs: ts, actionId: 'open' });
    const [a, b] = rx.requests.map(payloadOf);
    const generated = a!['message'].blocks[2].block_id as string;
    expect(a!['actions'][0]).toMatchObject({ action_id: 'open', block_id: generated, type: 'button', text: { type: 'plain_text', text: 'Open' } });
    expect(a!['actions'][0]).not.toHaveProperty('value');
    expect(b!['actions'][0].block_id).toBe(generated);

    await emu.clickButton({ teamId: team.id, userId: alice.id, channel: general.id, messageTs: ts, actionId: 'claim', value: 'all' });
    expect(payloadOf(rx.requests[2]!)['actions'][0]).toMatchObject({ block_id: 'more', value: 'all' });
    await emu.clickButton({ teamId: team.id, userId: alice.id, channel: general.id, messageTs: ts, actionId: 'claim' });
    expect(payloadOf(rx.requests[3]!)['actions'][0]).toMatchObject({ block_id: 'conv_actions', value: 'conv_42' });
  });

  it('puts thread_ts in the container and message for a message in a thread', async () => {
    const parent = await emu.postAsUser({ teamId: team.id, channel: general.id, user: alice.id, text: 'help please' });
    const ts = await postCard({ thread_ts: parent });
    await emu.clickButton({ teamId: team.id, userId: alice.id, channel: general.id, messageTs: ts, actionId: 'claim' });
    const p = payloadOf(rx.requests[0]!);
    expect(p['container']).toEqual({ type: 'message', message_ts: ts, channel_id: general.id, is_ephemeral: false, thread_ts: parent });
    expect(p['message']).toMatchObject({ ts, thread_ts: parent, parent_user_id: alice.id });
  });

  it('names a private channel "privategroup" and a DM "directmessage", as Slack does', async () => {
    const secret = emu.createChannel(team.id, { name: 'secret', isPrivate: true, memberIds: [alice.id] });
    emu.addToChannel(secret.id, inst.botUserId);
    const dm = emu.openAppDm(team.id, alice.id);
    const inSecret = await postCard({ channel: secret.id });
    const inDm = await postCard({ channel: alice.id });
    await emu.clickButton({ teamId: team.id, userId: alice.id, channel: secret.id, messageTs: inSecret, actionId: 'claim' });
    await emu.clickButton({ teamId: team.id, userId: alice.id, channel: dm.id, messageTs: inDm, actionId: 'claim' });
    expect(rx.requests.map((r) => payloadOf(r)['channel'])).toEqual([
      { id: secret.id, name: 'privategroup' },
      { id: dm.id, name: 'directmessage' },
    ]);
  });

  it('answers a response_url post and records it', async () => {
    const ts = await postCard();
    await emu.clickButton({ teamId: team.id, userId: alice.id, channel: general.id, messageTs: ts, actionId: 'claim' });
    const url = payloadOf(rx.requests[0]!)['response_url'] as string;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'Claimed', replace_original: false }),
    });
    expect(res.status).toBe(200);
    expect(emu.calls({ method: 'response_url' }).map((c) => c.params)).toEqual([{ text: 'Claimed', replace_original: false }]);
  });

  it('throws a clear error, and delivers nothing, for an unknown message, button, user or an unseen channel', async () => {
    const ts = await postCard();
    const base = { teamId: team.id, userId: alice.id, channel: general.id, messageTs: ts, actionId: 'claim' };
    await expect(emu.clickButton({ ...base, messageTs: '1.000001' })).rejects.toThrow(`no message 1.000001 in ${general.id}`);
    await expect(emu.clickButton({ ...base, actionId: 'nope' })).rejects.toThrow(/no button with action_id nope .*\(buttons: claim, open, claim\)/);
    await expect(emu.clickButton({ ...base, actionId: 'assign' })).rejects.toThrow('is a static_select, not a button');
    await expect(emu.clickButton({ ...base, value: 'other' })).rejects.toThrow('no button claim with value "other"');
    const human = await emu.postAsUser({ teamId: team.id, channel: general.id, user: alice.id, text: 'plain' });
    await expect(emu.clickButton({ ...base, messageTs: human })).rejects.toThrow('(buttons: none)');
    await expect(emu.clickButton({ ...base, userId: 'U0NOBODY00' })).rejects.toThrow(`unknown user U0NOBODY00 in ${team.id}`);

    const bob = emu.createUser(team.id, { name: 'bob' });
    const secret = emu.createChannel(team.id, { name: 'secret', isPrivate: true, memberIds: [alice.id] });
    emu.addToChannel(secret.id, inst.botUserId);
    const inSecret = await postCard({ channel: secret.id });
    await expect(emu.clickButton({ ...base, userId: bob.id, channel: secret.id, messageTs: inSecret })).rejects.toThrow(
      `user ${bob.id} cannot see channel ${secret.id}`,
    );
    // A public channel is visible to everyone in the workspace, member or not.
    expect((await emu.clickButton({ ...base, userId: bob.id })).status).toBe(200);
    expect(rx.requests).toHaveLength(1);
    expect(emu.deliveries()).toHaveLength(1);
  });
});

describe('shortcuts', () => {
  it('messageShortcut delivers the documented message_action payload', async () => {
    const ts = await emu.postAsUser({ teamId: team.id, channel: general.id, user: alice.id, text: 'please escalate this' });
    const res = await emu.messageShortcut({ teamId: team.id, userId: alice.id, channel: general.id, messageTs: ts, callbackId: 'escalate' });
    expect(res.status).toBe(200);
    const p = payloadOf(rx.requests[0]!);
    expect(Object.keys(p).sort()).toEqual([
      'action_ts',
      'api_app_id',
      'callback_id',
      'channel',
      'enterprise',
      'is_enterprise_install',
      'message',
      'message_ts',
      'response_url',
      'team',
      'token',
      'trigger_id',
      'type',
      'user',
    ]);
    expect(p).toMatchObject({
      type: 'message_action',
      callback_id: 'escalate',
      message_ts: ts,
      trigger_id: expect.any(String),
      token: expect.any(String),
      action_ts: expect.stringMatching(/^\d+\.\d{6}$/),
      team: { id: team.id, domain: 'acme' },
      user: { id: alice.id, name: 'alice', team_id: team.id },
      channel: { id: general.id, name: 'general' },
      response_url: expect.stringContaining('/_emulator/response-url/'),
      message: { type: 'message', ts, user: alice.id, text: 'please escalate this', blocks: [{ type: 'rich_text' }] },
    });
    expect(await bot.views.open({ trigger_id: p['trigger_id'], view: modal })).toMatchObject({ ok: true });
    expect(emu.deliveries()[0]).toMatchObject({ kind: 'interaction', eventType: 'message_action' });
    await expect(
      emu.messageShortcut({ teamId: team.id, userId: alice.id, channel: general.id, messageTs: '9.000009', callbackId: 'escalate' }),
    ).rejects.toThrow('no message 9.000009');
  });

  it('globalShortcut delivers the documented shortcut payload: no channel, no message, no response_url', async () => {
    const res = await emu.globalShortcut({ teamId: team.id, userId: alice.id, callbackId: 'new_conversation' });
    expect(res.status).toBe(200);
    const p = payloadOf(rx.requests[0]!);
    expect(p).toEqual({
      team: { id: team.id, domain: 'acme' },
      api_app_id: 'A0TBRIDGE1',
      token: expect.any(String),
      is_enterprise_install: false,
      enterprise: null,
      type: 'shortcut',
      action_ts: expect.stringMatching(/^\d+\.\d{6}$/),
      user: { id: alice.id, username: 'alice', team_id: team.id },
      callback_id: 'new_conversation',
      trigger_id: expect.any(String),
    });
    expect(await bot.views.open({ trigger_id: p['trigger_id'], view: modal })).toMatchObject({ ok: true });
    expect(emu.deliveries()[0]).toMatchObject({ kind: 'interaction', eventType: 'shortcut' });
  });

  it('refuses shortcuts on a workspace the app is not installed on', async () => {
    emu.uninstall(team.id);
    await expect(emu.globalShortcut({ teamId: team.id, userId: alice.id, callbackId: 'x' })).rejects.toThrow(`app is not installed on ${team.id}`);
    expect(rx.requests).toHaveLength(0);
  });
});

describe('/_emulator/ HTTP control surface', () => {
  async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${emu.url}/_emulator/interactions/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  it('clicks buttons and uses shortcuts, answering what the app answered; errors are 400 with the message', async () => {
    rx.respond(() => ({ status: 200, body: 'ack' }));
    const ts = await postCard();
    expect(await post('click-button', { teamId: team.id, userId: alice.id, channel: general.id, messageTs: ts, actionId: 'claim', value: 'all' })).toEqual({
      status: 200,
      json: { status: 200, body: 'ack' },
    });
    expect(payloadOf(rx.requests[0]!)['actions'][0]).toMatchObject({ block_id: 'more', value: 'all' });
    expect((await post('message-shortcut', { teamId: team.id, userId: alice.id, channel: general.id, messageTs: ts, callbackId: 'cb' })).status).toBe(200);
    expect((await post('global-shortcut', { teamId: team.id, userId: alice.id, callbackId: 'cb' })).status).toBe(200);
    expect(rx.requests.map((r) => payloadOf(r)['type'])).toEqual(['block_actions', 'message_action', 'shortcut']);
    expect(await post('click-button', { teamId: team.id, userId: alice.id, channel: general.id, messageTs: ts, actionId: 'gone' })).toMatchObject({
      status: 400,
      json: { ok: false, error: expect.stringContaining('no button with action_id gone') },
    });
    expect(await post('global-shortcut', { teamId: team.id, userId: alice.id })).toEqual({
      status: 400,
      json: { ok: false, error: '"callbackId" (string) is required' },
    });
  });
});
