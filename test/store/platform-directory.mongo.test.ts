// The platform directory: a status from agent.status_changed and a status from a fetch of
// GET /agents meet in one document; whichever is newer wins, in either order.
import { describe, expect, it } from 'vitest';
import { useTestStore } from '../support/test-store.ts';

const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, s));
const agent = (status: 'online' | 'dnd' | 'offline') => ({ agentId: 'a1', name: 'Alice', email: 'a@x.test', status });

const t = useTestStore('directory');

describe('platform directory', () => {
  it('stores a fetch of agents and groups, and replaces what the next fetch no longer lists', async () => {
    await t.store.platformDirectory.saveSnapshot(
      'org_a',
      [agent('online'), { ...agent('dnd'), agentId: 'a2', name: 'Bob' }],
      [{ groupId: 'g1', name: 'Sales', memberAgentIds: ['a1', 'a2'] }],
      at(0),
    );
    await t.store.platformDirectory.saveSnapshot('org_a', [agent('online')], [{ groupId: 'g2', name: 'Support', memberAgentIds: ['a1'] }], at(1));
    const directory = await t.store.platformDirectory.load('org_a');
    expect(directory).toEqual({ agents: [agent('online')], groups: [{ groupId: 'g2', name: 'Support', memberAgentIds: ['a1'] }], fetchedAt: at(1) });
  });

  it('keeps a status event that is newer than the fetch that follows it', async () => {
    await t.store.platformDirectory.saveSnapshot('org_b', [agent('online')], [], at(0));
    await t.store.platformDirectory.setAgentStatus('org_b', 'a1', 'dnd', at(10));
    await t.store.platformDirectory.saveSnapshot('org_b', [agent('online')], [], at(5));
    expect((await t.store.platformDirectory.load('org_b')).agents).toEqual([agent('dnd')]);
  });

  it('lets a newer fetch override an older status event, and ignores an event older than what it has', async () => {
    await t.store.platformDirectory.saveSnapshot('org_c', [agent('online')], [], at(0));
    await t.store.platformDirectory.setAgentStatus('org_c', 'a1', 'dnd', at(1));
    await t.store.platformDirectory.saveSnapshot('org_c', [agent('offline')], [], at(2));
    await t.store.platformDirectory.setAgentStatus('org_c', 'a1', 'online', at(1));
    expect((await t.store.platformDirectory.load('org_c')).agents).toEqual([agent('offline')]);
  });

  it('remembers the status of an agent it has not fetched yet', async () => {
    await t.store.platformDirectory.setAgentStatus('org_d', 'a9', 'dnd', at(0));
    expect((await t.store.platformDirectory.load('org_d')).agents).toEqual([{ agentId: 'a9', name: 'a9', email: '', status: 'dnd' }]);
  });
});
