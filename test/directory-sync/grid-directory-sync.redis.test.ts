// The directory of an org-wide (Enterprise Grid) install: a sync lists every granted workspace in
// turn with its team_id, channels name their workspace, a person in two workspaces (Grid user
// ids are org-wide) is kept once and counted once, a run stopped mid-way resumes at the workspace
// and page it was at, an install with no workspace granted has an empty directory, and events
// from a Grid workspace keep the channel's workspace. Against the real Redis and MongoDB-compatible
// server, with a Slack that answers as Slack does for an org token (team_id required).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pino from 'pino';
import { useTestStore } from '../support/test-store.ts';
import { installationInput } from '../support/installation-input.ts';
import { redisUrl, uniquePrefix } from '../support/services.ts';
import { nextWorkspace, syncDirectoryKind, type SyncRunDeps } from '../../src/directory-sync/directory-sync.ts';
import { applyDirectoryEvent } from '../../src/directory-sync/directory-events.ts';
import { createDirectoryCache } from '../../src/directory/directory-cache.ts';
import { createDirectoryLookup, type DirectoryLookup } from '../../src/directory/directory-lookup.ts';
import { createLocks } from '../../src/locks/redis-locks.ts';
import { createSlackCallBudget } from '../../src/slack/tiered-call-budget.ts';
import { createJobProducer, createQueues, type Queues } from '../../src/queues/queues.ts';
import { SlackApiError } from '../../src/errors/index.ts';
import type { DirectoryChannel, DirectoryUser, Page, SlackApi } from '../../src/slack/slack-api.ts';
import type { InstalledWorkspace } from '../../src/store/index.ts';

const t = useTestStore('grid-directory-sync');
let redis: Redis;
let queues: Queues;
const prefix = uniquePrefix('grid-directory-sync');

beforeAll(() => {
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  queues = createQueues(redis, prefix);
});
afterAll(async () => {
  await Promise.all(Object.values(queues).map((q) => q.obliterate({ force: true }).catch(() => undefined)));
  await Promise.all(Object.values(queues).map((q) => q.close()));
  redis.disconnect();
});

const PAGE = 2;

/** One Grid organization's Slack as an org token sees it: each workspace's lists, `PAGE` a page. */
function gridSlack(lists: { channels: Record<string, DirectoryChannel[]>; users: Record<string, DirectoryUser[]> }) {
  const calls: Array<{ method: string; teamId: string | null; cursor: string | null }> = [];
  let failOnCall: number | null = null;
  function page<T>(method: string, all: Record<string, T[]>, args: { cursor: string | null; teamId?: string }): Page<T> {
    calls.push({ method, teamId: args.teamId ?? null, cursor: args.cursor });
    if (failOnCall !== null && calls.length === failOnCall) throw new Error('the worker died here');
    if (!args.teamId) throw new SlackApiError(method, 'missing_argument', false);
    const items = all[args.teamId];
    if (!items) throw new SlackApiError(method, 'team_access_not_granted', false);
    const offset = args.cursor ? Number(args.cursor.split(':')[1]) : 0;
    const next = offset + PAGE < items.length ? `${args.teamId}:${offset + PAGE}` : null;
    return { items: items.slice(offset, offset + PAGE), nextCursor: next };
  }
  const slack = {
    async listChannels(_token: string, args: { cursor: string | null; limit: number; teamId?: string }) {
      // As SlackApi.listChannels answers: each channel in the workspace listed unless Slack names another.
      const listed = page('conversations.list', lists.channels, args);
      return { ...listed, items: listed.items.map((c) => ({ workspaceId: args.teamId, ...c })) };
    },
    async listUsers(_token: string, args: { cursor: string | null; limit: number; teamId?: string }) {
      return page('users.list', lists.users, args);
    },
  } as unknown as SlackApi;
  return {
    slack,
    calls,
    /** The `n`th call from now throws, as a worker killed there would stop. */
    failOn(n: number | null) {
      failOnCall = n === null ? null : calls.length + n;
    },
  };
}

function deps(slack: SlackApi): SyncRunDeps {
  return {
    store: t.store,
    slack,
    producer: createJobProducer(queues),
    locks: createLocks(redis, prefix),
    logger: pino({ level: 'silent' }),
    now: () => new Date(),
    directoryCache: createDirectoryCache(redis, prefix),
    callBudget: createSlackCallBudget(redis, prefix, 1000),
    directoryResyncHours: 6,
  };
}

function lookupFor(d: SyncRunDeps): DirectoryLookup {
  return createDirectoryLookup({
    cache: d.directoryCache,
    directory: t.store.slackDirectory,
    installations: t.store.installations,
    slack: d.slack,
    callBudget: d.callBudget,
    now: d.now,
    maxBudgetWaitMs: 1000,
  });
}

const channel = (id: string, name: string, extra: Partial<DirectoryChannel> = {}): DirectoryChannel => ({
  id,
  name,
  isPrivate: false,
  isArchived: false,
  isMember: true,
  memberCount: 3,
  ...extra,
});
const user = (id: string, username: string, email: string | null = null): DirectoryUser => ({
  id,
  username,
  displayName: username,
  realName: username,
  email,
  deleted: false,
  isBot: false,
});

async function installOrgWide(orgId: string, enterpriseId: string, workspaces: InstalledWorkspace[]) {
  const saved = await t.store.installations.save(
    installationInput(orgId, enterpriseId, { enterpriseId, kind: 'enterprise', workspaces, teamName: 'Acme Corp', botUserId: 'WBOT' }),
    new Date(),
  );
  if (!saved.ok) throw new Error(saved.reason);
}

async function syncAll(d: SyncRunDeps, teamId: string) {
  for (const kind of ['channels', 'users'] as const) await syncDirectoryKind(d, teamId, kind, Date.now());
}

const EAST = { id: 'TEAST', name: 'Acme East' };
const WEST = { id: 'TWEST', name: 'Acme West' };

describe('an org-wide install’s directory', () => {
  it('lists every granted workspace with its team_id: channels name their workspace, a person in both is kept and counted once', async () => {
    await installOrgWide('org_grid1', 'E100', [EAST, WEST]);
    // Grid user ids are org-wide: WANA is a member of both workspaces and in both lists.
    const fake = gridSlack({
      channels: {
        TEAST: [channel('CE1', 'sales', { workspaceId: 'TEAST' }), channel('CE2', 'east-only'), channel('CE3', 'general')],
        TWEST: [channel('CW1', 'sales'), channel('CW2', 'partners', { isExtShared: true })],
      },
      users: {
        TEAST: [user('WANA', 'ana', 'ana@acme.test'), user('WBEN', 'ben')],
        TWEST: [user('WCAT', 'cat', 'cat@acme.test'), user('WANA', 'ana', 'ana@acme.test')],
      },
    });
    const d = deps(fake.slack);
    await syncAll(d, 'E100');

    expect(fake.calls.filter((c) => c.method === 'conversations.list')).toEqual([
      { method: 'conversations.list', teamId: 'TEAST', cursor: null },
      { method: 'conversations.list', teamId: 'TEAST', cursor: 'TEAST:2' },
      { method: 'conversations.list', teamId: 'TWEST', cursor: null },
    ]);
    expect(fake.calls.filter((c) => c.method === 'users.list').map((c) => c.teamId)).toEqual(['TEAST', 'TWEST']);

    const lookup = lookupFor(d);
    const status = await lookup.status('E100');
    expect(status.channels).toMatchObject({ state: 'ready', items: 5 });
    expect(status.users).toMatchObject({ state: 'ready', items: 3 });
    const sales = await lookup.channelsByName('E100', 'sales');
    expect(sales.map((c) => [c.id, c.workspaceId]).sort()).toEqual([
      ['CE1', 'TEAST'],
      ['CW1', 'TWEST'],
    ]);
    expect(await lookup.channel('E100', 'CE2')).toMatchObject({ name: 'east-only', workspaceId: 'TEAST' });
    expect(await lookup.channel('E100', 'CW2')).toMatchObject({ name: 'partners', workspaceId: 'TWEST', isExtShared: true });
    expect((await lookup.searchUsers('E100', 'ana', { limit: 10 })).map((u) => u.id)).toEqual(['WANA']);
    // Mapping suggestions read users by email across the org: one person, from either workspace.
    expect(await lookup.userByEmail('E100', 'CAT@acme.test')).toMatchObject({ id: 'WCAT' });
    expect(await lookup.userByEmail('E100', 'ana@acme.test')).toMatchObject({ id: 'WANA' });
  });

  it('a run stopped at a workspace’s boundary or mid-workspace resumes there: no workspace listed twice, counts right', async () => {
    await installOrgWide('org_grid2', 'E200', [EAST, WEST]);
    const fake = gridSlack({
      channels: {
        TEAST: [channel('CE1', 'e1'), channel('CE2', 'e2'), channel('CE3', 'e3'), channel('CE4', 'e4')],
        TWEST: [channel('CW1', 'w1'), channel('CW2', 'w2'), channel('CW3', 'w3'), channel('CW4', 'w4'), channel('CW5', 'w5')],
      },
      users: {
        TEAST: [user('WANA', 'ana'), user('WBEN', 'ben'), user('WCAT', 'cat')],
        TWEST: [user('WCAT', 'cat'), user('WDAN', 'dan'), user('WANA', 'ana'), user('WEVE', 'eve')],
      },
    });
    const d = deps(fake.slack);

    // East's two pages are written; the worker dies on West's first.
    fake.failOn(3);
    await expect(syncDirectoryKind(d, 'E200', 'channels', Date.now())).rejects.toThrow('the worker died here');
    expect(await t.store.slackDirectory.syncState('E200', 'channels')).toMatchObject({ workspaceId: null, workspacesDone: ['TEAST'], pages: 2, items: 4 });
    // Another attempt: West from its first page, East not again; then it dies after West's first page.
    fake.failOn(2);
    const before = fake.calls.length;
    await expect(syncDirectoryKind(d, 'E200', 'channels', Date.now())).rejects.toThrow('the worker died here');
    expect(await t.store.slackDirectory.syncState('E200', 'channels')).toMatchObject({ workspaceId: 'TWEST', cursor: 'TWEST:2', pages: 3 });
    fake.failOn(null);
    await syncDirectoryKind(d, 'E200', 'channels', Date.now());
    expect(fake.calls.slice(before).map((c) => [c.teamId, c.cursor])).toEqual([
      ['TWEST', null],
      ['TWEST', 'TWEST:2'],
      ['TWEST', 'TWEST:2'],
      ['TWEST', 'TWEST:4'],
    ]);
    const lookup = lookupFor(d);
    expect((await lookup.status('E200')).channels).toMatchObject({ state: 'ready', items: 9 });
    expect(await lookup.channel('E200', 'CW5')).toMatchObject({ workspaceId: 'TWEST' });

    // Users: a worker dies after writing West's first page (WCAT, seen in East, and WDAN) but
    // before saving its cursor; the page fetched again is stored and counted once.
    fake.failOn(3);
    await expect(syncDirectoryKind(d, 'E200', 'users', Date.now())).rejects.toThrow('the worker died here');
    const atBoundary = await t.store.slackDirectory.syncState('E200', 'users');
    fake.failOn(2);
    await expect(syncDirectoryKind(d, 'E200', 'users', Date.now())).rejects.toThrow('the worker died here');
    await t.store.slackDirectory.saveSyncState(atBoundary);
    fake.failOn(null);
    await syncDirectoryKind(d, 'E200', 'users', Date.now());
    expect((await lookup.status('E200')).users).toMatchObject({ state: 'ready', items: 5 });
    expect((await lookup.searchUsers('E200', '', { limit: 10 })).map((u) => u.id).sort()).toEqual(['WANA', 'WBEN', 'WCAT', 'WDAN', 'WEVE']);
  });

  it('a later run covers the workspaces granted then: one granted is listed, one revoked is gone', async () => {
    await installOrgWide('org_grid3', 'E300', [EAST]);
    const fake = gridSlack({ channels: { TEAST: [channel('CE1', 'east')], TWEST: [channel('CW1', 'west')] }, users: { TEAST: [], TWEST: [] } });
    const d = deps(fake.slack);
    await syncDirectoryKind(d, 'E300', 'channels', Date.now());
    await t.mongo.db.collection<{ _id: string }>('installations').updateOne({ _id: 'E300' }, { $set: { workspaces: [WEST] } });
    await syncDirectoryKind(d, 'E300', 'channels', Date.now());
    const lookup = lookupFor(d);
    expect(await lookup.channelByName('E300', 'west')).toMatchObject({ id: 'CW1', workspaceId: 'TWEST' });
    expect(await lookup.channelByName('E300', 'east')).toBeNull();
  });

  it('a workspace Slack says is no longer granted (before team_access_revoked is handled) is skipped, not the run', async () => {
    await installOrgWide('org_grid5', 'E500', [{ id: 'TGONE', name: 'Gone' }, WEST]);
    const fake = gridSlack({ channels: { TWEST: [channel('CW1', 'west')] }, users: { TWEST: [user('WCAT', 'cat')] } });
    const d = deps(fake.slack);
    await syncAll(d, 'E500');
    const lookup = lookupFor(d);
    expect((await lookup.status('E500')).channels).toMatchObject({ state: 'ready', items: 1 });
    expect((await lookup.status('E500')).users).toMatchObject({ state: 'ready', items: 1 });
    expect(await lookup.channelByName('E500', 'west')).toMatchObject({ id: 'CW1', workspaceId: 'TWEST' });
  });

  it('no workspace granted yet: the directory is empty and complete, not an error, and Slack is not asked', async () => {
    await installOrgWide('org_grid4', 'E400', []);
    const fake = gridSlack({ channels: {}, users: {} });
    const d = deps(fake.slack);
    await syncAll(d, 'E400');
    expect(fake.calls).toEqual([]);
    const status = await lookupFor(d).status('E400');
    expect(status.channels).toMatchObject({ state: 'ready', items: 0 });
    expect(status.users).toMatchObject({ state: 'ready', items: 0 });
  });

  it('a workspace install lists its own workspace without team_id, as before', async () => {
    await t.store.installations.save(installationInput('org_ws', 'T500'), new Date());
    const calls: Array<{ teamId?: string }> = [];
    const slack = {
      async listChannels(_token: string, args: { teamId?: string }) {
        calls.push(args);
        return { items: [channel('C51', 'sales'), channel('C52', 'sales-eu')], nextCursor: null };
      },
    } as unknown as SlackApi;
    const d = deps(slack);
    await syncDirectoryKind(d, 'T500', 'channels', Date.now());
    expect(calls).toEqual([{ cursor: null, limit: 999 }]);
    const lookup = lookupFor(d);
    expect(await lookup.channelByName('T500', 'sales')).toEqual(channel('C51', 'sales'));
    expect(await lookup.orgWorkspaces('T500')).toBeNull();
  });

  it('events from a Grid workspace keep the channel’s workspace: created, renamed, the app added to one it could not see, shared through Slack Connect', async () => {
    await installOrgWide('org_grid6', 'E600', [EAST, WEST]);
    const fake = gridSlack({ channels: { TEAST: [], TWEST: [] }, users: { TEAST: [], TWEST: [] } });
    const slack = Object.assign(fake.slack, {
      async channelInfo(_token: string, id: string) {
        return channel(id, 'hidden-deals', { isPrivate: true, isMember: false });
      },
    });
    const d = deps(slack);
    await syncDirectoryKind(d, 'E600', 'channels', Date.now());
    const lookup = lookupFor(d);

    await applyDirectoryEvent(d, 'E600', 'WBOT', { type: 'channel_created', channel: { id: 'CW7', name: 'deals', created: 1 } }, 'TWEST');
    await applyDirectoryEvent(d, 'E600', 'WBOT', { type: 'channel_rename', channel: { id: 'CW7', name: 'big-deals', created: 1 } }, 'TWEST');
    expect(await lookup.channel('E600', 'CW7')).toMatchObject({ name: 'big-deals', workspaceId: 'TWEST' });

    await applyDirectoryEvent(d, 'E600', 'WBOT', { type: 'member_joined_channel', user: 'WBOT', channel: 'GE8' }, 'TEAST');
    expect(await lookup.channel('E600', 'GE8')).toMatchObject({ name: 'hidden-deals', isMember: true, workspaceId: 'TEAST' });

    // Shared with another company through Slack Connect after the sync: marked at once, its workspace
    // kept, and an admin's earlier confirmation for the channel no longer holds (one more company).
    const confirmations = async () => (await d.store.orgSettings.get('org_grid6'))?.sharedChannelConfirmations ?? {};
    const confirm = () => d.store.orgSettings.confirmSharedChannel('org_grid6', 'CW7', { by: { kind: 'operator' }, at: new Date() });
    await confirm();
    await applyDirectoryEvent(d, 'E600', 'WBOT', { type: 'channel_shared', channel: 'CW7' }, 'TWEST');
    expect(await lookup.channel('E600', 'CW7')).toMatchObject({ name: 'big-deals', workspaceId: 'TWEST', isExtShared: true });
    expect(Object.keys(await confirmations())).not.toContain('CW7');
    // Confirmed again; one company leaving while another stays keeps it; the last one leaving does not.
    await confirm();
    await applyDirectoryEvent(d, 'E600', 'WBOT', { type: 'channel_unshared', channel: 'CW7', is_ext_shared: true }, 'TWEST');
    expect(Object.keys(await confirmations())).toContain('CW7');
    await applyDirectoryEvent(d, 'E600', 'WBOT', { type: 'channel_unshared', channel: 'CW7', is_ext_shared: false }, 'TWEST');
    expect(Object.keys(await confirmations())).not.toContain('CW7');
    const unshared = await lookup.channel('E600', 'CW7');
    expect(unshared).toMatchObject({ name: 'big-deals', workspaceId: 'TWEST' });
    expect(unshared?.isExtShared ?? false).toBe(false);

    // Shared before the directory heard of the channel at all: Slack's copy is fetched, shared as Slack says.
    slack.channelInfo = async (_token: string, id: string) => channel(id, 'partner-deals', { isExtShared: true });
    await applyDirectoryEvent(d, 'E600', 'WBOT', { type: 'channel_shared', channel: 'CW9' }, 'TWEST');
    expect(await lookup.channel('E600', 'CW9')).toMatchObject({ name: 'partner-deals', workspaceId: 'TWEST', isExtShared: true });
  });
});

describe('nextWorkspace', () => {
  const granted = { workspaces: [EAST, WEST, { id: 'TNORTH', name: 'North' }] };
  it.each([
    { state: { workspaceId: null, workspacesDone: [] }, next: 'TEAST' },
    { state: { workspaceId: 'TWEST', workspacesDone: ['TEAST'] }, next: 'TWEST' },
    { state: { workspaceId: null, workspacesDone: ['TEAST', 'TWEST'] }, next: 'TNORTH' },
    // Revoked while the run was at it: its cursor is left, the next one starts.
    { state: { workspaceId: 'TGONE', workspacesDone: ['TEAST'] }, next: 'TWEST' },
    { state: { workspaceId: null, workspacesDone: ['TEAST', 'TWEST', 'TNORTH'] }, next: undefined },
  ])('$state → $next', ({ state, next }) => {
    expect(nextWorkspace(state, granted)).toBe(next);
  });
  it('none granted: nothing to list', () => {
    expect(nextWorkspace({ workspaceId: null, workspacesDone: [] }, { workspaces: [] })).toBeUndefined();
  });
});
