// Confirmations of Slack Connect channels in an org's settings on the test server (FerretDB): kept
// per channel with who and when, beside the settings (an org that never saved any gets their
// defaults), untouched by a settings save, each org apart; a channel id that is not one is refused.
import { describe, expect, it } from 'vitest';
import { useTestStore } from '../support/test-store.ts';

const t = useTestStore('shared-channel-confirmations');
const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 10, minute));

describe('shared channel confirmations', () => {
  it('keeps each channel’s confirmation, for an org that never saved settings too, and a settings save keeps them', async () => {
    const settings = t.store.orgSettings;
    await settings.confirmSharedChannel('org_new', 'C0PARTNER', { by: { kind: 'org-admin', userId: 'usr_1', userName: 'Ada' }, at: at(1) });
    expect(await settings.get('org_new')).toEqual({
      orgId: 'org_new',
      channelIdMode: false,
      globalChannelEnabled: false,
      globalChannelId: null,
      sharedChannelConfirmations: { C0PARTNER: { by: { kind: 'org-admin', userId: 'usr_1', userName: 'Ada' }, at: at(1) } },
      updatedAt: at(1),
    });

    await settings.confirmSharedChannel('org_new', 'C0OTHER', { by: { kind: 'operator' }, at: at(2) });
    const { sharedChannelConfirmations: _kept, updatedAt: _u, ...rest } = (await settings.get('org_new'))!;
    await settings.save({ ...rest, globalChannelEnabled: true, globalChannelId: 'C0OTHER' }, at(3));
    expect((await settings.get('org_new'))?.sharedChannelConfirmations).toEqual({
      C0PARTNER: { by: { kind: 'org-admin', userId: 'usr_1', userName: 'Ada' }, at: at(1) },
      C0OTHER: { by: { kind: 'operator' }, at: at(2) },
    });
    expect(await settings.get('org_other')).toBeNull();
  });

  it('refuses what is not a channel id (it names a field of the document)', async () => {
    await expect(t.store.orgSettings.confirmSharedChannel('org_x', 'C1.$where', { by: { kind: 'operator' }, at: at(1) })).rejects.toThrow(
      'not a Slack channel id',
    );
    expect(await t.store.orgSettings.get('org_x')).toBeNull();
  });
});
