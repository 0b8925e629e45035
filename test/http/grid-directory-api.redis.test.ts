// The admin API's directory for an org connected org-wide (Enterprise Grid) through the web app:
// channels of every granted workspace, each naming its workspace and whether it is shared with
// another company (Slack Connect); two workspaces' #sales told apart (a bare name they share is
// refused naming both, the name with its workspace is taken, for lookups and for the settings);
// people listed once; mapping suggestions by email from any of the org's workspaces; a workspace
// install's answers as before; another org's Grid directory never shows. The directory is synced
// as the worker syncs it, from a Slack that answers as it does for an org token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { ChatPlatformEmulator } from '../../emulators/chat-platform/index.ts';
import { newSecrets } from '../support/test-app.ts';
import { NO_SLACK, startChatPlatformFor, testAppPerFile } from '../support/http-test-app.ts';
import { installationInput } from '../support/installation-input.ts';
import { redisUrl } from '../support/services.ts';
import { syncDirectoryKind, type SyncRunDeps } from '../../src/directory-sync/directory-sync.ts';
import { createDirectoryCache } from '../../src/directory/directory-cache.ts';
import { createLocks } from '../../src/locks/redis-locks.ts';
import { createSlackCallBudget } from '../../src/slack/tiered-call-budget.ts';
import { createJobProducer } from '../../src/queues/queues.ts';
import type { DirectoryChannel, DirectoryUser, SlackApi } from '../../src/slack/slack-api.ts';
import type { InstalledWorkspace } from '../../src/store/index.ts';

const secrets = newSecrets();
let platform: ChatPlatformEmulator;
let redis: Redis;
beforeAll(async () => {
  platform = await startChatPlatformFor(secrets);
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await platform?.close();
  redis?.disconnect();
});
const t = testAppPerFile(() => ({ name: 'grid-directory-api', secrets, ...NO_SLACK, chatApiUrl: platform.url }));

const operator = { authorization: `Bearer ${secrets.adminApiToken}` };
async function call(method: 'GET' | 'PUT', orgId: string, path: string, payload?: unknown) {
  const res = await t.app.inject({
    method,
    url: `/api/orgs/${orgId}${path}`,
    headers: operator,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: res.statusCode, body: res.json() };
}

const channel = (id: string, name: string, workspaceId: string, extra: Partial<DirectoryChannel> = {}): DirectoryChannel => ({
  id,
  name,
  isPrivate: false,
  isArchived: false,
  isMember: true,
  memberCount: 4,
  workspaceId,
  ...extra,
});
const user = (id: string, username: string, email: string): DirectoryUser => ({
  id,
  username,
  displayName: username,
  realName: username,
  email,
  deleted: false,
  isBot: false,
});

/** Syncs the install's directory as the worker does, from lists by workspace (`''`: a workspace install's own). */
async function syncFrom(teamId: string, lists: { channels: Record<string, DirectoryChannel[]>; users: Record<string, DirectoryUser[]> }) {
  const listOf = (all: Record<string, unknown[]>, args: { teamId?: string }) => ({ items: all[args.teamId ?? ''] ?? [], nextCursor: null });
  const slack = {
    listChannels: async (_token: string, args: { teamId?: string }) => listOf(lists.channels, args),
    listUsers: async (_token: string, args: { teamId?: string }) => listOf(lists.users, args),
  } as unknown as SlackApi;
  const deps: SyncRunDeps = {
    store: t.store,
    slack,
    producer: createJobProducer(t.queues),
    locks: createLocks(redis, t.prefix),
    logger: pino({ level: 'silent' }),
    now: () => new Date(),
    directoryCache: createDirectoryCache(redis, t.prefix),
    callBudget: createSlackCallBudget(redis, t.prefix, 1000),
    directoryResyncHours: 6,
  };
  for (const kind of ['channels', 'users'] as const) await syncDirectoryKind(deps, teamId, kind, Date.now());
}

async function connectOrgWide(orgId: string, enterpriseId: string, workspaces: InstalledWorkspace[]) {
  const saved = await t.store.installations.save(
    installationInput(orgId, enterpriseId, { enterpriseId, kind: 'enterprise', workspaces, teamName: 'Acme Corp', botUserId: 'WBOT' }),
    new Date(),
  );
  if (!saved.ok) throw new Error(saved.reason);
}

const EAST = { id: 'TEAST1', name: 'Acme East' };
const WEST = { id: 'TWEST1', name: 'Acme West' };

beforeAll(async () => {
  platform.createOrg({ id: 'org_grid', name: 'Acme' });
  platform.addAgent('org_grid', { id: 'agt_cat', name: 'Cat West', email: 'Cat@Acme.test', status: 'online' });
  platform.addAgent('org_grid', { id: 'agt_ana', name: 'Ana Both', email: 'ana@acme.test', status: 'online' });
  await connectOrgWide('org_grid', 'EACME1', [EAST, WEST]);
  await syncFrom('EACME1', {
    channels: {
      TEAST1: [channel('CE1', 'sales', 'TEAST1'), channel('CE2', 'east-desk', 'TEAST1')],
      TWEST1: [channel('CW1', 'sales', 'TWEST1'), channel('CW2', 'sales-partners', 'TWEST1', { isExtShared: true })],
    },
    users: {
      TEAST1: [user('WANA1', 'ana', 'ana@acme.test'), user('WBEN1', 'ben', 'ben@acme.test')],
      // Ana is a member of both workspaces: the same org-wide id in both lists.
      TWEST1: [user('WCAT1', 'cat', 'cat@acme.test'), user('WANA1', 'ana', 'ana@acme.test')],
    },
  });

  // Another customer on its own Grid organization, with a #sales of its own.
  platform.createOrg({ id: 'org_other', name: 'Other' });
  await connectOrgWide('org_other', 'EOTHER1', [{ id: 'TOTHER1', name: 'Other Main' }]);
  await syncFrom('EOTHER1', { channels: { TOTHER1: [channel('CO1', 'sales', 'TOTHER1')] }, users: { TOTHER1: [user('WOLI1', 'oli', 'oli@other.test')] } });

  // A workspace install, as ever.
  platform.createOrg({ id: 'org_ws', name: 'Plain' });
  await t.store.installations.save(installationInput('org_ws', 'TPLAIN1'), new Date());
  await syncFrom('TPLAIN1', { channels: { '': [{ ...channel('CP1', 'sales', ''), workspaceId: undefined }] }, users: { '': [] } });
});

describe('the directory of an org-wide install', () => {
  it('searches channels of every granted workspace, each naming its workspace and whether it is shared with another company (sharedExternally)', async () => {
    const { status, body } = await call('GET', 'org_grid', '/directory/channels?q=sales');
    expect(status).toBe(200);
    expect(body.channels.map((c: { id: string }) => c.id).sort()).toEqual(['CE1', 'CW1', 'CW2']);
    const byId = Object.fromEntries(body.channels.map((c: { id: string }) => [c.id, c]));
    expect(byId.CE1).toMatchObject({ name: 'sales', workspace: EAST, sharedExternally: false });
    expect(byId.CW1).toMatchObject({ name: 'sales', workspace: WEST, sharedExternally: false });
    expect(byId.CW2).toMatchObject({ name: 'sales-partners', workspace: WEST, sharedExternally: true });
    expect(await call('GET', 'org_grid', '/directory/channels/CW2')).toMatchObject({
      status: 200,
      body: { channel: { id: 'CW2', workspace: WEST, sharedExternally: true } },
    });
  });

  it('a name two workspaces share is refused naming both; with its workspace it is found', async () => {
    const both = await call('GET', 'org_grid', '/directory/channels/by-name/sales');
    expect(both).toMatchObject({ status: 422, body: { error: { code: 'channel_name_ambiguous' } } });
    expect(both.body.error.message).toContain('#sales is in Acme East and Acme West');
    expect(await call('GET', 'org_grid', `/directory/channels/by-name/${encodeURIComponent('#sales (Acme West)')}`)).toMatchObject({
      status: 200,
      body: { channel: { id: 'CW1', workspace: WEST } },
    });
    expect(await call('GET', 'org_grid', '/directory/channels/by-name/east-desk')).toMatchObject({
      status: 200,
      body: { channel: { id: 'CE2', workspace: EAST } },
    });
    expect(await call('GET', 'org_grid', `/directory/channels/by-name/${encodeURIComponent('sales (Acme North)')}`)).toMatchObject({
      status: 404,
      body: { error: { code: 'channel_name_not_found' } },
    });
  });

  it('a qualified name as long as Slack allows (an 80-character channel in a workspace with a long name) is found and saved', async () => {
    const longChannel = 'c'.repeat(80);
    const longWorkspace = { id: 'TLONG2', name: `Acme ${'Research and Development '.repeat(4).trim()}` };
    platform.createOrg({ id: 'org_long', name: 'Long names' });
    await connectOrgWide('org_long', 'ELONG1', [{ id: 'TLONG1', name: 'Short' }, longWorkspace]);
    await syncFrom('ELONG1', {
      channels: { TLONG1: [channel('CL1', longChannel, 'TLONG1')], TLONG2: [channel('CL2', longChannel, 'TLONG2')] },
      users: { TLONG1: [], TLONG2: [] },
    });
    const qualified = `#${longChannel} (${longWorkspace.name})`;
    expect(qualified.length).toBeGreaterThan(150);
    expect(await call('GET', 'org_long', `/directory/channels/by-name/${encodeURIComponent(qualified)}`)).toMatchObject({
      status: 200,
      body: { channel: { id: 'CL2', workspace: longWorkspace } },
    });
    expect(await call('PUT', 'org_long', '/settings', { globalChannel: { enabled: true, channel: qualified } })).toMatchObject({ status: 200 });
    expect((await call('GET', 'org_long', '/settings')).body.globalChannel.channel).toMatchObject({ id: 'CL2', workspace: longWorkspace });

    // The long-named workspace taken out of the install, before the directory's next sync: its
    // channel is no longer chosen by name, and the bare name is no longer ambiguous.
    await t.store.installations.setWorkspaces('ELONG1', [{ id: 'TLONG1', name: 'Short' }], new Date());
    expect(await call('GET', 'org_long', `/directory/channels/by-name/${encodeURIComponent(qualified)}`)).toMatchObject({ status: 404 });
    expect(await call('GET', 'org_long', `/directory/channels/by-name/${longChannel}`)).toMatchObject({ status: 200, body: { channel: { id: 'CL1' } } });
  });

  it('the global channel: a shared name is refused on its field; the name with its workspace is saved and shown with it', async () => {
    const refused = await call('PUT', 'org_grid', '/settings', { globalChannel: { enabled: true, channel: '#sales' } });
    expect(refused).toMatchObject({ status: 422, body: { error: { code: 'channel_name_ambiguous', field: 'globalChannel.channel' } } });
    expect(await call('PUT', 'org_grid', '/settings', { globalChannel: { enabled: true, channel: 'sales (acme west)' } })).toMatchObject({
      status: 200,
      body: { globalChannel: { enabled: true, channel: { id: 'CW1', name: 'sales', workspace: WEST } } },
    });
    expect(await call('GET', 'org_grid', '/settings')).toMatchObject({
      status: 200,
      body: { globalChannel: { enabled: true, channel: { id: 'CW1', name: 'sales', workspace: WEST, appInChannel: true } } },
    });
  });

  it('lists a person in two workspaces once, and suggests mappings by email from any workspace', async () => {
    expect((await call('GET', 'org_grid', '/directory')).body.users).toMatchObject({ state: 'ready', items: 3 });
    const ana = await call('GET', 'org_grid', '/directory/users?q=ana');
    expect(ana.body.users.map((u: { id: string }) => u.id)).toEqual(['WANA1']);
    const { body } = await call('GET', 'org_grid', '/agents');
    const agent = (id: string) => body.agents.find((a: { agentId: string }) => a.agentId === id);
    expect(agent('agt_cat').suggestion).toMatchObject({ id: 'WCAT1', username: 'cat' });
    expect(agent('agt_ana').suggestion).toMatchObject({ id: 'WANA1', username: 'ana' });
  });

  it('another org’s Grid directory never shows, and a workspace install answers as before', async () => {
    const other = await call('GET', 'org_other', '/directory/channels?q=sales');
    expect(other.body.channels).toEqual([expect.objectContaining({ id: 'CO1', workspace: { id: 'TOTHER1', name: 'Other Main' } })]);
    expect(await call('GET', 'org_other', '/directory/users?q=cat')).toMatchObject({ status: 200, body: { users: [] } });

    const plain = await call('GET', 'org_ws', '/directory/channels/by-name/sales');
    expect(plain).toMatchObject({ status: 200, body: { channel: { id: 'CP1', sharedExternally: false } } });
    expect(plain.body.channel).not.toHaveProperty('workspace');
  });
});
