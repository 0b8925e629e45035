// Slack emulator Web API, through HTTP with the real @slack/web-api WebClient: auth errors,
// scopes, and each method's happy path and main errors as Slack documents them.
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator } from '../../emulators/slack/index.ts';
import { slackErrorBody } from './emulator-test-helpers.ts';
import type { Channel, Installation, SlackEmulator, Team, User } from '../../emulators/slack/index.ts';

let t = 1_764_075_600_000;
const now = (): number => t;
let emu: SlackEmulator;
let team: Team;
let alice: User;
let general: Channel;
let inst: Installation;

function client(token: string | undefined): WebClient {
  return new WebClient(token, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
}

beforeEach(async () => {
  t = 1_764_075_600_000;
  emu = await startSlackEmulator({ signingSecret: 'sig', clientId: '1.2', clientSecret: 'sec', now });
  team = emu.createTeam({ name: 'Acme', domain: 'acme' });
  alice = emu.createUser(team.id, { name: 'alice', realName: 'Alice A', email: 'Alice@Acme.test' });
  inst = emu.install(team.id);
  // The bot is in #general from the start: no join message in its history.
  general = emu.createChannel(team.id, { name: 'general', memberIds: [alice.id, inst.botUserId] });
});

afterEach(async () => {
  await emu.close();
});

describe('authentication', () => {
  it('answers not_authed without a token, invalid_auth for an unknown one', async () => {
    expect((await slackErrorBody(client(undefined).auth.test())).error).toBe('not_authed');
    expect((await slackErrorBody(client('xoxb-nope').auth.test())).error).toBe('invalid_auth');
  });

  it('answers token_revoked after uninstall and account_inactive for a deleted workspace', async () => {
    const c = client(inst.botToken);
    expect((await c.auth.test()).user_id).toBe(inst.botUserId);
    emu.uninstall(team.id);
    expect((await slackErrorBody(c.auth.test())).error).toBe('token_revoked');
    const other = emu.createTeam({ name: 'Gone' });
    const i2 = emu.install(other.id);
    emu.deleteTeam(other.id);
    expect((await slackErrorBody(client(i2.botToken).auth.test())).error).toBe('account_inactive');
  });

  it('accepts the token as a form parameter, ignores it inside a JSON body, and warns missing_charset', async () => {
    const form = await fetch(`${emu.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${inst.botToken}`,
    });
    expect(await form.json()).toMatchObject({ ok: true, team_id: team.id });
    const jsonTok = await fetch(`${emu.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: inst.botToken }),
    });
    expect(await jsonTok.json()).toEqual({ ok: false, error: 'not_authed' });
    const bearer = await fetch(`${emu.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${inst.botToken}` },
      body: JSON.stringify({ channel: general.id, text: 'json' }),
    });
    expect(await bearer.json()).toMatchObject({ ok: true, warning: 'missing_charset', response_metadata: { warnings: ['missing_charset'] } });
  });

  it('answers unknown_method with HTTP 404 and records it', async () => {
    const res = await fetch(`${emu.apiUrl}chat.nope`, { method: 'POST', headers: { authorization: `Bearer ${inst.botToken}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false, error: 'unknown_method', req_method: 'chat.nope' });
    expect(emu.calls({ method: 'chat.nope' })[0]?.httpStatus).toBe(404);
  });

  it('answers missing_scope with needed and provided', async () => {
    const lean = emu.createTeam({ name: 'Lean' });
    const li = emu.install(lean.id, { scopes: ['channels:read'] });
    const err = await slackErrorBody(client(li.botToken).chat.postMessage({ channel: 'C123', text: 'x' }));
    expect(err).toMatchObject({ ok: false, error: 'missing_scope', needed: 'chat:write', provided: 'channels:read' });
  });
});

describe('chat.postMessage', () => {
  it('posts, records the call without the token and with blocks parsed, and stores the message', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }];
    const res = await client(inst.botToken).chat.postMessage({ channel: general.id, text: 'hi', blocks });
    expect(res).toMatchObject({ ok: true, channel: general.id, message: { text: 'hi', bot_id: inst.botId, user: inst.botUserId, app_id: 'A0TBRIDGE1' } });
    expect(res.ts).toMatch(/^\d{10}\.\d{6}$/);
    const call = emu.calls({ method: 'chat.postMessage' })[0]!;
    expect(call.params).toEqual({ channel: general.id, text: 'hi', blocks });
    expect(call.teamId).toBe(team.id);
    expect(emu.messages(general.id).map((m) => m.text)).toEqual(['hi']);
  });

  it('threads replies, keeps ts increasing, and answers thread_not_found for an unknown thread_ts', async () => {
    const c = client(inst.botToken);
    const parent = await c.chat.postMessage({ channel: general.id, text: 'parent' });
    const reply = await c.chat.postMessage({ channel: general.id, text: 'reply', thread_ts: parent.ts! });
    expect(Number(reply.ts)).toBeGreaterThan(Number(parent.ts));
    const [p, r] = emu.messages(general.id);
    expect(p).toMatchObject({ ts: parent.ts, reply_count: 1, thread_ts: parent.ts });
    expect(r).toMatchObject({ ts: reply.ts, thread_ts: parent.ts });
    expect((await slackErrorBody(c.chat.postMessage({ channel: general.id, text: 'x', thread_ts: '1700000000.000001' }))).error).toBe('thread_not_found');
  });

  it('answers channel_not_found, not_in_channel, is_archived and no_text', async () => {
    const c = client(inst.botToken);
    expect((await slackErrorBody(c.chat.postMessage({ channel: 'C0NOPE0000', text: 'x' }))).error).toBe('channel_not_found');
    const secret = emu.createChannel(team.id, { name: 'secret', isPrivate: true, memberIds: [alice.id] });
    expect((await slackErrorBody(c.chat.postMessage({ channel: secret.id, text: 'x' }))).error).toBe('channel_not_found');
    const pub = emu.createChannel(team.id, { name: 'random', memberIds: [alice.id] });
    expect((await slackErrorBody(c.chat.postMessage({ channel: pub.id, text: 'x' }))).error).toBe('not_in_channel');
    emu.archiveChannel(general.id);
    expect((await slackErrorBody(c.chat.postMessage({ channel: general.id, text: 'x' }))).error).toBe('is_archived');
    const other = emu.createChannel(team.id, { name: 'other' });
    emu.addToChannel(other.id, inst.botUserId);
    expect((await slackErrorBody(c.chat.postMessage({ channel: other.id, text: '' }))).error).toBe('no_text');
  });

  it('posts to public channels it is not in when granted chat:write.public', async () => {
    const pubTeam = emu.createTeam({ name: 'Pub' });
    const pi = emu.install(pubTeam.id, { scopes: ['chat:write', 'chat:write.public'] });
    const ch = emu.createChannel(pubTeam.id, { name: 'news' });
    expect((await client(pi.botToken).chat.postMessage({ channel: ch.id, text: 'hello' })).ok).toBe(true);
  });

  it('validates blocks: over 50, section text over 3000, header over 150, bad JSON', async () => {
    const c = client(inst.botToken);
    const many = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const tooMany = await slackErrorBody(c.chat.postMessage({ channel: general.id, text: 'x', blocks: many }));
    expect(tooMany.error).toBe('invalid_blocks');
    const longSection = await slackErrorBody(
      c.chat.postMessage({
        channel: general.id,
        text: 'x',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'a'.repeat(3001) } }],
      }),
    );
    expect(longSection).toMatchObject({
      error: 'invalid_blocks',
      response_metadata: { messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'] },
    });
    const longHeader = await slackErrorBody(
      c.chat.postMessage({
        channel: general.id,
        text: 'x',
        blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
      }),
    );
    expect(longHeader.error).toBe('invalid_blocks');
    t += 1000; // the per-channel postMessage bucket (3, refilled 1/s) is empty after three posts
    const badJson = await fetch(`${emu.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${inst.botToken}` },
      body: new URLSearchParams({ channel: general.id, text: 'x', blocks: '[{' }).toString(),
    });
    expect(((await badJson.json()) as { error: string }).error).toBe('invalid_blocks_format');
  });

  it('answers msg_too_long for text over 40,000 characters (stricter than Slack, which truncates) in postMessage, update and postEphemeral', async () => {
    const c = client(inst.botToken);
    const atLimit = await c.chat.postMessage({ channel: general.id, text: 'a'.repeat(40_000) });
    expect(atLimit.warning).toBeUndefined();
    expect(emu.messages(general.id)[0]!.text).toHaveLength(40_000);
    expect(await slackErrorBody(c.chat.postMessage({ channel: general.id, text: 'a'.repeat(40_001) }))).toMatchObject({ ok: false, error: 'msg_too_long' });
    expect(emu.messages(general.id)).toHaveLength(1);
    expect((await c.chat.update({ channel: general.id, ts: atLimit.ts!, text: 'b'.repeat(40_000) })).ok).toBe(true);
    expect((await slackErrorBody(c.chat.update({ channel: general.id, ts: atLimit.ts!, text: 'c'.repeat(40_001) }))).error).toBe('msg_too_long');
    expect(emu.messages(general.id)[0]!.text).toBe('b'.repeat(40_000));
    expect((await c.chat.postEphemeral({ channel: general.id, user: alice.id, text: 'd'.repeat(40_000) })).ok).toBe(true);
    expect((await slackErrorBody(c.chat.postEphemeral({ channel: general.id, user: alice.id, text: 'd'.repeat(40_001) }))).error).toBe('msg_too_long');
  });

  it('keeps username/icon_url only with chat:write.customize', async () => {
    const plainTeam = emu.createTeam({ name: 'Plain' });
    const pi = emu.install(plainTeam.id, { scopes: ['chat:write', 'chat:write.public'] });
    const ch = emu.createChannel(plainTeam.id, { name: 'c' });
    await client(pi.botToken).chat.postMessage({ channel: ch.id, text: 'x', username: 'Visitor', icon_url: 'https://i/x.png' });
    expect(emu.messages(ch.id)[0]!.username).toBeUndefined();
    await client(inst.botToken).chat.postMessage({ channel: general.id, text: 'x', username: 'Visitor', icon_url: 'https://i/x.png' });
    expect(emu.messages(general.id)[0]).toMatchObject({ username: 'Visitor', icon_url: 'https://i/x.png' });
  });

  it('posts to a user ID through the app DM, the same one conversations.open returns', async () => {
    const c = client(inst.botToken);
    const res = await c.chat.postMessage({ channel: alice.id, text: 'dm' });
    expect(res.channel).toMatch(/^D/);
    const opened = await c.conversations.open({ users: alice.id });
    expect(opened).toMatchObject({ ok: true, no_op: true, already_open: true, channel: { id: res.channel } });
  });
});

describe('chat.update, chat.postEphemeral, chat.getPermalink, chat.delete', () => {
  it('updates its own messages only', async () => {
    const c = client(inst.botToken);
    const posted = await c.chat.postMessage({ channel: general.id, text: 'v1' });
    const upd = await c.chat.update({ channel: general.id, ts: posted.ts!, text: 'v2' });
    expect(upd).toMatchObject({ ok: true, channel: general.id, ts: posted.ts, text: 'v2' });
    expect(emu.messages(general.id)[0]).toMatchObject({ text: 'v2', edited: { user: inst.botUserId } });
    const human = await emu.postAsUser({ teamId: team.id, channel: general.id, user: alice.id, text: 'mine' });
    expect((await slackErrorBody(c.chat.update({ channel: general.id, ts: human, text: 'x' }))).error).toBe('cant_update_message');
    expect((await slackErrorBody(c.chat.update({ channel: general.id, ts: '1.000001', text: 'x' }))).error).toBe('message_not_found');
  });

  it('sends ephemerals only to channel members', async () => {
    const c = client(inst.botToken);
    expect(await c.chat.postEphemeral({ channel: general.id, user: alice.id, text: 'psst' })).toMatchObject({ ok: true, message_ts: expect.any(String) });
    const bob = emu.createUser(team.id, { name: 'bob' });
    expect((await slackErrorBody(c.chat.postEphemeral({ channel: general.id, user: bob.id, text: 'x' }))).error).toBe('user_not_in_channel');
    expect(emu.messages(general.id)).toHaveLength(0);
  });

  it('builds permalinks, with thread_ts and cid for replies', async () => {
    const c = client(inst.botToken);
    const parent = await c.chat.postMessage({ channel: general.id, text: 'p' });
    const reply = await c.chat.postMessage({ channel: general.id, text: 'r', thread_ts: parent.ts! });
    const p1 = await c.chat.getPermalink({ channel: general.id, message_ts: parent.ts! });
    expect(p1.permalink).toBe(`https://acme.slack.com/archives/${general.id}/p${parent.ts!.replace('.', '')}`);
    const p2 = await c.chat.getPermalink({ channel: general.id, message_ts: reply.ts! });
    expect(p2.permalink).toBe(`https://acme.slack.com/archives/${general.id}/p${reply.ts!.replace('.', '')}?thread_ts=${parent.ts}&cid=${general.id}`);
    expect((await slackErrorBody(c.chat.getPermalink({ channel: general.id, message_ts: '1.000001' }))).error).toBe('message_not_found');
  });

  it('deletes its own messages', async () => {
    const c = client(inst.botToken);
    const posted = await c.chat.postMessage({ channel: general.id, text: 'bye' });
    await c.chat.delete({ channel: general.id, ts: posted.ts! });
    expect(emu.messages(general.id)).toHaveLength(0);
  });
});

describe('conversations and users', () => {
  it('conversations.info hides private channels the bot is not in and needs the type scope', async () => {
    const c = client(inst.botToken);
    expect((await c.conversations.info({ channel: general.id })).channel).toMatchObject({
      id: general.id,
      name: 'general',
      is_member: true,
      is_private: false,
    });
    const secret = emu.createChannel(team.id, { name: 'secret', isPrivate: true });
    expect((await slackErrorBody(c.conversations.info({ channel: secret.id }))).error).toBe('channel_not_found');
    emu.addToChannel(secret.id, inst.botUserId);
    expect((await c.conversations.info({ channel: secret.id })).channel?.is_private).toBe(true);
    const lean = emu.createTeam({ name: 'L' });
    const li = emu.install(lean.id, { scopes: ['channels:read'] });
    const priv = emu.createChannel(lean.id, { name: 'p', isPrivate: true });
    emu.addToChannel(priv.id, li.botUserId);
    expect(await slackErrorBody(client(li.botToken).conversations.info({ channel: priv.id }))).toMatchObject({ error: 'missing_scope', needed: 'groups:read' });
  });

  it('conversations.members lists members', async () => {
    const res = await client(inst.botToken).conversations.members({ channel: general.id });
    expect(res.members?.sort()).toEqual([alice.id, inst.botUserId].sort());
  });

  it('users.info, users.lookupByEmail (users_not_found), email only with users:read.email', async () => {
    const c = client(inst.botToken);
    expect((await c.users.info({ user: alice.id })).user).toMatchObject({ id: alice.id, real_name: 'Alice A', profile: { email: 'Alice@Acme.test' } });
    expect((await slackErrorBody(c.users.info({ user: 'U0NOPE0000' }))).error).toBe('user_not_found');
    expect((await c.users.lookupByEmail({ email: 'alice@acme.test' })).user?.id).toBe(alice.id);
    expect((await slackErrorBody(c.users.lookupByEmail({ email: 'nobody@acme.test' }))).error).toBe('users_not_found');
    const lean = emu.createTeam({ name: 'L2' });
    const li = emu.install(lean.id, { scopes: ['users:read'] });
    const u = emu.createUser(lean.id, { name: 'x', email: 'x@l.test' });
    expect((await client(li.botToken).users.info({ user: u.id })).user?.profile?.email).toBeUndefined();
  });

  it('conversations.history is limited to 15 messages a page', async () => {
    for (let i = 0; i < 20; i++) await emu.postAsUser({ teamId: team.id, channel: general.id, user: alice.id, text: `m${i}` });
    const res = await client(inst.botToken).conversations.history({ channel: general.id, limit: 100 });
    expect(res.messages).toHaveLength(15);
    expect(res.messages?.[0]?.text).toBe('m19');
    expect(res.has_more).toBe(true);
  });
});

describe('views', () => {
  const modal = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Reply' }, blocks: [] };

  it('opens a modal with a fresh trigger_id, once, within 3 seconds', async () => {
    const c = client(inst.botToken);
    const trig = emu.issueTriggerId(team.id, alice.id);
    const opened = await c.views.open({ trigger_id: trig, view: modal });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), type: 'modal', team_id: team.id });
    expect((await slackErrorBody(c.views.open({ trigger_id: trig, view: modal }))).error).toBe('exchanged_trigger_id');
    const late = emu.issueTriggerId(team.id, alice.id);
    t += 3001;
    expect((await slackErrorBody(c.views.open({ trigger_id: late, view: modal }))).error).toBe('expired_trigger_id');
    expect((await slackErrorBody(c.views.open({ trigger_id: 'nope', view: modal }))).error).toBe('invalid_trigger_id');
  });

  it('rejects views over 100 blocks or with a long title; publishes and updates with hash checks', async () => {
    const c = client(inst.botToken);
    const big = { ...modal, blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) };
    expect((await slackErrorBody(c.views.open({ trigger_id: emu.issueTriggerId(team.id, alice.id), view: big }))).error).toBe('invalid_arguments');
    const longTitle = { ...modal, title: { type: 'plain_text' as const, text: 't'.repeat(25) } };
    expect((await slackErrorBody(c.views.open({ trigger_id: emu.issueTriggerId(team.id, alice.id), view: longTitle }))).error).toBe('invalid_arguments');
    const home = await c.views.publish({ user_id: alice.id, view: { type: 'home', blocks: [{ type: 'divider' }] } });
    expect(home.view?.type).toBe('home');
    t += 1000;
    const upd = await c.views.update({ view_id: home.view!.id!, hash: home.view!.hash!, view: { type: 'home', blocks: [] } });
    expect(upd.ok).toBe(true);
    expect((await slackErrorBody(c.views.update({ view_id: home.view!.id!, hash: home.view!.hash!, view: { type: 'home', blocks: [] } }))).error).toBe(
      'hash_conflict',
    );
    expect((await slackErrorBody(c.views.update({ view_id: 'V0NOPE', view: { type: 'home', blocks: [] } }))).error).toBe('not_found');
  });
});
