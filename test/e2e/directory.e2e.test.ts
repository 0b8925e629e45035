// End to end: the Slack channel and user directory, through the admin API, against the Slack
// emulator. A full sync of 50,000 channels and 20,000 users pages through conversations.list and
// users.list without a single 429, in about the least time Slack's Tier 2 limit allows; a worker
// killed mid-sync is taken over by another that resumes from the last page; and every event
// the directory listens to changes the next lookup.
//
// The emulator's clock runs SCALE times faster (its rate-limit minute lasts 60/SCALE s), and the
// product's rate window is shortened to match: the same ratio as production, in less time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { Redis } from 'ioredis';
import { waitFor } from '../support/wait-for.ts';
import { redisUrl } from '../support/services.ts';
import { createJobProducer } from '../../src/queues/queues.ts';
import type { DirectoryKindStatus } from '../../src/directory/directory-lookup.ts';
import { PAGES_AHEAD } from '../../src/directory-sync/directory-sync.ts';

const SCALE = 2;
const WINDOW_MS = 60_000 / SCALE;
const TIER2_PER_MINUTE = 20;
const CHANNELS = 50_000;
const USERS = 20_000;
const started = Date.now();
const fastClock = () => started + (Date.now() - started) * SCALE;

let h: Harness;

interface StatusBody {
  channels: DirectoryKindStatus & { lastCompletedAt: string | null };
  users: DirectoryKindStatus & { lastCompletedAt: string | null };
}

async function api<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${h.webUrl}/api/orgs/${encodeURIComponent(h.orgId)}${path}`, {
    headers: { authorization: `Bearer ${h.secrets.adminApiToken}` },
  });
  return { status: response.status, body: (await response.json()) as T };
}

const status = async () => (await api<StatusBody>('/directory')).body;
const completedAfter = (s: StatusBody['channels'], after: number) => Boolean(s.lastCompletedAt && Date.parse(s.lastCompletedAt) > after);

async function syncsCompleted(after: number, timeoutMs: number): Promise<StatusBody> {
  return waitFor(status, (s) => completedAfter(s.channels, after) && completedAfter(s.users, after), {
    what: 'the channel and user syncs to complete',
    timeoutMs,
    intervalMs: 250,
  });
}

async function channelNames(q: string): Promise<string[]> {
  const { body } = await api<{ channels: Array<{ name: string }> }>(`/directory/channels?q=${encodeURIComponent(q)}&limit=10`);
  return body.channels.map((c) => c.name);
}

beforeAll(async () => {
  h = await startHarness({ runtime: 'node', name: 'directory', slackNow: fastClock, workerEnv: { SLACK_RATE_WINDOW_MS: String(WINDOW_MS) } });
  // Connecting Slack started a first sync of the small seeded workspace.
  await syncsCompleted(0, 60_000);
  // The workspace grows to 50,000 channels (a few private ones without the app) and 20,000
  // users, as if it had always been that big: no events for these.
  h.slack.seedChannels(
    h.teamId,
    Array.from({ length: CHANNELS }, (_, i) => ({
      name: `chan-${String(i).padStart(5, '0')}`,
      ...(i % 1000 === 7 ? { isPrivate: true, memberIds: [h.agents.alice.slackUserId] } : {}),
    })),
  );
  h.slack.seedUsers(
    h.teamId,
    Array.from({ length: USERS }, (_, i) => ({ name: `user${i}`, realName: `Person Number${i}` })),
  );
}, 120_000);
afterAll(async () => h?.stop());

describe('directory sync', () => {
  it('syncs 50,000 channels and 20,000 users without a 429, within 10% of the least time Tier 2 allows', async () => {
    const before = Date.now();
    const firstCall = h.slack.calls().length;
    await createJobProducer(h.queues).syncDirectory({ teamId: h.teamId });
    const done = await syncsCompleted(before, 6 * WINDOW_MS);

    const calls = h.slack.calls().slice(firstCall);
    const lists = calls.filter((c) => c.method === 'conversations.list');
    const userLists = calls.filter((c) => c.method === 'users.list');
    expect(calls.filter((c) => c.httpStatus === 429)).toEqual([]);
    // Largest pages Slack allows ("under 1,000"), public and private channels.
    expect(lists.every((c) => Number(c.params['limit']) === 999 && c.params['types'] === 'public_channel,private_channel')).toBe(true);
    expect(lists.filter((c) => !c.params['cursor'])).toHaveLength(1);
    expect(lists.length).toBeGreaterThanOrEqual(Math.ceil(CHANNELS / 999));
    expect(userLists.length).toBeGreaterThanOrEqual(Math.ceil(USERS / 999));

    // N calls at 20 a minute need at least ceil(N / 20) - 1 whole minutes.
    const leastMs = (Math.ceil(lists.length / TIER2_PER_MINUTE) - 1) * WINDOW_MS;
    expect(done.channels.lastSyncTookMs).toBeGreaterThanOrEqual(leastMs);
    expect(done.channels.lastSyncTookMs).toBeLessThanOrEqual(leastMs * 1.1);

    expect(done.channels.items).toBeGreaterThanOrEqual(CHANNELS - CHANNELS / 1000);
    expect(done.users.items).toBeGreaterThanOrEqual(USERS);
    expect(await channelNames('chan-4999')).toEqual(Array.from({ length: 10 }, (_, i) => `chan-4999${i}`));
    // chan-49007 is private and the app is not in it: never offered.
    expect(await channelNames('chan-4900')).toEqual([
      'chan-49000',
      'chan-49001',
      'chan-49002',
      'chan-49003',
      'chan-49004',
      'chan-49005',
      'chan-49006',
      'chan-49008',
      'chan-49009',
    ]);
    const { body } = await api<{ users: Array<{ username: string; realName: string }> }>('/directory/users?q=number19999');
    expect(body.users).toEqual([expect.objectContaining({ username: 'user19999', realName: 'Person Number19999' })]);
  }, 240_000);

  it('the periodic resync repairs a missed event; a worker killed mid-sync: another takes the run over and resumes from its last page', async () => {
    // A channel whose event never arrived, and a last sync older than DIRECTORY_RESYNC_HOURS.
    h.slack.seedChannels(h.teamId, [{ name: 'missed-by-events' }]);
    await h.mongo.db
      .collection('slack_directory_sync')
      .updateOne({ _id: `${h.teamId}:channels` as never }, { $set: { lastCompletedAt: new Date(Date.now() - 7 * 3600_000) } });
    expect(await channelNames('missed')).toEqual([]);
    const before = Date.now();
    const firstCall = h.slack.calls().length;
    await h.queues.directory.add('sweep', { kind: 'sweep' });
    const mid = await waitFor(status, (s) => (s.channels.sync?.pages ?? 0) >= 5, { what: 'a few pages synced', timeoutMs: 4 * WINDOW_MS, intervalMs: 50 });
    await h.workers[0]!.kill();
    await h.startWorker();
    await waitFor(status, (s) => completedAfter(s.channels, before), { what: 'the resumed sync to complete', timeoutMs: 8 * WINDOW_MS, intervalMs: 250 });

    const lists = h.slack
      .calls()
      .slice(firstCall)
      .filter((c) => c.method === 'conversations.list');
    expect(lists.filter((c) => c.httpStatus === 429)).toEqual([]);
    // Resumed, not restarted: one first page for the whole run; at most the pages fetched ahead
    // of the writes and the page being written when it died are fetched twice.
    expect(lists.filter((c) => !c.params['cursor'])).toHaveLength(1);
    expect(lists.length).toBeLessThanOrEqual(Math.ceil(CHANNELS / 999) + PAGES_AHEAD + 1);
    expect(mid.channels.sync!.pages).toBeGreaterThanOrEqual(5);
    expect(await channelNames('missed')).toEqual(['missed-by-events']);
    expect(await channelNames('chan-0000')).toEqual([
      'chan-00000',
      'chan-00001',
      'chan-00002',
      'chan-00003',
      'chan-00004',
      'chan-00005',
      'chan-00006',
      'chan-00008',
      'chan-00009',
    ]);
  }, 360_000);
});

describe('directory events', () => {
  it('each event changes the next lookup', async () => {
    const channelByName = async (name: string) =>
      (
        await api<{ channels: Array<{ id: string; name: string; isArchived: boolean }> }>(`/directory/channels?q=${name}&limit=1&includeInactive=true`)
      ).body.channels.find((c) => c.name === name) ?? null;
    const eventually = <T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string) => waitFor(read, ok, { what, timeoutMs: 15_000, intervalMs: 100 });

    // channel_created
    const deals = h.slack.createChannel(h.teamId, { name: 'deals-emea' });
    await eventually(
      () => channelByName('deals-emea'),
      (c) => c?.id === deals.id,
      'the new channel',
    );
    // channel_rename
    h.slack.renameChannel(deals.id, 'deals-europe');
    await eventually(
      () => channelNames('deals-e'),
      (n) => n.join() === 'deals-europe',
      'the rename',
    );
    // channel_archive, channel_unarchive
    h.slack.archiveChannel(deals.id);
    await eventually(
      () => channelNames('deals-e'),
      (n) => n.length === 0,
      'the archived channel no longer offered',
    );
    h.slack.unarchiveChannel(deals.id);
    await eventually(
      () => channelNames('deals-e'),
      (n) => n.join() === 'deals-europe',
      'the unarchived channel offered again',
    );
    // channel_deleted
    h.slack.deleteChannel(deals.id);
    await eventually(
      () => channelByName('deals-europe'),
      (c) => c === null,
      'the deleted channel gone',
    );

    // A private channel: invisible until the app is added (member_joined_channel), then offered
    // within seconds with no resync; renamed, archived, unarchived (group_*); the app removed.
    const vip = h.slack.createChannel(h.teamId, { name: 'vip-deals', isPrivate: true, memberIds: [h.agents.alice.slackUserId] });
    expect(await channelNames('vip')).toEqual([]);
    h.slack.addToChannel(vip.id, h.botUserId);
    await eventually(
      () => channelNames('vip'),
      (n) => n.join() === 'vip-deals',
      'the private channel offered once the app is in',
    );
    h.slack.renameChannel(vip.id, 'vip-accounts');
    await eventually(
      () => channelNames('vip'),
      (n) => n.join() === 'vip-accounts',
      'the private channel renamed',
    );
    h.slack.archiveChannel(vip.id);
    await eventually(
      () => channelNames('vip'),
      (n) => n.length === 0,
      'the private channel archived',
    );
    h.slack.unarchiveChannel(vip.id);
    await eventually(
      () => channelNames('vip'),
      (n) => n.join() === 'vip-accounts',
      'the private channel unarchived',
    );
    h.slack.removeFromChannel(vip.id, h.botUserId);
    await eventually(
      () => channelNames('vip'),
      (n) => n.length === 0,
      'the private channel no longer offered once the app left',
    );
    h.slack.addToChannel(vip.id, h.botUserId);
    await eventually(
      () => channelNames('vip'),
      (n) => n.join() === 'vip-accounts',
      'the private channel offered again',
    );
    h.slack.deleteChannel(vip.id);
    await eventually(
      () => channelNames('vip'),
      (n) => n.length === 0,
      'the private channel deleted',
    );

    // team_join, user_change
    const users = async (q: string) =>
      (await api<{ users: Array<{ username: string; displayName: string; deleted: boolean }> }>(`/directory/users?q=${q}&includeInactive=true`)).body.users;
    const newbie = h.slack.createUser(h.teamId, { name: 'newbie', realName: 'Nora Newman' });
    await eventually(
      () => users('newman'),
      (u) => u[0]?.username === 'newbie',
      'the new user',
    );
    h.slack.updateUser(newbie.id, { displayName: 'nora' });
    await eventually(
      () => users('newbie'),
      (u) => u[0]?.displayName === 'nora',
      'the changed user',
    );
    h.slack.updateUser(newbie.id, { deleted: true });
    await eventually(
      () => users('newbie'),
      (u) => u[0]?.deleted === true,
      'the deactivated user',
    );
    expect((await api<{ users: unknown[] }>('/directory/users?q=newbie')).body.users).toEqual([]);
  }, 120_000);

  it('the admin API: status with progress and age, lookups by ID through Slack when needed, and specific errors', async () => {
    const s = await status();
    expect(s.channels).toMatchObject({ state: 'ready', items: expect.any(Number), ageSeconds: expect.any(Number) });
    expect(s.users).toMatchObject({ state: 'ready' });

    const known = h.slack.createChannel(h.teamId, { name: 'by-id-lookup' });
    const byId = await api<{ channel: { id: string; name: string } }>(`/directory/channels/${known.id}`);
    expect(byId).toMatchObject({ status: 200, body: { channel: { id: known.id, name: 'by-id-lookup' } } });

    // A private channel the app was in from its creation (no event): not in the directory, so
    // the lookup by ID asks Slack (conversations.info) and finds it.
    const unseen = h.slack.createChannel(h.teamId, { name: 'unseen-private', isPrivate: true, memberIds: [h.botUserId] });
    expect(await channelNames('unseen')).toEqual([]);
    expect(await api(`/directory/channels/${unseen.id}`)).toMatchObject({
      status: 200,
      body: { channel: { id: unseen.id, name: 'unseen-private', isPrivate: true, appIsMember: true } },
    });
    expect(h.slack.calls({ method: 'conversations.info' }).at(-1)?.params['channel']).toBe(unseen.id);

    const hidden = h.slack.createChannel(h.teamId, { name: 'hidden', isPrivate: true, memberIds: [h.agents.alice.slackUserId] });
    expect(await api(`/directory/channels/${hidden.id}`)).toMatchObject({ status: 404, body: { error: { code: 'channel_not_found' } } });
    expect(await api('/directory/channels/not-an-id')).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });
    expect(await api('/directory/channels?limit=1000')).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });

    expect(await api('/directory/channels/by-name/%23chan-01234')).toMatchObject({ status: 200, body: { channel: { name: 'chan-01234', isPrivate: false } } });
    expect(await api('/directory/channels/by-name/chan-01007')).toMatchObject({ status: 404, body: { error: { code: 'channel_name_not_found' } } });
    expect(await api('/directory/users/by-username/%40user123')).toMatchObject({
      status: 200,
      body: { user: { username: 'user123', realName: 'Person Number123' } },
    });
    expect(await api('/directory/users/by-username/nobody-here')).toMatchObject({
      status: 404,
      body: { error: { code: 'username_not_found', message: expect.stringContaining('@nobody-here') } },
    });

    const unauthorised = await fetch(`${h.webUrl}/api/orgs/${h.orgId}/directory`, { headers: { authorization: 'Bearer wrong' } });
    expect(unauthorised.status).toBe(401);
    expect(await unauthorised.json()).toMatchObject({ error: { code: 'admin_unauthorized' } });
    const otherOrg = await fetch(`${h.webUrl}/api/orgs/no-such-org/directory`, { headers: { authorization: `Bearer ${h.secrets.adminApiToken}` } });
    expect(otherOrg.status).toBe(409);
    expect(await otherOrg.json()).toMatchObject({ error: { code: 'slack_not_connected' } });
  }, 60_000);

  it('Redis loses the directory: the next lookup has it rebuilt from MongoDB, changes since the sync included', async () => {
    const redis = new Redis(redisUrl());
    try {
      const keys = await redis.keys(`${h.prefix}:dir:${h.teamId}:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys.filter((k) => !k.endsWith(':change-seq')));
      // Nothing in Redis: this lookup finds nothing, and asks for the rebuild.
      expect(await channelNames('chan-4999')).toEqual([]);
      await waitFor(
        () => channelNames('chan-4999'),
        (n) => n.length === 10,
        { what: 'the rebuilt directory', timeoutMs: 60_000, intervalMs: 200 },
      );
      // Changed by an event after the last full sync: replayed from the change log.
      expect(await channelNames('vip')).toEqual([]);
      const newbie = await waitFor(
        async () => (await api<{ users: Array<{ displayName: string }> }>('/directory/users?q=newbie&includeInactive=true')).body.users,
        (u) => u.length > 0,
        { what: 'the rebuilt user directory', timeoutMs: 60_000, intervalMs: 200 },
      );
      expect(newbie).toEqual([expect.objectContaining({ displayName: 'nora' })]);
      expect(await channelNames('chan-0000')).toHaveLength(9);
    } finally {
      redis.disconnect();
    }
  }, 90_000);
});
