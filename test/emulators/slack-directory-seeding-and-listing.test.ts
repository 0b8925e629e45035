// Slack emulator: a workspace seeded silently (seedChannels / seedUsers), conversations.list /
// users.list over workspaces of 100,000 channels and 20,000 users, and the /_emulator/ control
// routes that seed and change the directory over HTTP; workspace(teamId), the sandbox console's list of them.
import { describe, expect, it } from 'vitest';
import type { ChannelInput } from '../../emulators/slack/index.ts';
import { slackErrorCode } from './emulator-test-helpers.ts';
import { alice, bob, c, emu, fresh, general, inst, otherInstall, received, seen, team, useDirectoryWorkspace } from './slack-directory-fixture.ts';

const clock = useDirectoryWorkspace();

describe('seedChannels / seedUsers', () => {
  it('create silently, all or nothing, and list like any other', async () => {
    const seeded = emu.seedChannels(team.id, [
      { name: 'old-a', memberIds: [alice.id] },
      { name: 'old-b', isPrivate: true, memberIds: [alice.id, inst.botUserId] },
      { name: 'old-c', isArchived: true, created: 1_600_000_000 },
    ]);
    const people = emu.seedUsers(team.id, [
      { name: 'carol', email: 'carol@acme.test' },
      { name: 'dan', isBot: true },
    ]);
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

describe('workspace(teamId)', () => {
  it("lists the workspace's people, bots included, and its channels and DMs, as copies, and nothing of another workspace", () => {
    const other = otherInstall(['channels:read']);
    const dm = emu.openAppDm(team.id, alice.id);
    const listed = emu.workspace(team.id);
    expect(listed.users.map((u) => u.id)).toEqual(expect.arrayContaining([alice.id, bob.id, inst.botUserId]));
    expect(listed.users.map((u) => u.id)).not.toContain(other.user.id);
    expect(listed.channels.map((ch) => ch.id)).toEqual(expect.arrayContaining([general.id, dm.id]));
    expect(listed.channels.find((ch) => ch.id === dm.id)).toMatchObject({ isIm: true, imUser: alice.id });
    expect(listed.channels.every((ch) => ch.teamId === team.id)).toBe(true);
    // Copies: what a caller does with them leaves the emulator's state as it was.
    listed.channels.find((ch) => ch.id === general.id)!.members.clear();
    expect(
      emu
        .workspace(team.id)
        .channels.find((ch) => ch.id === general.id)!
        .members.has(alice.id),
    ).toBe(true);
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
        expect(ch).toEqual(
          expect.objectContaining({
            id: expect.any(String),
            name: expect.any(String),
            is_member: expect.any(Boolean),
            is_private: expect.any(Boolean),
            is_archived: expect.any(Boolean),
            num_members: expect.any(Number),
          }),
        );
      }
      seen.push(...page.channels!.map((x) => x.id!));
      cursor = page.response_metadata?.next_cursor ?? '';
      pages++;
      clock.advance(3_000);
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toEqual([...visible].sort());
    const unarchived = await c.conversations.list({ types: 'public_channel', exclude_archived: true, limit: 1000 });
    expect(unarchived.channels!.every((x) => !x.is_archived && !x.is_private)).toBe(true);
    expect(await slackErrorCode(c.conversations.list({ limit: 1001 }))).toBe('invalid_limit');
    expect(await slackErrorCode(c.conversations.list({}))).toBe('limit_required');
  });

  it('a channel created between pages lands in id order; a deleted one is skipped', async () => {
    const seeded = emu.seedChannels(
      team.id,
      Array.from({ length: 50 }, (_, i) => ({ name: `s-${i}` })),
    );
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
    emu.seedUsers(
      team.id,
      Array.from({ length: 20_000 }, (_, i) => ({ name: `user-${i}`, email: `u${i}@acme.test` })),
    );

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
    expect(
      (await received())
        .slice(seen)
        .map((e) => e['type'])
        .sort(),
    ).toEqual(['channel_created', 'channel_rename', 'group_archive', 'group_deleted', 'group_unarchive', 'member_left_channel', 'user_change']);

    expect(await post(`channels/${h1}/rename`, { name: 'Nope' })).toMatchObject({
      status: 400,
      json: { ok: false, error: expect.stringMatching(/invalid_name_specials/) },
    });
    expect(await post('seed/channels', { teamId: team.id })).toMatchObject({ status: 400, json: { error: '"channels" (array) is required' } });
  });
});
