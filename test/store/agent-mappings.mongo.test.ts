// A workspace leaving an org takes nothing with it: connecting a workspace retires the mappings
// that tie it to another org (or its org to another workspace); live mappings are unique per
// Slack user of a workspace; a lookup by Slack user answers for one org only; a database from
// before these rules has its stray mappings retired before the unique index is built.
import { describe, expect, it } from 'vitest';
import { useTestStore } from '../support/test-store.ts';
import { ensureIndexes } from '../../src/store/index.ts';
import { installationInput } from '../support/installation-input.ts';

const t = useTestStore('agent-mappings');
const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, s));
const install = (orgId: string, teamId: string) => installationInput(orgId, teamId, { botUserId: `UB${teamId}` });
const retired = (orgId: string) =>
  t.mongo.db
    .collection('agent_mappings_retired')
    .find({ orgId }, { projection: { _id: 0, agentId: 1, teamId: 1, slackUserId: 1, reason: 1 } })
    .toArray();

describe('agent mappings across a workspace moving between orgs', () => {
  it('retires the old org’s mappings when another org connects its workspace, and the new org maps the same people freely', async () => {
    const { installations, agentMappings } = t.store;
    expect(await installations.save(install('org_b', 'T_MOVE'), at(0))).toEqual({ ok: true });
    expect(await agentMappings.map({ orgId: 'org_b', agentId: 'ag_bea', teamId: 'T_MOVE', slackUserId: 'U_BEA' }, at(1))).toEqual({ ok: true });
    expect(await agentMappings.map({ orgId: 'org_b', agentId: 'ag_ben', teamId: 'T_MOVE', slackUserId: 'U_BEN' }, at(1))).toEqual({ ok: true });

    // Disconnected: kept as they are (inert: no active installation lets anything act on them).
    await installations.markDisconnected('T_MOVE', 'disconnected_by_admin', at(2));
    expect(await agentMappings.listForOrg('org_b')).toHaveLength(2);

    // Another org connects the workspace: org B's mappings there are retired, kept for history.
    expect(await installations.save(install('org_c', 'T_MOVE'), at(3))).toEqual({ ok: true });
    expect(await agentMappings.listForOrg('org_b')).toEqual([]);
    expect(await agentMappings.findBySlackUser('org_b', 'T_MOVE', 'U_BEA')).toBeNull();
    expect((await retired('org_b')).sort((a, b) => String(a['agentId']).localeCompare(String(b['agentId'])))).toEqual([
      { agentId: 'ag_bea', teamId: 'T_MOVE', slackUserId: 'U_BEA', reason: 'workspace_moved' },
      { agentId: 'ag_ben', teamId: 'T_MOVE', slackUserId: 'U_BEN', reason: 'workspace_moved' },
    ]);

    expect(await agentMappings.map({ orgId: 'org_c', agentId: 'ag_cora', teamId: 'T_MOVE', slackUserId: 'U_BEA' }, at(4))).toEqual({ ok: true });
    expect(await agentMappings.findBySlackUser('org_c', 'T_MOVE', 'U_BEA')).toEqual({
      orgId: 'org_c',
      agentId: 'ag_cora',
      teamId: 'T_MOVE',
      slackUserId: 'U_BEA',
    });
    // A lookup answers for the org asked about only.
    expect(await agentMappings.findBySlackUser('org_b', 'T_MOVE', 'U_BEA')).toBeNull();
    // The token is the new org's to use; the old org's work gets none.
    expect(await installations.botToken('T_MOVE', 'org_c')).toBe('xoxb-T_MOVE');
    expect(await installations.botToken('T_MOVE', 'org_b')).toBeNull();
  });

  it('retires an org’s mappings of its old workspace when it connects another one', async () => {
    const { installations, agentMappings } = t.store;
    expect(await installations.save(install('org_d', 'T_OLD'), at(10))).toEqual({ ok: true });
    await agentMappings.map({ orgId: 'org_d', agentId: 'ag_dan', teamId: 'T_OLD', slackUserId: 'U_DAN' }, at(11));
    await installations.markDisconnected('T_OLD', 'disconnected_by_admin', at(12));
    expect(await installations.save(install('org_d', 'T_NEW'), at(13))).toEqual({ ok: true });
    expect(await agentMappings.listForOrg('org_d')).toEqual([]);
    expect(await retired('org_d')).toEqual([{ agentId: 'ag_dan', teamId: 'T_OLD', slackUserId: 'U_DAN', reason: 'org_moved' }]);
  });

  it('keeps the mappings when the same org connects the same workspace again', async () => {
    const { installations, agentMappings } = t.store;
    expect(await installations.save(install('org_e', 'T_BACK'), at(20))).toEqual({ ok: true });
    await agentMappings.map({ orgId: 'org_e', agentId: 'ag_eve', teamId: 'T_BACK', slackUserId: 'U_EVE' }, at(21));
    await installations.markDisconnected('T_BACK', 'tokens_revoked', at(22));
    expect(await installations.save(install('org_e', 'T_BACK'), at(23))).toEqual({ ok: true });
    expect(await agentMappings.findBySlackUser('org_e', 'T_BACK', 'U_EVE')).toMatchObject({ agentId: 'ag_eve' });
  });

  it('holds one live mapping per Slack user of a workspace', async () => {
    const { agentMappings } = t.store;
    expect(await agentMappings.map({ orgId: 'org_f', agentId: 'ag_1', teamId: 'T_UNIQ', slackUserId: 'U_ONE' }, at(30))).toEqual({ ok: true });
    // Another org writing a mapping for the same person (a race with the retirement) is refused, not doubled.
    expect(await agentMappings.map({ orgId: 'org_g', agentId: 'ag_2', teamId: 'T_UNIQ', slackUserId: 'U_ONE' }, at(31))).toEqual({
      ok: false,
      reason: 'taken',
    });
    // Within one org, mapping the person to another agent moves the mapping (one person, one agent).
    expect(await agentMappings.map({ orgId: 'org_f', agentId: 'ag_3', teamId: 'T_UNIQ', slackUserId: 'U_ONE' }, at(32))).toEqual({ ok: true });
    expect(await agentMappings.listForOrg('org_f')).toEqual([{ orgId: 'org_f', agentId: 'ag_3', teamId: 'T_UNIQ', slackUserId: 'U_ONE' }]);
  });
});

describe('mappings stored before the rule', () => {
  it('are retired where they no longer fit, before the unique index is built', async () => {
    const db = t.mongo.db.client.db(`${t.mongo.db.databaseName}-legacy`);
    try {
      // What an older release left: org B's mappings kept after org C connected the workspace,
      // both orgs mapping the same person, and a duplicate within one org.
      await db.collection('installations').insertOne({ _id: 'T_L' as never, orgId: 'org_c', status: 'active' });
      await db.collection('agent_mappings').createIndex({ teamId: 1, slackUserId: 1 }, { name: 'team_user' });
      await db.collection('agent_mappings').insertMany([
        { _id: 'org_b:ag_bea' as never, orgId: 'org_b', agentId: 'ag_bea', teamId: 'T_L', slackUserId: 'U_BEA', updatedAt: at(0) },
        { _id: 'org_c:ag_cora' as never, orgId: 'org_c', agentId: 'ag_cora', teamId: 'T_L', slackUserId: 'U_BEA', updatedAt: at(1) },
        { _id: 'org_c:ag_old' as never, orgId: 'org_c', agentId: 'ag_old', teamId: 'T_L', slackUserId: 'U_SAM', updatedAt: at(2) },
        { _id: 'org_c:ag_sam' as never, orgId: 'org_c', agentId: 'ag_sam', teamId: 'T_L', slackUserId: 'U_SAM', updatedAt: at(3) },
      ]);
      await ensureIndexes(db);
      const live = await db
        .collection('agent_mappings')
        .find({}, { projection: { _id: 0, orgId: 1, agentId: 1 } })
        .sort({ agentId: 1 })
        .toArray();
      expect(live).toEqual([
        { orgId: 'org_c', agentId: 'ag_cora' },
        { orgId: 'org_c', agentId: 'ag_sam' },
      ]);
      const gone = await db
        .collection('agent_mappings_retired')
        .find({}, { projection: { _id: 0, agentId: 1, reason: 1 } })
        .sort({ agentId: 1 })
        .toArray();
      expect(gone).toEqual([
        { agentId: 'ag_bea', reason: 'migration' },
        { agentId: 'ag_old', reason: 'migration' },
      ]);
      const indexes = (await db.collection('agent_mappings').listIndexes().toArray()).map((i) => [i['name'], i['unique'] ?? false]);
      expect(indexes).toContainEqual(['team_user_unique', true]);
      expect(indexes.map(([name]) => name)).not.toContain('team_user');
      // Idempotent: a second start changes nothing.
      await ensureIndexes(db);
      expect(await db.collection('agent_mappings').countDocuments()).toBe(2);
    } finally {
      await db.dropDatabase();
    }
  });
});
