// The platform directory: a status from agent.status_changed and a status from a fetch of
// GET /agents meet in one document; whichever is newer wins, in either order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMongo, createStore, ensureIndexes, type Mongo, type Store } from '../../src/store/index.ts';
import { createTokenCipher } from '../../src/crypto/token-cipher.ts';
import { mongoUrl, uniqueDbName } from '../support/services.ts';

let mongo: Mongo;
let store: Store;
const t = (s: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, s));
const agent = (status: 'online' | 'dnd' | 'offline') => ({ agentId: 'a1', name: 'Alice', email: 'a@x.test', status });

beforeAll(async () => {
  mongo = await connectMongo(mongoUrl(), uniqueDbName('directory'));
  await ensureIndexes(mongo.db);
  store = createStore(mongo.db, createTokenCipher(Buffer.alloc(32, 1)));
});
afterAll(async () => {
  await mongo.db.dropDatabase();
  await mongo.close();
});

describe('platform directory', () => {
  it('stores a fetch of agents and groups, and replaces what the next fetch no longer lists', async () => {
    await store.platformDirectory.saveSnapshot('org_a', [agent('online'), { ...agent('dnd'), agentId: 'a2', name: 'Bob' }], [{ groupId: 'g1', name: 'Sales', memberAgentIds: ['a1', 'a2'] }], t(0));
    await store.platformDirectory.saveSnapshot('org_a', [agent('online')], [{ groupId: 'g2', name: 'Support', memberAgentIds: ['a1'] }], t(1));
    const directory = await store.platformDirectory.load('org_a');
    expect(directory).toEqual({ agents: [agent('online')], groups: [{ groupId: 'g2', name: 'Support', memberAgentIds: ['a1'] }], fetchedAt: t(1) });
  });

  it('keeps a status event that is newer than the fetch that follows it', async () => {
    await store.platformDirectory.saveSnapshot('org_b', [agent('online')], [], t(0));
    await store.platformDirectory.setAgentStatus('org_b', 'a1', 'dnd', t(10));
    await store.platformDirectory.saveSnapshot('org_b', [agent('online')], [], t(5));
    expect((await store.platformDirectory.load('org_b')).agents).toEqual([agent('dnd')]);
  });

  it('lets a newer fetch override an older status event, and ignores an event older than what it has', async () => {
    await store.platformDirectory.saveSnapshot('org_c', [agent('online')], [], t(0));
    await store.platformDirectory.setAgentStatus('org_c', 'a1', 'dnd', t(1));
    await store.platformDirectory.saveSnapshot('org_c', [agent('offline')], [], t(2));
    await store.platformDirectory.setAgentStatus('org_c', 'a1', 'online', t(1));
    expect((await store.platformDirectory.load('org_c')).agents).toEqual([agent('offline')]);
  });

  it('remembers the status of an agent it has not fetched yet', async () => {
    await store.platformDirectory.setAgentStatus('org_d', 'a9', 'dnd', t(0));
    expect((await store.platformDirectory.load('org_d')).agents).toEqual([{ agentId: 'a9', name: 'a9', email: '', status: 'dnd' }]);
  });
});
