// Slack emulator reactions.add / reactions.remove through the real @slack/web-api WebClient:
// stored on the message as conversations.history shows it, Slack's errors, scopes, and the
// reaction_added / reaction_removed events an app subscribed with reactions:read receives.
import type { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_BOT_SCOPES } from '../../emulators/slack/index.ts';
import { slackErrorBody, startSlackWorkspace, stopSlackWorkspace, T0, webClient } from './emulator-test-helpers.ts';
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
let c: WebClient;
let ts: string;

function client(token: string): WebClient {
  return webClient(emu, token);
}

type Envelope = { type: string; event: Record<string, unknown> };
const reactionEvents = (): Record<string, unknown>[] =>
  rx.requests
    .filter((r) => r.path === '/slack/events')
    .map((r) => (r.json() as Envelope).event)
    .filter((e) => String(e['type']).startsWith('reaction_'));

beforeEach(async () => {
  t = T0;
  ({ rx, emu, team, alice } = await startSlackWorkspace({
    now,
    eventsPath: '/slack/events',
    emulator: { eventRetryDelaysMs: [0], eventResponseTimeoutMs: 500 },
  }));
  inst = emu.install(team.id);
  // The bot is in #general from the start: no join message before alice's.
  general = emu.createChannel(team.id, { name: 'general', memberIds: [alice.id, inst.botUserId] });
  c = client(inst.botToken);
  ts = await emu.postAsUser({ teamId: team.id, channel: general.id, user: alice.id, text: 'ship it?' });
});

afterEach(() => stopSlackWorkspace({ emu, rx }));

describe('reactions.add / reactions.remove', () => {
  it('adds a reaction, visible in messages() and conversations.history as {name, users, count}', async () => {
    expect(await c.reactions.add({ channel: general.id, timestamp: ts, name: 'eyes' })).toMatchObject({ ok: true });
    const expected = [{ name: 'eyes', users: [inst.botUserId], count: 1 }];
    expect(emu.messages(general.id).find((m) => m.ts === ts)?.reactions).toEqual(expected);
    const history = await c.conversations.history({ channel: general.id });
    expect(history.messages?.find((m) => m.ts === ts)?.reactions).toEqual(expected);
    await c.reactions.add({ channel: general.id, timestamp: ts, name: 'white_check_mark' });
    expect(emu.messages(general.id)[0]?.reactions?.map((r) => r.name)).toEqual(['eyes', 'white_check_mark']);
  });

  it('answers already_reacted for the same emoji twice', async () => {
    await c.reactions.add({ channel: general.id, timestamp: ts, name: 'eyes' });
    expect(await slackErrorBody(c.reactions.add({ channel: general.id, timestamp: ts, name: 'eyes' }))).toMatchObject({ ok: false, error: 'already_reacted' });
    expect(emu.messages(general.id)[0]?.reactions).toEqual([{ name: 'eyes', users: [inst.botUserId], count: 1 }]);
  });

  it('removes the reaction (the emoji disappears with its last user), then answers no_reaction', async () => {
    await c.reactions.add({ channel: general.id, timestamp: ts, name: 'eyes' });
    expect(await c.reactions.remove({ channel: general.id, timestamp: ts, name: 'eyes' })).toMatchObject({ ok: true });
    expect(emu.messages(general.id)[0]?.reactions).toBeUndefined();
    expect(await slackErrorBody(c.reactions.remove({ channel: general.id, timestamp: ts, name: 'eyes' }))).toMatchObject({ ok: false, error: 'no_reaction' });
    expect(await slackErrorBody(c.reactions.remove({ channel: general.id, timestamp: ts, name: 'tada' }))).toMatchObject({ error: 'no_reaction' });
  });

  it('answers message_not_found for an unknown or deleted ts, bad_timestamp for a malformed one', async () => {
    expect(await slackErrorBody(c.reactions.add({ channel: general.id, timestamp: '1764075600.999999', name: 'eyes' }))).toMatchObject({
      error: 'message_not_found',
    });
    expect(await slackErrorBody(c.reactions.remove({ channel: general.id, timestamp: '1764075600.999999', name: 'eyes' }))).toMatchObject({
      error: 'message_not_found',
    });
    await emu.deleteAsUser({ teamId: team.id, channel: general.id, user: alice.id, ts });
    expect(await slackErrorBody(c.reactions.add({ channel: general.id, timestamp: ts, name: 'eyes' }))).toMatchObject({ error: 'message_not_found' });
    expect(await slackErrorBody(c.reactions.add({ channel: general.id, timestamp: 'yesterday', name: 'eyes' }))).toMatchObject({ error: 'bad_timestamp' });
  });

  it('answers channel_not_found for unknown channels and private channels the bot is not in', async () => {
    const secret = emu.createChannel(team.id, { name: 'secret', isPrivate: true, memberIds: [alice.id] });
    const hidden = await emu.postAsUser({ teamId: team.id, channel: secret.id, user: alice.id, text: 'psst' });
    expect(await slackErrorBody(c.reactions.add({ channel: secret.id, timestamp: hidden, name: 'eyes' }))).toMatchObject({ error: 'channel_not_found' });
    expect(await slackErrorBody(c.reactions.add({ channel: 'C0NOPE0000', timestamp: ts, name: 'eyes' }))).toMatchObject({ error: 'channel_not_found' });
  });

  it('answers invalid_name, no_item_specified, not_reactable and is_archived', async () => {
    expect(await slackErrorBody(c.reactions.add({ channel: general.id, timestamp: ts, name: ':eyes:' }))).toMatchObject({ error: 'invalid_name' });
    expect(await slackErrorBody(c.reactions.add({ channel: general.id, timestamp: ts, name: '' }))).toMatchObject({ error: 'invalid_name' });
    expect(await slackErrorBody(c.apiCall('reactions.add', { channel: general.id, name: 'eyes' }))).toMatchObject({ error: 'no_item_specified' });
    expect(await slackErrorBody(c.apiCall('reactions.add', { file: 'F0001', name: 'eyes' }))).toMatchObject({ error: 'not_reactable' });
    expect(await c.reactions.add({ channel: general.id, timestamp: ts, name: 'thumbsup::skin-tone-6' })).toMatchObject({ ok: true });
    emu.archiveChannel(general.id);
    expect(await slackErrorBody(c.reactions.add({ channel: general.id, timestamp: ts, name: 'eyes' }))).toMatchObject({ error: 'is_archived' });
  });

  it('answers missing_scope without reactions:write; default installs have it', async () => {
    expect(DEFAULT_BOT_SCOPES).toContain('reactions:write');
    const lean = emu.createTeam({ name: 'Lean' });
    const bob = emu.createUser(lean.id, { name: 'bob' });
    const li = emu.install(lean.id, { scopes: ['chat:write', 'channels:history'] });
    const room = emu.createChannel(lean.id, { name: 'room', memberIds: [bob.id, li.botUserId] });
    const lts = await emu.postAsUser({ teamId: lean.id, channel: room.id, user: bob.id, text: 'hi' });
    const err = await slackErrorBody(client(li.botToken).reactions.add({ channel: room.id, timestamp: lts, name: 'eyes' }));
    expect(err).toMatchObject({ ok: false, error: 'missing_scope', needed: 'reactions:write', provided: 'channels:history,chat:write' });
    expect(await slackErrorBody(client(li.botToken).reactions.remove({ channel: room.id, timestamp: lts, name: 'eyes' }))).toMatchObject({
      error: 'missing_scope',
      needed: 'reactions:write',
    });
  });

  it('keeps other users’ reactions when the bot adds and removes its own', async () => {
    const other = emu.createTeam({ name: 'Other' });
    const carol = emu.createUser(other.id, { name: 'carol' });
    const oi = emu.install(other.id);
    const room = emu.createChannel(other.id, { name: 'room', memberIds: [carol.id, oi.botUserId] });
    const ots = await emu.postAsUser({ teamId: other.id, channel: room.id, user: carol.id, text: 'x' });
    await client(oi.botToken).reactions.add({ channel: room.id, timestamp: ots, name: 'eyes' });
    // The same message cannot be reached from another workspace's token.
    expect(await slackErrorBody(c.reactions.add({ channel: room.id, timestamp: ots, name: 'eyes' }))).toMatchObject({ error: 'channel_not_found' });
    const snapshot = emu.messages(room.id)[0]!;
    snapshot.reactions![0]!.users.push('U0MUTATED');
    expect(emu.messages(room.id)[0]?.reactions).toEqual([{ name: 'eyes', users: [oi.botUserId], count: 1 }]);
  });
});

describe('reaction events', () => {
  it('sends reaction_added / reaction_removed to an app subscribed with reactions:read', async () => {
    const subscribed = emu.createTeam({ name: 'Sub' });
    const dan = emu.createUser(subscribed.id, { name: 'dan' });
    const si = emu.install(subscribed.id, { scopes: ['channels:read', 'reactions:read', 'reactions:write'] });
    const room = emu.createChannel(subscribed.id, { name: 'room', memberIds: [dan.id, si.botUserId] });
    const rts = await emu.postAsUser({ teamId: subscribed.id, channel: room.id, user: dan.id, text: 'hello' });
    const sc = client(si.botToken);
    await sc.reactions.add({ channel: room.id, timestamp: rts, name: 'eyes' });
    await sc.reactions.remove({ channel: room.id, timestamp: rts, name: 'eyes' });
    await emu.idle();
    const item = { type: 'message', channel: room.id, ts: rts, channel_type: 'channel' };
    expect(reactionEvents()).toEqual([
      { type: 'reaction_added', user: si.botUserId, reaction: 'eyes', item_user: dan.id, item, event_ts: expect.stringMatching(/^\d+\.\d{6}$/) },
      { type: 'reaction_removed', user: si.botUserId, reaction: 'eyes', item_user: dan.id, item, event_ts: expect.any(String) },
    ]);
  });

  it('sends nothing without reactions:read (the default install) or for a channel the bot is not in', async () => {
    await c.reactions.add({ channel: general.id, timestamp: ts, name: 'eyes' });
    const sub = emu.createTeam({ name: 'Sub' });
    const erin = emu.createUser(sub.id, { name: 'erin' });
    const si = emu.install(sub.id, { scopes: ['reactions:read', 'reactions:write'] });
    const outside = emu.createChannel(sub.id, { name: 'outside', memberIds: [erin.id] });
    const ots = await emu.postAsUser({ teamId: sub.id, channel: outside.id, user: erin.id, text: 'not for the bot' });
    expect(await client(si.botToken).reactions.add({ channel: outside.id, timestamp: ots, name: 'eyes' })).toMatchObject({ ok: true });
    await emu.idle();
    expect(reactionEvents()).toEqual([]);
  });
});
