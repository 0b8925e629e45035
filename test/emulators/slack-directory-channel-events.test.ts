// Slack emulator: the channel changes a channel directory follows — channels created, renamed,
// archived/unarchived, deleted, members leaving — with the Events API payloads Slack documents
// for them, and conversations.list / conversations.info as they read afterwards.
import { describe, expect, it } from 'vitest';
import { T0, slackErrorCode } from './emulator-test-helpers.ts';
import { alice, bob, c, emu, EVENT_TS, eventsOf, fresh, general, inst, otherInstall, team, useDirectoryWorkspace } from './slack-directory-fixture.ts';

const clock = useDirectoryWorkspace();

describe('channel_created', () => {
  it('a new public channel raises channel_created with the channel object; conversations.list shows it', async () => {
    const ch = emu.createChannel(team.id, { name: 'deals', memberIds: [alice.id] });
    expect(await fresh()).toEqual([
      {
        type: 'channel_created',
        channel: {
          id: ch.id,
          is_channel: true,
          name: 'deals',
          name_normalized: 'deals',
          created: Math.floor(T0 / 1000),
          creator: alice.id,
          is_shared: false,
          is_org_shared: false,
          context_team_id: team.id,
          is_archived: false,
          is_frozen: false,
          is_general: false,
          is_group: false,
          is_private: false,
          is_ext_shared: false,
          is_im: false,
          is_mpim: false,
          is_pending_ext_shared: false,
        },
        event_ts: EVENT_TS,
      },
    ]);
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

describe('channel_rename / group_rename', () => {
  it('renaming a public channel raises channel_rename; info shows the new name and previous_names', async () => {
    clock.advance(5_000);
    emu.renameChannel(general.id, 'town-square');
    expect(await fresh()).toEqual([
      {
        type: 'channel_rename',
        channel: { id: general.id, name: 'town-square', name_normalized: 'town-square', created: Math.floor(T0 / 1000), is_channel: true, is_mpim: false },
        event_ts: `${Math.floor(T0 / 1000) + 5}.000000`,
      },
    ]);
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
    expect(await fresh()).toEqual([
      {
        type: 'group_rename',
        channel: { id: mine.id, name: 'mine-2', name_normalized: 'mine-2', created: mine.created, is_channel: true, is_mpim: false },
        event_ts: EVENT_TS,
      },
    ]);
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
    clock.advance(2_000);
    emu.deleteChannel(theirs.id, alice.id);
    emu.deleteChannel(mine.id, alice.id);
    expect(await fresh()).toEqual([
      {
        type: 'group_deleted',
        channel: mine.id,
        date_deleted: Math.floor(T0 / 1000) + 2,
        actor_id: alice.id,
        event_ts: `${Math.floor(T0 / 1000) + 2}.000000`,
      },
    ]);
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
    expect(await fresh()).toEqual([{ type: 'member_left_channel', user: bob.id, channel: general.id, channel_type: 'C', team: team.id, event_ts: EVENT_TS }]);
    const members = await c.conversations.members({ channel: general.id });
    expect(members.members!.sort()).toEqual([alice.id, inst.botUserId].sort());
    expect((await c.conversations.info({ channel: general.id, include_num_members: true })).channel).toMatchObject({ num_members: 2 });
  });

  it('a private channel’s member leaving raises member_left_channel with channel_type G', async () => {
    const p = emu.createChannel(team.id, { name: 'p', isPrivate: true, memberIds: [alice.id, bob.id, inst.botUserId] });
    emu.removeFromChannel(p.id, bob.id);
    expect(await fresh()).toEqual([{ type: 'member_left_channel', user: bob.id, channel: p.id, channel_type: 'G', team: team.id, event_ts: EVENT_TS }]);
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
      type: 'message',
      subtype: 'group_join',
      user: inst.botUserId,
      text: `<@${inst.botUserId}> has joined the group`,
      ts: expect.any(String),
      event_ts: joinMessage!['ts'],
      channel: p.id,
      channel_type: 'group',
      team: team.id,
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
