// Slack emulator channel membership: conversations.join (docs.slack.dev: Tier 3, bot scope
// channels:join, public channels only), the join message and member_joined_channel a join raises,
// people adding members (addToChannel), and chat:write.public posting without joining.
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator } from '../../emulators/slack/index.ts';
import type { Channel, Installation, SlackEmulator, Team, User } from '../../emulators/slack/index.ts';
import { startTestReceiver } from '../../emulators/slack/test-receiver.ts';
import type { TestReceiver } from '../../emulators/slack/test-receiver.ts';
import { slackErrorBody, slackErrorCode } from './emulator-test-helpers.ts';

const SECRET = 'signing-secret';
const t = 1_764_075_600_000;
let emu: SlackEmulator;
let rx: TestReceiver;
let team: Team;
let alice: User;
let bob: User;
let news: Channel;
let inst: Installation;
let c: WebClient;

type Ev = Record<string, any>;
async function events(): Promise<Ev[]> {
  await emu.idle();
  return rx.requests.filter((r) => r.path === '/slack/events').map((r) => (r.json() as { event: Ev }).event);
}

function client(token: string): WebClient {
  return new WebClient(token, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
}

beforeEach(async () => {
  rx = await startTestReceiver(SECRET, () => t);
  emu = await startSlackEmulator({
    signingSecret: SECRET,
    clientId: '1.2',
    clientSecret: 'sec',
    now: () => t,
    eventsUrl: `${rx.url}/slack/events`,
    eventRetryDelaysMs: [],
    eventResponseTimeoutMs: 5000,
  });
  team = emu.createTeam({ name: 'Acme', domain: 'acme' });
  alice = emu.createUser(team.id, { name: 'alice' });
  bob = emu.createUser(team.id, { name: 'bob' });
  news = emu.createChannel(team.id, { name: 'news', memberIds: [alice.id, bob.id] });
  inst = emu.install(team.id, { scopes: ['app_mentions:read', 'channels:history', 'channels:join', 'channels:read', 'chat:write', 'groups:read', 'im:write'] });
  c = client(inst.botToken);
  await emu.idle();
  rx.requests.length = 0;
});

afterEach(async () => {
  await emu.close();
  await rx.close();
});

describe('conversations.join', () => {
  it('joins the bot to a public channel: the channel with is_member, member_joined_channel and the channel_join message', async () => {
    const res = await c.conversations.join({ channel: news.id });
    expect(res).toMatchObject({ ok: true, channel: { id: news.id, name: 'news', is_channel: true, is_private: false, is_member: true } });
    expect(res.warning).toBeUndefined();
    expect(news.members.has(inst.botUserId)).toBe(true);
    const [joined, message, ...rest] = await events();
    expect(joined).toEqual({
      type: 'member_joined_channel',
      user: inst.botUserId,
      channel: news.id,
      channel_type: 'C',
      team: team.id,
      event_ts: expect.any(String),
    });
    expect(message).toEqual({
      type: 'message',
      subtype: 'channel_join',
      user: inst.botUserId,
      text: `<@${inst.botUserId}> has joined the channel`,
      ts: expect.any(String),
      event_ts: message!['ts'],
      channel: news.id,
      channel_type: 'channel',
      team: team.id,
    });
    // The join message mentions the bot, but Slack sends no app_mention for it.
    expect(rest).toEqual([]);
    expect(emu.messages(news.id)).toMatchObject([{ subtype: 'channel_join', user: inst.botUserId, ts: message!['ts'] }]);
    expect((await c.conversations.history({ channel: news.id })).messages).toMatchObject([{ subtype: 'channel_join', user: inst.botUserId }]);

    // Now the app hears the channel.
    const ts = await emu.postAsUser({ teamId: team.id, channel: news.id, user: alice.id, text: 'hello bot' });
    expect((await events()).at(-1)).toMatchObject({ type: 'message', ts, channel: news.id, channel_type: 'channel', user: alice.id });
  });

  it('joining again answers ok with warning already_in_channel, and raises nothing', async () => {
    await c.conversations.join({ channel: news.id });
    const before = (await events()).length;
    const again = await c.conversations.join({ channel: news.id });
    expect(again).toMatchObject({
      ok: true,
      channel: { id: news.id, is_member: true },
      warning: 'already_in_channel',
      response_metadata: { warnings: ['already_in_channel'] },
    });
    expect(await events()).toHaveLength(before);
    expect(emu.messages(news.id)).toHaveLength(1);
  });

  it('answers channel_not_found for unknown channels, other workspaces and conversations the bot cannot see', async () => {
    expect(await slackErrorCode(c.conversations.join({ channel: 'C0NOPE0000' }))).toBe('channel_not_found');
    const other = emu.createTeam({ name: 'Other' });
    const elsewhere = emu.createChannel(other.id, { name: 'elsewhere' });
    expect(await slackErrorCode(c.conversations.join({ channel: elsewhere.id }))).toBe('channel_not_found');
    const secret = emu.createChannel(team.id, { name: 'secret', isPrivate: true, memberIds: [alice.id] });
    expect(await slackErrorCode(c.conversations.join({ channel: secret.id }))).toBe('channel_not_found');
    expect(secret.members.has(inst.botUserId)).toBe(false);
  });

  it('answers method_not_supported_for_channel_type for a private channel or DM the bot is in, is_archived for an archived channel', async () => {
    const mine = emu.createChannel(team.id, { name: 'mine', isPrivate: true, memberIds: [alice.id, inst.botUserId] });
    expect(await slackErrorCode(c.conversations.join({ channel: mine.id }))).toBe('method_not_supported_for_channel_type');
    const dm = emu.openAppDm(team.id, alice.id);
    expect(await slackErrorCode(c.conversations.join({ channel: dm.id }))).toBe('method_not_supported_for_channel_type');
    emu.archiveChannel(news.id);
    expect(await slackErrorCode(c.conversations.join({ channel: news.id }))).toBe('is_archived');
    expect(news.members.has(inst.botUserId)).toBe(false);
  });

  it('needs channels:join (missing_scope with needed and provided), and the standard auth errors', async () => {
    const lean = emu.createTeam({ name: 'Lean' });
    const li = emu.install(lean.id, { scopes: ['chat:write', 'channels:read'] });
    const ch = emu.createChannel(lean.id, { name: 'general' });
    expect(await slackErrorBody(client(li.botToken).conversations.join({ channel: ch.id }))).toMatchObject({
      ok: false,
      error: 'missing_scope',
      needed: 'channels:join',
      provided: 'channels:read,chat:write',
    });
    expect(ch.members.size).toBe(0);
    expect(await slackErrorCode(client('xoxb-nope').conversations.join({ channel: news.id }))).toBe('invalid_auth');
    emu.uninstall(team.id);
    expect(await slackErrorCode(c.conversations.join({ channel: news.id }))).toBe('token_revoked');
  });
});

describe('people adding members (addToChannel)', () => {
  it('raises member_joined_channel and the channel_join message with the inviter, as a join by conversations.join does', async () => {
    await c.conversations.join({ channel: news.id });
    const carol = emu.createUser(team.id, { name: 'carol' });
    await emu.idle();
    const before = (await events()).length;
    emu.addToChannel(news.id, carol.id, bob.id);
    const [joined, message] = (await events()).slice(before);
    expect(joined).toEqual({
      type: 'member_joined_channel',
      user: carol.id,
      channel: news.id,
      channel_type: 'C',
      team: team.id,
      inviter: bob.id,
      event_ts: expect.any(String),
    });
    expect(message).toMatchObject({
      type: 'message',
      subtype: 'channel_join',
      user: carol.id,
      inviter: bob.id,
      text: `<@${carol.id}> has joined the channel`,
      channel_type: 'channel',
    });
    expect(emu.messages(news.id).map((m) => m.subtype)).toEqual(['channel_join', 'channel_join']);
  });

  it('a channel the bot is not in keeps the join message in its history, but the app hears nothing', async () => {
    const carol = emu.createUser(team.id, { name: 'carol' });
    await emu.idle();
    const before = (await events()).length;
    emu.addToChannel(news.id, carol.id);
    expect(await events()).toHaveLength(before);
    expect(emu.messages(news.id)).toMatchObject([{ subtype: 'channel_join', user: carol.id }]);
    expect(emu.messages(news.id)[0]).not.toHaveProperty('inviter');
  });

  it('refuses DMs, archived channels, unknown users; over HTTP byUserId is the inviter', async () => {
    const dm = emu.openAppDm(team.id, alice.id);
    expect(() => emu.addToChannel(dm.id, bob.id)).toThrow(/DM/);
    const old = emu.createChannel(team.id, { name: 'old', isArchived: true });
    expect(() => emu.addToChannel(old.id, bob.id)).toThrow(/archived/);
    expect(() => emu.addToChannel(news.id, 'U0NOPE0000')).toThrow(/unknown user/);
    const res = await fetch(`${emu.url}/_emulator/channels/${news.id}/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: inst.botUserId, byUserId: alice.id }),
    });
    expect(await res.json()).toEqual({ ok: true });
    expect(emu.messages(news.id)).toMatchObject([{ subtype: 'channel_join', user: inst.botUserId, inviter: alice.id }]);
    const bad = await fetch(`${emu.url}/_emulator/channels/${dm.id}/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: bob.id }),
    });
    expect(bad.status).toBe(400);
  });
});

describe('chat.postMessage into a public channel the bot is not in', () => {
  it('with chat:write.public: posts, but does not join — the app hears neither its post nor the replies', async () => {
    const pub = emu.createTeam({ name: 'Pub' });
    const olga = emu.createUser(pub.id, { name: 'olga' });
    const pi = emu.install(pub.id, { scopes: ['chat:write', 'chat:write.public', 'channels:history', 'channels:read'] });
    const ch = emu.createChannel(pub.id, { name: 'town-square', memberIds: [olga.id] });
    await emu.idle();
    const before = (await events()).length;
    const pc = client(pi.botToken);
    const posted = await pc.chat.postMessage({ channel: ch.id, text: 'announcement' });
    expect(posted.ok).toBe(true);
    await emu.postAsUser({ teamId: pub.id, channel: ch.id, user: olga.id, text: 'thanks!', threadTs: posted.ts! });
    expect(await events()).toHaveLength(before);
    expect(ch.members.has(pi.botUserId)).toBe(false);
    expect((await pc.conversations.info({ channel: ch.id })).channel).toMatchObject({ is_member: false });
    expect(emu.messages(ch.id).map((m) => m.text)).toEqual(['announcement', 'thanks!']);
  });

  it('without chat:write.public: not_in_channel, and nothing is posted', async () => {
    expect(await slackErrorCode(c.chat.postMessage({ channel: news.id, text: 'hi' }))).toBe('not_in_channel');
    expect(emu.messages(news.id)).toEqual([]);
    await c.conversations.join({ channel: news.id });
    expect((await c.chat.postMessage({ channel: news.id, text: 'hi' })).ok).toBe(true);
  });
});
