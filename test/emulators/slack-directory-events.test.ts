// Slack emulator: the workspace changes a channel/user directory follows — channels created,
// renamed, archived/unarchived, deleted, members leaving, people joining and changing — with the
// Events API payloads Slack documents for them, and conversations.list / users.list / *.info as
// they read afterwards, over workspaces of 100,000 channels and 20,000 users.
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_BOT_SCOPES, startSlackEmulator } from '../../emulators/slack/index.ts';
import { slackErrorCode } from './emulator-test-helpers.ts';
import type { Channel, ChannelInput, Installation, SlackEmulator, Team, User } from '../../emulators/slack/index.ts';
import { startTestReceiver } from '../../emulators/slack/test-receiver.ts';
import type { TestReceiver } from '../../emulators/slack/test-receiver.ts';

const SECRET = 'signing-secret';
const T0 = 1_764_075_600_000;
let t = T0;
const now = (): number => t;
const EVENT_TS = `${Math.floor(T0 / 1000)}.000000`;
let emu: SlackEmulator;
let rx: TestReceiver;
let team: Team;
let alice: User;
let bob: User;
let general: Channel;
let inst: Installation;
let c: WebClient;

type Ev = Record<string, any>;
type Envelope = { type: string; team_id: string; event: Ev };

/** Inner events the app received, in arrival order, after settling deliveries. */
async function received(): Promise<Ev[]> {
  await emu.idle();
  return rx.requests.filter((r) => r.path === '/slack/events').map((r) => (r.json() as Envelope).event);
}

/** Events received since the last call. */
let seen = 0;
async function fresh(): Promise<Ev[]> {
  const all = await received();
  const out = all.slice(seen);
  seen = all.length;
  return out;
}

function client(token: string): WebClient {
  return new WebClient(token, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
}

/** A second workspace installed with `scopes`, its own receiver-visible events filtered by team. */
function otherInstall(scopes: string[]): { team: Team; inst: Installation; user: User } {
  const tm = emu.createTeam({ name: `Other ${Math.random()}` });
  const user = emu.createUser(tm.id, { name: 'olga' });
  return { team: tm, inst: emu.install(tm.id, { scopes }), user };
}

async function eventsOf(teamId: string): Promise<Ev[]> {
  await emu.idle();
  return rx.requests.filter((r) => r.path === '/slack/events').map((r) => r.json() as Envelope)
    .filter((e) => e.team_id === teamId).map((e) => e.event);
}

beforeEach(async () => {
  t = T0;
  seen = 0;
  rx = await startTestReceiver(SECRET, now);
  emu = await startSlackEmulator({
    signingSecret: SECRET, clientId: '1.2', clientSecret: 'sec', now,
    eventsUrl: `${rx.url}/slack/events`, eventRetryDelaysMs: [], eventResponseTimeoutMs: 5000,
  });
  team = emu.createTeam({ name: 'Acme', domain: 'acme' });
  alice = emu.createUser(team.id, { name: 'alice', realName: 'Alice Archer', email: 'alice@acme.test' });
  bob = emu.createUser(team.id, { name: 'bob', realName: 'Bob Baker', displayName: 'bobby' });
  general = emu.createChannel(team.id, { name: 'general', memberIds: [alice.id, bob.id] });
  inst = emu.install(team.id);
  c = client(inst.botToken);
});

afterEach(async () => {
  await emu.close();
  await rx.close();
});

describe('channel_created', () => {
  it('a new public channel raises channel_created with the channel object; conversations.list shows it', async () => {
    const ch = emu.createChannel(team.id, { name: 'deals', memberIds: [alice.id] });
    expect(await fresh()).toEqual([{
      type: 'channel_created',
      channel: {
        id: ch.id, is_channel: true, name: 'deals', name_normalized: 'deals', created: Math.floor(T0 / 1000),
        creator: alice.id, is_shared: false, is_org_shared: false, context_team_id: team.id, is_archived: false,
        is_frozen: false, is_general: false, is_group: false, is_private: false, is_ext_shared: false, is_im: false,
        is_mpim: false, is_pending_ext_shared: false,
      },
      event_ts: EVENT_TS,
    }]);
    const listed = (await c.conversations.list({ limit: 100 })).channels!.find((x) => x.id === ch.id);
    expect(listed).toMatchObject({ id: ch.id, name: 'deals', is_member: false, is_private: false, is_archived: false, num_members: 1 });
  });

  it('creatorId names the creator; a private channel raises nothing; an install without channels:read hears nothing', async () => {
    const ch = emu.createChannel(team.id, { name: 'by-bob', creatorId: bob.id });
    emu.createChannel(team.id, { name: 'hush', isPrivate: true, memberIds: [alice.id] });
    expect((await fresh()).map((e) => [e['type'], e['channel']?.['id'], e['channel']?.['creator']])).toEqual([['channel_created', ch.id, bob.id]]);
    const other = otherInstall(['chat:write']);
    emu.createChannel(other.team.id, { name: 'unseen' });
    expect(await eventsOf(other.team.id)).toEqual([]);
  });

  it('checks Slack’s name rules and uniqueness at creation', () => {
    expect(() => emu.createChannel(team.id, { name: 'General' })).toThrow(/lowercase.*invalid_name_specials/);
    expect(() => emu.createChannel(team.id, { name: 'general' })).toThrow(/taken.*name_taken/);
    expect(() => emu.createChannel(team.id, { name: 'x'.repeat(81) })).toThrow(/invalid_name_maxlength/);
    expect(() => emu.createChannel(team.id, { name: '' })).toThrow(/invalid_name_required/);
    expect(() => emu.createChannel(team.id, { name: '--' })).toThrow(/invalid_name_punctuation/);
    expect(() => emu.createChannel(team.id, { name: 'has space' })).toThrow(/invalid_name_specials/);
    expect(emu.createChannel(team.id, { name: 'x'.repeat(80) }).name).toHaveLength(80);
    expect(emu.createChannel(team.id, { name: 'ünïcode_日本-2' }).name).toBe('ünïcode_日本-2');
    // Another workspace may use the same name.
    expect(emu.createChannel(emu.createTeam({ name: 'B' }).id, { name: 'general' }).name).toBe('general');
  });
});

describe('seedChannels / seedUsers', () => {
  it('create silently, all or nothing, and list like any other', async () => {
    const seeded = emu.seedChannels(team.id, [
      { name: 'old-a', memberIds: [alice.id] },
      { name: 'old-b', isPrivate: true, memberIds: [alice.id, inst.botUserId] },
      { name: 'old-c', isArchived: true, created: 1_600_000_000 },
    ]);
    const people = emu.seedUsers(team.id, [{ name: 'carol', email: 'carol@acme.test' }, { name: 'dan', isBot: true }]);
    expect(await fresh()).toEqual([]);
    const res = await c.conversations.list({ types: 'public_channel,private_channel', limit: 1000 });
    expect(res.channels!.map((x) => x.name).sort()).toEqual(['general', 'old-a', 'old-b', 'old-c']);
    expect(res.channels!.find((x) => x.id === seeded[2]!.id)).toMatchObject({ is_archived: true, created: 1_600_000_000, creator: '' });
    expect(res.channels!.find((x) => x.id === seeded[1]!.id)).toMatchObject({ is_private: true, is_member: true, num_members: 2 });
    const users = (await c.users.list({})).members!;
    expect(users.map((u) => u.id)).toEqual(expect.arrayContaining(people.map((u) => u.id)));

    expect(() => emu.seedChannels(team.id, [{ name: 'fine' }, { name: 'fine' }])).toThrow(/seedChannels\[1\].*taken/);
    expect(() => emu.seedChannels(team.id, [{ name: 'fine-too' }, { name: 'Bad' }])).toThrow(/seedChannels\[1\]/);
    expect(() => emu.seedChannels(team.id, [{ name: 'fine-3' }, { name: 'old-a' }])).toThrow(/taken/);
    expect(() => emu.seedUsers(team.id, [{ name: 'ok' }, { name: '' }])).toThrow(/seedUsers\[1\]/);
    const after = await c.conversations.list({ limit: 1000 });
    expect(after.channels!.map((x) => x.name)).not.toContain('fine');
    expect(after.channels!.map((x) => x.name)).not.toContain('fine-3');
  });
});

describe('channel_rename / group_rename', () => {
  it('renaming a public channel raises channel_rename; info shows the new name and previous_names', async () => {
    t += 5_000;
    emu.renameChannel(general.id, 'town-square');
    expect(await fresh()).toEqual([{
      type: 'channel_rename',
      channel: { id: general.id, name: 'town-square', name_normalized: 'town-square', created: Math.floor(T0 / 1000), is_channel: true, is_mpim: false },
      event_ts: `${Math.floor(T0 / 1000) + 5}.000000`,
    }]);
    const info = (await c.conversations.info({ channel: general.id })).channel!;
    expect(info).toMatchObject({ name: 'town-square', name_normalized: 'town-square', previous_names: ['general'], updated: T0 + 5_000 });
    // The old name is free again, the new one taken.
    expect(emu.createChannel(team.id, { name: 'general' }).name).toBe('general');
    expect(() => emu.renameChannel(general.id, 'general')).toThrow(/taken/);
  });

  it('a private channel raises group_rename only when the bot is a member', async () => {
    const mine = emu.createChannel(team.id, { name: 'mine', isPrivate: true, memberIds: [alice.id, inst.botUserId] });
    const theirs = emu.createChannel(team.id, { name: 'theirs', isPrivate: true, memberIds: [alice.id] });
    emu.renameChannel(theirs.id, 'theirs-2');
    emu.renameChannel(mine.id, 'mine-2');
    expect(await fresh()).toEqual([{
      type: 'group_rename',
      channel: { id: mine.id, name: 'mine-2', name_normalized: 'mine-2', created: mine.created, is_channel: true, is_mpim: false },
      event_ts: EVENT_TS,
    }]);
  });

  it('rejects names Slack rejects, with the error Slack answers; renaming to the same name is a no-op', async () => {
    expect(() => emu.renameChannel(general.id, 'Town')).toThrow(/invalid_name_specials/);
    expect(() => emu.renameChannel(general.id, 'a'.repeat(81))).toThrow(/invalid_name_maxlength/);
    expect(() => emu.renameChannel(general.id, 'dot.ted')).toThrow(/invalid_name_specials/);
    expect(() => emu.renameChannel(general.id, '_')).toThrow(/invalid_name_punctuation/);
    expect(() => emu.renameChannel('CNOPE1234', 'x')).toThrow(/unknown channel/);
    emu.renameChannel(general.id, 'general');
    expect(await fresh()).toEqual([]);
  });
});

describe('channel_unarchive / group_unarchive', () => {
  it('mirror archiving: channel_unarchive {channel, user}; exclude_archived follows', async () => {
    emu.archiveChannel(general.id, alice.id);
    expect((await c.conversations.list({ exclude_archived: true, limit: 100 })).channels!.map((x) => x.id)).not.toContain(general.id);
    emu.unarchiveChannel(general.id, bob.id);
    emu.unarchiveChannel(general.id, bob.id); // already unarchived: nothing
    expect(await fresh()).toEqual([
      { type: 'channel_archive', channel: general.id, user: alice.id, event_ts: EVENT_TS },
      { type: 'channel_unarchive', channel: general.id, user: bob.id, event_ts: EVENT_TS },
    ]);
    expect((await c.conversations.list({ exclude_archived: true, limit: 100 })).channels!.map((x) => x.id)).toContain(general.id);
  });

  it('a private channel the bot is in raises group_unarchive {channel, actor_id}; one it is not in, nothing', async () => {
    const mine = emu.createChannel(team.id, { name: 'mine', isPrivate: true, isArchived: true, memberIds: [alice.id, inst.botUserId] });
    const theirs = emu.createChannel(team.id, { name: 'theirs', isPrivate: true, isArchived: true, memberIds: [alice.id] });
    emu.unarchiveChannel(theirs.id, alice.id);
    emu.unarchiveChannel(mine.id, alice.id);
    expect(await fresh()).toEqual([{ type: 'group_unarchive', channel: mine.id, actor_id: alice.id, event_ts: EVENT_TS }]);
    expect((await c.conversations.info({ channel: mine.id })).channel).toMatchObject({ is_archived: false });
  });
});

describe('channel_deleted / group_deleted', () => {
  it('deleting a public channel raises channel_deleted; then it is gone from list and info', async () => {
    const doomed = emu.createChannel(team.id, { name: 'doomed', memberIds: [alice.id] });
    await fresh();
    emu.deleteChannel(doomed.id, alice.id);
    expect(await fresh()).toEqual([{ type: 'channel_deleted', channel: doomed.id, event_ts: EVENT_TS }]);
    expect(await slackErrorCode(c.conversations.info({ channel: doomed.id }))).toBe('channel_not_found');
    expect((await c.conversations.list({ limit: 100 })).channels!.map((x) => x.id)).toEqual([general.id]);
    expect(emu.messages(doomed.id)).toEqual([]);
    expect(() => emu.deleteChannel(doomed.id)).toThrow(/unknown channel/);
    expect(emu.createChannel(team.id, { name: 'doomed' }).id).not.toBe(doomed.id); // the name is free
  });

  it('a private channel raises group_deleted {channel, date_deleted, actor_id} only to a member bot', async () => {
    const mine = emu.createChannel(team.id, { name: 'mine', isPrivate: true, memberIds: [alice.id, inst.botUserId] });
    const theirs = emu.createChannel(team.id, { name: 'theirs', isPrivate: true, memberIds: [alice.id] });
    t += 2_000;
    emu.deleteChannel(theirs.id, alice.id);
    emu.deleteChannel(mine.id, alice.id);
    expect(await fresh()).toEqual([{
      type: 'group_deleted', channel: mine.id, date_deleted: Math.floor(T0 / 1000) + 2, actor_id: alice.id,
      event_ts: `${Math.floor(T0 / 1000) + 2}.000000`,
    }]);
    expect(await slackErrorCode(c.conversations.info({ channel: mine.id }))).toBe('channel_not_found');
    expect((await c.conversations.list({ types: 'private_channel', limit: 100 })).channels).toEqual([]);
  });

  it('refuses to rename, unarchive, delete or remove members from a DM', () => {
    const dm = emu.openAppDm(team.id, alice.id);
    expect(() => emu.deleteChannel(dm.id)).toThrow(/DM/);
    expect(() => emu.renameChannel(dm.id, 'x')).toThrow(/DM/);
    expect(() => emu.unarchiveChannel(dm.id)).toThrow(/DM/);
    expect(() => emu.removeFromChannel(dm.id, alice.id)).toThrow(/DM/);
  });
});

describe('member_left_channel / channel_left / group_left', () => {
  it('a member leaving a channel the bot is in raises member_left_channel; elsewhere nothing', async () => {
    emu.addToChannel(general.id, inst.botUserId);
    const quiet = emu.createChannel(team.id, { name: 'quiet', memberIds: [alice.id, bob.id] });
    await fresh();
    emu.removeFromChannel(quiet.id, bob.id);
    emu.removeFromChannel(general.id, bob.id, alice.id);
    emu.removeFromChannel(general.id, bob.id); // not a member any more: nothing
    expect(await fresh()).toEqual([
      { type: 'member_left_channel', user: bob.id, channel: general.id, channel_type: 'C', team: team.id, event_ts: EVENT_TS },
    ]);
    const members = await c.conversations.members({ channel: general.id });
    expect(members.members!.sort()).toEqual([alice.id, inst.botUserId].sort());
    expect((await c.conversations.info({ channel: general.id, include_num_members: true })).channel).toMatchObject({ num_members: 2 });
  });

  it('a private channel’s member leaving raises member_left_channel with channel_type G', async () => {
    const p = emu.createChannel(team.id, { name: 'p', isPrivate: true, memberIds: [alice.id, bob.id, inst.botUserId] });
    emu.removeFromChannel(p.id, bob.id);
    expect(await fresh()).toEqual([
      { type: 'member_left_channel', user: bob.id, channel: p.id, channel_type: 'G', team: team.id, event_ts: EVENT_TS },
    ]);
  });

  it('removing the app’s bot user raises channel_left {channel, actor_id}, not member_left_channel', async () => {
    emu.addToChannel(general.id, inst.botUserId);
    await fresh();
    emu.removeFromChannel(general.id, inst.botUserId, alice.id);
    emu.removeFromChannel(general.id, alice.id); // the bot is gone: it hears no more members leave
    expect(await fresh()).toEqual([{ type: 'channel_left', channel: general.id, actor_id: alice.id, event_ts: EVENT_TS }]);
    const listed = (await c.conversations.list({ limit: 100 })).channels!.find((x) => x.id === general.id);
    expect(listed).toMatchObject({ is_member: false });
  });

  it('a private channel: added → member_joined_channel and listed with is_member; removed → group_left and gone', async () => {
    const p = emu.createChannel(team.id, { name: 'secret', isPrivate: true, memberIds: [alice.id] });
    expect(await fresh()).toEqual([]);
    expect((await c.conversations.list({ types: 'private_channel', limit: 100 })).channels).toEqual([]);
    emu.addToChannel(p.id, inst.botUserId);
    const [joined, joinMessage, ...rest] = await fresh();
    expect(joined).toEqual({ type: 'member_joined_channel', user: inst.botUserId, channel: p.id, channel_type: 'G', team: team.id, event_ts: EVENT_TS });
    // A private channel's join message is the documented group_join ("has joined the group").
    expect(joinMessage).toEqual({
      type: 'message', subtype: 'group_join', user: inst.botUserId, text: `<@${inst.botUserId}> has joined the group`,
      ts: expect.any(String), event_ts: joinMessage!['ts'], channel: p.id, channel_type: 'group', team: team.id,
    });
    expect(rest).toEqual([]);
    const listed = (await c.conversations.list({ types: 'public_channel,private_channel', limit: 100 })).channels!;
    const entry = listed.find((x) => x.id === p.id);
    expect(entry).toMatchObject({ id: p.id, name: 'secret', is_private: true, is_member: true, is_archived: false, num_members: 2 });
    const info = (await c.conversations.info({ channel: p.id, include_num_members: true })).channel;
    expect(info).toEqual(entry);

    emu.removeFromChannel(p.id, inst.botUserId);
    expect(await fresh()).toEqual([{ type: 'group_left', channel: p.id, event_ts: EVENT_TS }]);
    expect((await c.conversations.list({ types: 'private_channel', limit: 100 })).channels).toEqual([]);
    expect(await slackErrorCode(c.conversations.info({ channel: p.id }))).toBe('channel_not_found');
  });

  it('needs the read scope of the channel type', async () => {
    const o = otherInstall(['channels:read']);
    const p = emu.createChannel(o.team.id, { name: 'p', isPrivate: true, memberIds: [o.user.id, o.inst.botUserId] });
    emu.removeFromChannel(p.id, o.inst.botUserId);
    expect((await eventsOf(o.team.id)).map((e) => e['type'])).toEqual([]);
  });
});

describe('team_join / user_change', () => {
  it('a new person raises team_join with the whole user object users.info returns', async () => {
    t += 1_000;
    const carol = emu.createUser(team.id, { name: 'carol', realName: 'Carol Çelik', displayName: 'cc', email: 'carol@acme.test' });
    const [ev] = await fresh();
    const info = (await c.users.info({ user: carol.id })).user!;
    expect(ev).toEqual({ type: 'team_join', user: info, cache_ts: Math.floor(T0 / 1000) + 1, event_ts: `${Math.floor(T0 / 1000) + 1}.000000` });
    expect(info).toMatchObject({
      id: carol.id, team_id: team.id, name: 'carol', real_name: 'Carol Çelik', deleted: false, is_bot: false,
      profile: { real_name: 'Carol Çelik', real_name_normalized: 'Carol Celik', display_name: 'cc', display_name_normalized: 'cc', email: 'carol@acme.test' },
    });
  });

  it('shows profile.email only to an install holding users:read.email; without users:read, no event', async () => {
    const lean = otherInstall(DEFAULT_BOT_SCOPES.filter((s) => s !== 'users:read.email'));
    const u = emu.createUser(lean.team.id, { name: 'eve', email: 'eve@other.test' });
    const [ev] = await eventsOf(lean.team.id);
    expect(ev).toMatchObject({ type: 'team_join', user: { id: u.id, name: 'eve' } });
    expect(ev!['user']['profile']).not.toHaveProperty('email');
    const info = (await client(lean.inst.botToken).users.info({ user: u.id })).user!;
    expect(info.profile).not.toHaveProperty('email');
    expect(ev!['user']).toEqual(info);

    const blind = otherInstall(['chat:write']);
    emu.createUser(blind.team.id, { name: 'fay' });
    expect(await eventsOf(blind.team.id)).toEqual([]);
  });

  it('updateUser raises user_change with the whole updated user; users.list and info agree', async () => {
    t += 3_000;
    emu.updateUser(alice.id, { realName: 'Alice Zoë Archer', displayName: 'ali', name: 'alice.a', email: 'ali@acme.test' });
    const [ev] = await fresh();
    const info = (await c.users.info({ user: alice.id })).user!;
    expect(ev).toEqual({ type: 'user_change', user: info, cache_ts: Math.floor(T0 / 1000) + 3, event_ts: `${Math.floor(T0 / 1000) + 3}.000000` });
    expect(info).toMatchObject({
      name: 'alice.a', real_name: 'Alice Zoë Archer', updated: Math.floor(T0 / 1000) + 3,
      profile: { real_name: 'Alice Zoë Archer', real_name_normalized: 'Alice Zoe Archer', display_name: 'ali', email: 'ali@acme.test' },
    });
    const listed = (await c.users.list({})).members!.find((m) => m.id === alice.id);
    expect(listed).toEqual(info);
  });

  it('deactivating raises user_change with deleted: true; the user stays listed; an empty change raises nothing', async () => {
    emu.updateUser(bob.id, { deleted: true });
    emu.updateUser(bob.id, { deleted: true, displayName: 'bobby' });
    const events = await fresh();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'user_change', user: { id: bob.id, deleted: true, profile: { display_name: 'bobby' } } });
    expect((await c.users.list({})).members!.find((m) => m.id === bob.id)).toMatchObject({ deleted: true });
    expect(() => emu.updateUser('UNOPE12345', { name: 'x' })).toThrow(/unknown user/);
    expect(() => emu.updateUser(bob.id, { name: '' })).toThrow(/non-empty/);
  });

  it('users.list/info carry name, real_name, deleted, is_bot and profile.display_name/real_name', async () => {
    const members = (await c.users.list({})).members!;
    const byId = new Map(members.map((m) => [m.id, m]));
    expect(byId.get(bob.id)).toMatchObject({ name: 'bob', real_name: 'Bob Baker', deleted: false, is_bot: false, profile: { display_name: 'bobby', real_name: 'Bob Baker' } });
    expect(byId.get(bob.id)!.profile).not.toHaveProperty('email'); // bob has none
    expect(byId.get(alice.id)).toMatchObject({ profile: { display_name: 'alice', email: 'alice@acme.test' } });
    expect(byId.get(inst.botUserId)).toMatchObject({ is_bot: true, profile: { display_name: '', bot_id: inst.botId } });
  });
});

describe('conversations.list over a large workspace', () => {
  it('walks 3,500 channels of mixed types with cursors, limit 1000, merged by id', async () => {
    const inputs: ChannelInput[] = [];
    for (let i = 0; i < 3500; i++) {
      inputs.push({ name: `c-${i}`, isPrivate: i % 5 === 0, isArchived: i % 7 === 0, memberIds: i % 10 === 0 ? [inst.botUserId] : [alice.id] });
    }
    const seeded = emu.seedChannels(team.id, inputs);
    const visible = new Set([general.id, ...seeded.filter((s) => !s.isPrivate || s.members.has(inst.botUserId)).map((s) => s.id)]);
    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const page = await c.conversations.list({ types: 'public_channel,private_channel', limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const ch of page.channels!) {
        expect(ch).toEqual(expect.objectContaining({ id: expect.any(String), name: expect.any(String), is_member: expect.any(Boolean), is_private: expect.any(Boolean), is_archived: expect.any(Boolean), num_members: expect.any(Number) }));
      }
      seen.push(...page.channels!.map((x) => x.id!));
      cursor = page.response_metadata?.next_cursor ?? '';
      pages++;
      t += 3_000;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toEqual([...visible].sort());
    const unarchived = await c.conversations.list({ types: 'public_channel', exclude_archived: true, limit: 1000 });
    expect(unarchived.channels!.every((x) => !x.is_archived && !x.is_private)).toBe(true);
    expect(await slackErrorCode(c.conversations.list({ limit: 1001 }))).toBe('invalid_limit');
    expect(await slackErrorCode(c.conversations.list({}))).toBe('limit_required');
  });

  it('a channel created between pages lands in id order; a deleted one is skipped', async () => {
    const seeded = emu.seedChannels(team.id, Array.from({ length: 50 }, (_, i) => ({ name: `s-${i}` })));
    const first = await c.conversations.list({ limit: 20 });
    const last = first.channels!.at(-1)!.id!;
    const all = [general.id, ...seeded.map((s) => s.id)].sort();
    const later = all.filter((id) => id > last);
    emu.deleteChannel(later[0]!);
    const added = emu.createChannel(team.id, { name: 'late', id: 'CZZZZZZZZZZ' });
    const rest: string[] = [];
    let cursor = first.response_metadata!.next_cursor!;
    while (cursor) {
      const page = await c.conversations.list({ limit: 20, cursor });
      rest.push(...page.channels!.map((x) => x.id!));
      cursor = page.response_metadata?.next_cursor ?? '';
    }
    expect(rest).toEqual([...later.slice(1), added.id]);
  });

  it('serves a page of 100,000 channels in milliseconds, and of 20,000 users', async () => {
    const inputs: ChannelInput[] = [];
    for (let i = 0; i < 100_000; i++) inputs.push({ name: `ch-${i}`, memberIds: [alice.id] });
    let start = performance.now();
    emu.seedChannels(team.id, inputs);
    const seedMs = performance.now() - start;
    emu.seedUsers(team.id, Array.from({ length: 20_000 }, (_, i) => ({ name: `user-${i}`, email: `u${i}@acme.test` })));

    const timed = async (fn: () => Promise<unknown>): Promise<number> => {
      const s = performance.now();
      await fn();
      return performance.now() - s;
    };
    // The first read sorts the seeded ids once; later pages are binary searches.
    await c.conversations.list({ limit: 1000 });
    await c.users.list({ limit: 1000 });
    const page = await c.conversations.list({ limit: 1000 });
    const cursor = page.response_metadata!.next_cursor!;
    const channelMs: number[] = [];
    const userMs: number[] = [];
    for (let i = 0; i < 8; i++) {
      emu.resetRateLimits();
      channelMs.push(await timed(() => c.conversations.list({ limit: 200, cursor })));
      userMs.push(await timed(() => c.users.list({ limit: 200 })));
    }
    // A new channel after the seed is one binary-search insert, not a re-sort.
    start = performance.now();
    emu.createChannel(team.id, { name: 'one-more' });
    const insertMs = performance.now() - start;
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Whole HTTP round trips (parse, page, JSON) — generous bounds so a loaded CI machine passes.
    expect(seedMs).toBeLessThan(5_000);
    expect(median(channelMs)).toBeLessThan(50);
    expect(median(userMs)).toBeLessThan(50);
    expect(insertMs).toBeLessThan(20);
  });
});

describe('control routes', () => {
  async function post(path: string, body: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(`${emu.url}/_emulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  }

  it('seed, rename, remove a member, archive/unarchive, delete and update users over HTTP', async () => {
    emu.addToChannel(general.id, inst.botUserId);
    await fresh();
    const seeded = await post('seed/channels', { teamId: team.id, channels: [{ name: 'h-1' }, { name: 'h-2', isPrivate: true, memberIds: [inst.botUserId] }] });
    expect(seeded).toMatchObject({ status: 200, json: { ok: true, ids: [expect.stringMatching(/^C/), expect.stringMatching(/^C/)] } });
    const [h1, h2] = seeded.json.ids as string[];
    const users = await post('seed/users', { teamId: team.id, users: [{ name: 'hal', displayName: 'H' }] });
    expect(users.json).toMatchObject({ ok: true, ids: [expect.stringMatching(/^U/)] });
    expect(await fresh()).toEqual([]);

    const created = await post('channels', { teamId: team.id, name: 'h-3', memberIds: [alice.id] });
    expect(created.json).toMatchObject({ name: 'h-3', members: [alice.id] });
    expect((await post(`channels/${h1}/rename`, { name: 'h-one' })).json).toEqual({ ok: true });
    expect((await post(`channels/${general.id}/members/remove`, { userId: bob.id, byUserId: alice.id })).json).toEqual({ ok: true });
    expect((await post(`channels/${h2}/archive`, { byUserId: alice.id })).json).toEqual({ ok: true });
    expect((await post(`channels/${h2}/unarchive`, { byUserId: alice.id })).json).toEqual({ ok: true });
    expect((await post(`channels/${h2}/delete`, {})).json).toEqual({ ok: true });
    expect((await post(`users/${bob.id}/update`, { displayName: 'robert' })).json).toMatchObject({ id: bob.id, displayName: 'robert' });
    expect((await received()).slice(seen).map((e) => e['type']).sort()).toEqual([
      'channel_created', 'channel_rename', 'group_archive', 'group_deleted', 'group_unarchive', 'member_left_channel', 'user_change',
    ]);

    expect(await post(`channels/${h1}/rename`, { name: 'Nope' })).toMatchObject({ status: 400, json: { ok: false, error: expect.stringMatching(/invalid_name_specials/) } });
    expect(await post('seed/channels', { teamId: team.id })).toMatchObject({ status: 400, json: { error: '"channels" (array) is required' } });
  });
});
