// One workspace per org and one org per workspace, except that a disconnected connection blocks
// nobody (a wrong workspace is replaced); and a late "tokens revoked" never undoes a reconnect.
import { describe, expect, it } from 'vitest';
import { useTestStore } from '../support/test-store.ts';
import { installationInput } from '../support/installation-input.ts';

const t = useTestStore('installations');
const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, s));
const input = (orgId: string, teamId: string) => installationInput(orgId, teamId);

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
});
