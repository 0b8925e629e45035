// The health check's facts cost the same few store round trips whatever the org holds: a look
// at an org with 40 open chats and 10 undeliverable ones makes as many queries as one with a
// tenth of them (never one query per chat), and what it gathers is the org's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandStartedEvent } from 'mongodb';
import { connectMongo, createStore, ensureIndexes, type Mongo, type Store } from '../../src/store/index.ts';
import { createTokenCipher } from '../../src/crypto/token-cipher.ts';
import { gatherHealthFacts, type OrgHealthDeps } from '../../src/health/org-health.ts';
import { undeliverableReasons } from '../../src/routing/undeliverable-reasons.ts';
import { botScopes } from '../../src/slack/bot-scopes.ts';
import type { Conversation } from '../../src/platform/webhook-events.ts';
import { mongoUrl, uniqueDbName } from '../support/services.ts';
import { installationInput } from '../support/installation-input.ts';

const NOW = new Date('2026-12-07T10:00:00.000Z');
const chat = (orgId: string, id: string, routingGroupId: string): Conversation => ({
  id,
  orgId,
  routingGroupId,
  source: 'web',
  pageUrl: null,
  startedAt: new Date(NOW.getTime() - 600_000).toISOString(),
  visitor: { id: `v_${id}`, name: `Visitor ${id}`, email: null, company: null },
  account: null,
});

let mongo: Mongo;
let store: Store;
const commands: string[] = [];
const record = (e: CommandStartedEvent) => commands.push(`${e.commandName} ${String((e.command as Record<string, unknown>)[e.commandName])}`);

async function seedOrg(orgId: string, teamId: string, open: number, undeliverable: number): Promise<void> {
  await store.installations.save(installationInput(orgId, teamId, { scopes: [...botScopes] }), NOW);
  await store.orgSettings.save({ orgId, channelIdMode: false, globalChannelEnabled: false, globalChannelId: null }, NOW);
  await store.slackRouting.setGroupChannel(orgId, 'g_sales', 'C_SALES', NOW);
  for (let i = 0; i < open; i++) await store.conversations.recordSnapshot(chat(orgId, `${orgId}_open_${i}`, 'g_sales'), NOW);
  for (let i = 0; i < undeliverable; i++) {
    await store.conversations.recordSnapshot(chat(orgId, `${orgId}_lost_${i}`, 'g_sales'), NOW);
    await store.conversations.markUndeliverable(orgId, `${orgId}_lost_${i}`, undeliverableReasons.nowhere(['Sales has no Slack channel']), NOW);
  }
}

function depsFor(): OrgHealthDeps {
  return {
    store,
    directory: { channel: async (_teamId, id) => ({ id, name: 'sales', isPrivate: false, isArchived: false, isMember: true, memberCount: 3 }) },
    platform: {
      listAgents: async () => [{ id: 'a1', name: 'Ana', email: 'ana@x.test', status: 'online' }],
      listRoutingGroups: async () => [{ id: 'g_sales', name: 'Sales', memberAgentIds: ['a1'] }],
    },
    now: () => NOW,
  };
}

async function counted(orgId: string) {
  commands.length = 0;
  const facts = await gatherHealthFacts(depsFor(), orgId, 'https://tb.test/slack/install');
  return { facts, commands: [...commands] };
}

beforeAll(async () => {
  mongo = await connectMongo(mongoUrl(), uniqueDbName('org-health'), { monitorCommands: true });
  await ensureIndexes(mongo.db);
  store = createStore(mongo.db, createTokenCipher(Buffer.alloc(32, 5)));
  await seedOrg('org_small', 'T_SMALL', 4, 1);
  await seedOrg('org_large', 'T_LARGE', 40, 10);
  mongo.client.on('commandStarted', record);
}, 60_000);
afterAll(async () => {
  mongo?.client.off('commandStarted', record);
  await mongo?.db.dropDatabase();
  await mongo?.close();
});

describe('the health check’s facts', () => {
  it('take as many store round trips for 50 chats as for 5, and only the org’s own', async () => {
    const small = await counted('org_small');
    const large = await counted('org_large');
    expect(large.commands.length).toBe(small.commands.length);
    // Installation, settings, groups' channels, mappings, problems, activity, and two queries each for open and undeliverable chats.
    expect(large.commands.length).toBeLessThanOrEqual(10);

    expect(large.facts.openChats).toHaveLength(50);
    expect(large.facts.undeliverable).toHaveLength(10);
    expect(large.facts.undeliverable[0]).toMatchObject({ visitorName: expect.stringMatching(/^Visitor org_large_lost_/), routingGroupId: 'g_sales' });
    expect(large.facts.openChats.every((c) => c.conversationId.startsWith('org_large_'))).toBe(true);
    expect(large.facts.groups).toEqual([{ id: 'g_sales', name: 'Sales', memberAgentIds: ['a1'], channelId: 'C_SALES' }]);
    expect(large.facts.channels.get('C_SALES')).toMatchObject({ kind: 'found', name: 'sales' });
    expect(large.facts.installation).toMatchObject({ teamId: 'T_LARGE', status: 'active', disconnectReason: null });
  });
});
