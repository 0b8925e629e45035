// Slack emulator: the people a user directory follows — joining (team_join) and changing
// (user_change) — with the Events API payloads Slack documents, and users.list / users.info as
// they read afterwards.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOT_SCOPES } from '../../emulators/slack/index.ts';
import { T0 } from './emulator-test-helpers.ts';
import { alice, bob, c, client, emu, eventsOf, fresh, inst, otherInstall, team, useDirectoryWorkspace } from './slack-directory-fixture.ts';

const clock = useDirectoryWorkspace();

describe('team_join / user_change', () => {
  it('a new person raises team_join with the whole user object users.info returns', async () => {
    clock.advance(1_000);
    const carol = emu.createUser(team.id, { name: 'carol', realName: 'Carol Çelik', displayName: 'cc', email: 'carol@acme.test' });
    const [ev] = await fresh();
    const info = (await c.users.info({ user: carol.id })).user!;
    expect(ev).toEqual({ type: 'team_join', user: info, cache_ts: Math.floor(T0 / 1000) + 1, event_ts: `${Math.floor(T0 / 1000) + 1}.000000` });
    expect(info).toMatchObject({
      id: carol.id,
      team_id: team.id,
      name: 'carol',
      real_name: 'Carol Çelik',
      deleted: false,
      is_bot: false,
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
    clock.advance(3_000);
    emu.updateUser(alice.id, { realName: 'Alice Zoë Archer', displayName: 'ali', name: 'alice.a', email: 'ali@acme.test' });
    const [ev] = await fresh();
    const info = (await c.users.info({ user: alice.id })).user!;
    expect(ev).toEqual({ type: 'user_change', user: info, cache_ts: Math.floor(T0 / 1000) + 3, event_ts: `${Math.floor(T0 / 1000) + 3}.000000` });
    expect(info).toMatchObject({
      name: 'alice.a',
      real_name: 'Alice Zoë Archer',
      updated: Math.floor(T0 / 1000) + 3,
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
    expect(byId.get(bob.id)).toMatchObject({
      name: 'bob',
      real_name: 'Bob Baker',
      deleted: false,
      is_bot: false,
      profile: { display_name: 'bobby', real_name: 'Bob Baker' },
    });
    expect(byId.get(bob.id)!.profile).not.toHaveProperty('email'); // bob has none
    expect(byId.get(alice.id)).toMatchObject({ profile: { display_name: 'alice', email: 'alice@acme.test' } });
    expect(byId.get(inst.botUserId)).toMatchObject({ is_bot: true, profile: { display_name: '', bot_id: inst.botId } });
  });
});
