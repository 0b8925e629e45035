// The admin change history on the test server (FerretDB): who changed what and when, the last
// change of each section, newest first, each org apart.
import { describe, expect, it } from 'vitest';
import { useTestStore } from '../support/test-store.ts';

const t = useTestStore('admin-changes');
const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 10, minute));

describe('admin changes', () => {
  it('keeps the last change of each section, by whom and when, per org', async () => {
    const changes = t.store.adminChanges;
    await changes.record({
      orgId: 'org_a',
      section: 'settings',
      action: 'settings.saved',
      subject: null,
      actor: { kind: 'org-admin', userId: 'usr_1' },
      at: at(1),
    });
    await changes.record({
      orgId: 'org_a',
      section: 'agents',
      action: 'agent.mapped',
      subject: 'agt_1',
      actor: { kind: 'org-admin', userId: 'usr_1' },
      at: at(2),
    });
    await changes.record({ orgId: 'org_a', section: 'settings', action: 'settings.saved', subject: null, actor: { kind: 'operator' }, at: at(3) });
    await changes.record({
      orgId: 'org_b',
      section: 'connection',
      action: 'slack.disconnected',
      subject: 'T1',
      actor: { kind: 'org-admin', userId: 'usr_9' },
      at: at(4),
    });

    expect(await changes.lastBySection('org_a')).toEqual({
      connection: null,
      settings: { orgId: 'org_a', section: 'settings', action: 'settings.saved', subject: null, actor: { kind: 'operator' }, at: at(3) },
      chatHandling: null,
      agents: { orgId: 'org_a', section: 'agents', action: 'agent.mapped', subject: 'agt_1', actor: { kind: 'org-admin', userId: 'usr_1' }, at: at(2) },
      routingGroups: null,
      digest: null,
    });
    expect((await changes.recent('org_a', 2)).map((c) => c.at)).toEqual([at(3), at(2)]);
    expect((await changes.lastBySection('org_b')).connection).toMatchObject({ action: 'slack.disconnected', actor: { userId: 'usr_9' } });
  });
});
