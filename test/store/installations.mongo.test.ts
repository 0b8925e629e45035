// One installation per org and one org per installation, except that a disconnected connection
// blocks nobody (a wrong workspace is replaced); within an Enterprise Grid organization an org-wide
// install and a workspace install of one of its workspaces never serve two orgs; an org-wide
// install's granted workspaces are stored; and a late "tokens revoked" never undoes a reconnect.
import { describe, expect, it } from 'vitest';
import { useTestStore } from '../support/test-store.ts';
import { installationInput } from '../support/installation-input.ts';

const t = useTestStore('installations');
const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, s));
const input = installationInput;

describe('installations', () => {
  it('refuses a second workspace or a second org while connected, and lets a disconnected one be replaced', async () => {
    expect(await t.store.installations.save(input('org_1', 'T1'), at(0))).toEqual({ ok: true });
    expect(await t.store.installations.save(input('org_1', 'T2'), at(1))).toMatchObject({ ok: false, reason: 'org_has_other_workspace' });
    expect(await t.store.installations.save(input('org_2', 'T1'), at(2))).toMatchObject({ ok: false, reason: 'workspace_taken' });

    await t.store.installations.markDisconnected('T1', 'disconnected by an admin', at(3));
    expect(await t.store.installations.save(input('org_1', 'T2'), at(4))).toEqual({ ok: true });
    expect(await t.store.installations.findByOrg('org_1')).toMatchObject({ teamId: 'T2', status: 'active' });
    expect(await t.store.installations.botToken('T2', null)).toBe('xoxb-T2');
    expect(await t.store.installations.findByTeam('T1')).toBeNull();
    // The freed workspace may now serve another org.
    expect(await t.store.installations.save(input('org_3', 'T1'), at(5))).toEqual({ ok: true });
  });

  it('ignores a disconnect that happened before the latest connect', async () => {
    expect(await t.store.installations.save(input('org_4', 'T4'), at(10))).toEqual({ ok: true });
    await t.store.installations.markDisconnected('T4', 'tokens_revoked', at(11), at(9));
    expect((await t.store.installations.findByTeam('T4'))!.status).toBe('active');
    await t.store.installations.markDisconnected('T4', 'tokens_revoked', at(12), at(11));
    expect((await t.store.installations.findByTeam('T4'))!.status).toBe('disconnected');
  });

  const orgWide = (orgId: string, enterpriseId: string) =>
    installationInput(orgId, enterpriseId, { kind: 'enterprise', enterpriseId, teamName: `Grid ${enterpriseId}` });

  it('an org-wide install: keyed by the organization, no workspace until one is granted, then the granted ones', async () => {
    expect(await t.store.installations.save(orgWide('org_grid', 'E1'), at(20))).toEqual({ ok: true });
    expect(await t.store.installations.findByOrg('org_grid')).toMatchObject({
      teamId: 'E1',
      kind: 'enterprise',
      enterpriseId: 'E1',
      teamName: 'Grid E1',
      workspaces: [],
    });
    const granted = [
      { id: 'T1A', name: 'Sales' },
      { id: 'T1B', name: 'Support' },
    ];
    expect(await t.store.installations.setWorkspaces('E1', granted, at(21))).toBe(true);
    expect((await t.store.installations.findByTeam('E1'))!.workspaces).toEqual(granted);
    // A reinstall keeps what was granted until the worker reads it again.
    expect(await t.store.installations.save(orgWide('org_grid', 'E1'), at(22))).toEqual({ ok: true });
    expect((await t.store.installations.findByTeam('E1'))!.workspaces).toEqual(granted);
    // A workspace install is its own one workspace: grants do not apply to it.
    expect(await t.store.installations.save(input('org_ws', 'T9'), at(23))).toEqual({ ok: true });
    expect(await t.store.installations.setWorkspaces('T9', granted, at(24))).toBe(false);
    expect((await t.store.installations.findByTeam('T9'))!).toMatchObject({ kind: 'workspace', workspaces: [{ id: 'T9', name: 'Team T9' }] });
  });

  it('refuses an org-wide install while another org has one of its workspaces, and a workspace install while another org has its organization', async () => {
    expect(await t.store.installations.save(input('org_a', 'T2A', { enterpriseId: 'E2' }), at(30))).toEqual({ ok: true });
    expect(await t.store.installations.save(orgWide('org_b', 'E2'), at(31))).toEqual({ ok: false, reason: 'overlaps_other_org', otherId: expect.any(String) });
    expect(await t.store.installations.findByTeam('E2')).toBeNull();

    expect(await t.store.installations.save(orgWide('org_c', 'E3'), at(32))).toEqual({ ok: true });
    expect(await t.store.installations.save(input('org_d', 'T3A', { enterpriseId: 'E3' }), at(33))).toMatchObject({ ok: false, reason: 'overlaps_other_org' });
    expect(await t.store.installations.findByTeam('T3A')).toBeNull();
    // The same org's own workspace install in its organization is its second installation: refused as such.
    expect(await t.store.installations.save(input('org_c', 'T3A', { enterpriseId: 'E3' }), at(34))).toMatchObject({
      ok: false,
      reason: 'org_has_other_workspace',
    });

    // Once the other org's install is disconnected, it blocks nobody.
    await t.store.installations.markDisconnected('T2A', 'app_uninstalled', at(35));
    expect(await t.store.installations.save(orgWide('org_b', 'E2'), at(36))).toEqual({ ok: true });
  });
});
