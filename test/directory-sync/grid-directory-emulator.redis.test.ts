// An org-wide install's directory against the Slack emulator's Enterprise Grid organization (two
// granted workspaces and one not granted, an org token that lists one workspace at a time and
// refuses a list without team_id, org-wide W… user ids, a channel shared through Slack Connect):
// the sync as the worker runs it, through the product's Slack client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { SlackEmulator } from '../../emulators/slack/index.ts';
import { newSecrets, startEmulators, type Emulators } from '../../sandbox/product-env.ts';
import { useTestStore } from '../support/test-store.ts';
import { installationInput } from '../support/installation-input.ts';
import { redisUrl, uniquePrefix } from '../support/services.ts';
import { syncDirectoryKind, type SyncRunDeps } from '../../src/directory-sync/directory-sync.ts';
import { createDirectoryCache } from '../../src/directory/directory-cache.ts';
import { createDirectoryLookup, type DirectoryLookup } from '../../src/directory/directory-lookup.ts';
import { createLocks } from '../../src/locks/redis-locks.ts';
import { createSlackCallBudget } from '../../src/slack/tiered-call-budget.ts';
import { createSlackApi, type SlackApi } from '../../src/slack/slack-api.ts';
import { createJobProducer, createQueues, type Queues } from '../../src/queues/queues.ts';
import { SlackApiError } from '../../src/errors/index.ts';

const t = useTestStore('grid-directory-emulator');
const secrets = newSecrets();
const prefix = uniquePrefix('grid-directory-emulator');
let emulators: Emulators;
let slack: SlackEmulator;
let redis: Redis;
let queues: Queues;
let api: SlackApi;
let deps: SyncRunDeps;
let lookup: DirectoryLookup;
let token: string;
let enterpriseId: string;
const id = {} as Record<'east' | 'west' | 'ana' | 'cat' | 'eastSales' | 'westSales' | 'partners', string>;

beforeAll(async () => {
  emulators = await startEmulators(secrets);
  slack = emulators.slack;
  redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  queues = createQueues(redis, prefix);
  api = createSlackApi({ apiUrl: slack.apiUrl, clientId: secrets.slackClientId, clientSecret: secrets.slackClientSecret });

  enterpriseId = slack.createEnterprise({ name: 'Acme Group' }).id;
  const east = slack.createTeam({ name: 'Acme East', enterpriseId });
  const west = slack.createTeam({ name: 'Acme West', enterpriseId });
  const north = slack.createTeam({ name: 'Acme North', enterpriseId }); // never granted
  const partner = slack.createTeam({ name: 'Partner Co' }); // another company
  id.east = east.id;
  id.west = west.id;
  // One person in both workspaces: one org-wide id in both lists.
  const ana = slack.createUser(east.id, { name: 'ana', realName: 'Ana Both', email: 'ana@acme.test' });
  slack.addUserToTeam(ana.id, west.id);
  id.ana = ana.id;
  id.cat = slack.createUser(west.id, { name: 'cat', realName: 'Cat West', email: 'cat@acme.test' }).id;
  slack.createUser(north.id, { name: 'nell', realName: 'Nell North' });

  const install = slack.installOrg(enterpriseId);
  token = install.botToken;
  slack.grantTeamAccess(enterpriseId, [east.id, west.id]);
  id.eastSales = slack.createChannel(east.id, { name: 'sales', memberIds: [install.botUserId, ana.id] }).id;
  id.westSales = slack.createChannel(west.id, { name: 'sales', memberIds: [install.botUserId, ana.id] }).id;
  id.partners = slack.createChannel(west.id, { name: 'partner-deals', memberIds: [install.botUserId, id.cat] }).id;
  slack.shareChannel(id.partners, partner.id);
  slack.createChannel(north.id, { name: 'north-secrets' });

  const saved = await t.store.installations.save(
    installationInput('org_grid', enterpriseId, {
      enterpriseId,
      kind: 'enterprise',
      workspaces: [
        { id: east.id, name: 'Acme East' },
        { id: west.id, name: 'Acme West' },
      ],
      teamName: 'Acme Group',
      appId: install.appId,
      botUserId: install.botUserId,
      botToken: install.botToken,
    }),
    new Date(),
  );
  if (!saved.ok) throw new Error(saved.reason);
  deps = {
    store: t.store,
    slack: api,
    producer: createJobProducer(queues),
    locks: createLocks(redis, prefix),
    logger: pino({ level: 'silent' }),
    now: () => new Date(),
    directoryCache: createDirectoryCache(redis, prefix),
    callBudget: createSlackCallBudget(redis, prefix),
    directoryResyncHours: 6,
  };
  lookup = createDirectoryLookup({
    cache: deps.directoryCache,
    directory: t.store.slackDirectory,
    installations: t.store.installations,
    slack: api,
    callBudget: deps.callBudget,
    now: deps.now,
    maxBudgetWaitMs: 1000,
  });
  for (const kind of ['channels', 'users'] as const) await syncDirectoryKind(deps, enterpriseId, kind, Date.now());
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(queues ?? {}).map((q) => q.obliterate({ force: true }).catch(() => undefined)));
  await Promise.all(Object.values(queues ?? {}).map((q) => q.close()));
  redis?.disconnect();
  await emulators?.close();
});

describe('an org-wide install’s directory, synced from the Slack emulator', () => {
  it('the org token lists a workspace only with its team_id: the sync passes it for each granted workspace', async () => {
    await expect(api.listChannels(token, { cursor: null, limit: 10 })).rejects.toThrow(SlackApiError);
    const lists = slack.calls({ method: 'conversations.list' }).filter((c) => c.response.ok === true);
    expect(lists.map((c) => c.params['team_id']).sort()).toEqual([id.east, id.west].sort());
    expect(
      slack
        .calls({ method: 'users.list' })
        .filter((c) => c.response.ok === true)
        .map((c) => c.params['team_id'])
        .sort(),
    ).toEqual([id.east, id.west].sort());
  });

  it('channels of both granted workspaces, each naming its workspace; none of the workspace not granted; Slack Connect marked', async () => {
    const sales = await lookup.channelsByName(enterpriseId, 'sales');
    expect(sales.map((c) => [c.id, c.workspaceId]).sort()).toEqual(
      [
        [id.eastSales, id.east],
        [id.westSales, id.west],
      ].sort(),
    );
    expect(await lookup.channelByName(enterpriseId, 'north-secrets')).toBeNull();
    expect(await lookup.channel(enterpriseId, id.partners)).toMatchObject({ name: 'partner-deals', workspaceId: id.west, isExtShared: true });
  });

  it('a person in both workspaces is kept and counted once; found by email from either', async () => {
    const status = await lookup.status(enterpriseId);
    const people = await lookup.searchUsers(enterpriseId, '', { limit: 100, includeInactive: true });
    expect(new Set(people.map((u) => u.id)).size).toBe(people.length);
    expect(status.users).toMatchObject({ state: 'ready', items: people.length });
    expect(people.filter((u) => u.username === 'ana').map((u) => u.id)).toEqual([id.ana]);
    expect(people.some((u) => u.username === 'nell')).toBe(false);
    expect(await lookup.userByEmail(enterpriseId, 'cat@acme.test')).toMatchObject({ id: id.cat });
  });

  it('a channel the directory lacks is looked up by ID org-wide (conversations.info), naming its workspace', async () => {
    const later = slack.createChannel(id.west, { name: 'late-private', isPrivate: true, memberIds: [id.cat] });
    slack.addToChannel(later.id, (await t.store.installations.findByTeam(enterpriseId))!.botUserId, id.cat);
    expect(await lookup.channel(enterpriseId, later.id)).toMatchObject({ id: later.id, name: 'late-private', isPrivate: true, workspaceId: id.west });
  });
});
