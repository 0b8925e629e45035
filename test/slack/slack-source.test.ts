// Which installation and workspace a Slack event or interaction names (src/slack/slack-source.ts),
// table by table, with the payload shapes Slack documents for workspace and org-wide (Enterprise
// Grid) installs: the key every job carries, and the refusal of a payload that names none.
import { describe, expect, it } from 'vitest';
import { eventSource, interactionSource, type EventSourceFields, type InteractionSourceFields } from '../../src/slack/slack-source.ts';

const orgWideAuthorization = { enterprise_id: 'E0GRID', team_id: null, user_id: 'WBOT', is_bot: true, is_enterprise_install: true };

describe('an event’s installation and workspace', () => {
  it.each<[string, EventSourceFields, { installKey: string; workspaceId: string | null }]>([
    [
      'a workspace install',
      { team_id: 'T0001', authorizations: [{ enterprise_id: null, team_id: 'T0001', is_enterprise_install: false }] },
      { installKey: 'T0001', workspaceId: 'T0001' },
    ],
    [
      'a workspace install in a Grid organization (keyed by the workspace, not the organization)',
      { team_id: 'T0001', enterprise_id: 'E0GRID', authorizations: [{ enterprise_id: 'E0GRID', team_id: 'T0001', is_enterprise_install: false }] },
      { installKey: 'T0001', workspaceId: 'T0001' },
    ],
    [
      'an org-wide install, from one of its workspaces',
      { team_id: 'T0002', enterprise_id: 'E0GRID', authorizations: [orgWideAuthorization] },
      { installKey: 'E0GRID', workspaceId: 'T0002' },
    ],
    [
      'an org-wide install’s team_access_granted (no team_id in the envelope)',
      { enterprise_id: 'E0GRID', authorizations: [orgWideAuthorization] },
      { installKey: 'E0GRID', workspaceId: null },
    ],
    [
      'team_access_granted with team_id null and the organization only in authorizations',
      { team_id: null, authorizations: [orgWideAuthorization] },
      { installKey: 'E0GRID', workspaceId: null },
    ],
    ['an older envelope without authorizations', { team_id: 'T0001' }, { installKey: 'T0001', workspaceId: 'T0001' }],
    [
      'team_access_granted as Slack’s event page shows it (no authorizations, team_id null, the organization in enterprise_id)',
      { event: { type: 'team_access_granted' }, team_id: null, enterprise_id: 'E0GRID' },
      { installKey: 'E0GRID', workspaceId: null },
    ],
    [
      'team_access_revoked whose authorizations[0] names a workspace (is_enterprise_install false, as the docs’ wrapper example): still the organization’s',
      {
        event: { type: 'team_access_revoked' },
        team_id: 'T0001',
        enterprise_id: 'E0GRID',
        authorizations: [{ enterprise_id: 'E0GRID', team_id: 'T0001', is_enterprise_install: false }],
      },
      { installKey: 'E0GRID', workspaceId: 'T0001' },
    ],
    [
      'an org-level event without authorizations or team, the envelope naming the organization (app_uninstalled of an org-wide install)',
      { event: { type: 'app_uninstalled' }, team_id: null, enterprise_id: 'E0GRID', is_enterprise_install: true },
      { installKey: 'E0GRID', workspaceId: null },
    ],
  ])('%s', (_, envelope, expected) => {
    expect(eventSource(envelope)).toEqual({ ok: true, source: expected });
  });

  it.each<[string, EventSourceFields, RegExp]>([
    ['nothing to name', { team_id: null, authorizations: [] }, /authorizations\[0\]\.team_id and team_id are both missing/],
    ['an org-wide install without its organization', { team_id: 'T0002', authorizations: [{ team_id: null, is_enterprise_install: true }] }, /enterprise_id/],
  ])('refused: %s, naming the fields', (_, envelope, missing) => {
    const result = eventSource(envelope);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.missing).toMatch(missing);
  });
});

describe('an interaction’s installation and workspace', () => {
  it.each<[string, InteractionSourceFields, { installKey: string; workspaceId: string | null }]>([
    [
      'a workspace install',
      { team: { id: 'T0001', enterprise_id: null }, is_enterprise_install: false, user: { team_id: 'T0001' } },
      { installKey: 'T0001', workspaceId: 'T0001' },
    ],
    [
      'an org-wide install: team null, the organization and the user’s workspace',
      { team: null, enterprise: { id: 'E0GRID' }, is_enterprise_install: true, user: { team_id: 'T0002' } },
      { installKey: 'E0GRID', workspaceId: 'T0002' },
    ],
    [
      'an org-wide install’s view, with app_installed_team_id',
      {
        team: null,
        enterprise: { id: 'E0GRID' },
        is_enterprise_install: true,
        user: { team_id: 'T0002' },
        view: { app_installed_team_id: 'T0002' },
      },
      { installKey: 'E0GRID', workspaceId: 'T0002' },
    ],
    [
      'a view opened in another workspace (Slack Connect): keyed by app_installed_team_id, as bolt-js does',
      { team: { id: 'T0OTHER' }, is_enterprise_install: false, user: { team_id: 'T0OTHER' }, view: { app_installed_team_id: 'T0001' } },
      { installKey: 'T0001', workspaceId: 'T0OTHER' },
    ],
    ['no team: the user’s workspace', { team: null, is_enterprise_install: false, user: { team_id: 'T0001' } }, { installKey: 'T0001', workspaceId: 'T0001' }],
    [
      'is_enterprise_install as the string slash commands send',
      { team: { id: 'T0002', enterprise_id: 'E0GRID' }, is_enterprise_install: 'true', user: { team_id: 'T0002' } },
      { installKey: 'E0GRID', workspaceId: 'T0002' },
    ],
  ])('%s', (_, payload, expected) => {
    expect(interactionSource(payload)).toEqual({ ok: true, source: expected });
  });

  it.each<[string, InteractionSourceFields, RegExp]>([
    ['nothing to name', { team: null, user: {} }, /team\.id, view\.app_installed_team_id and user\.team_id are all missing/],
    ['an org-wide install without its organization', { team: null, is_enterprise_install: true, user: { team_id: 'T0002' } }, /enterprise\.id/],
  ])('refused: %s, naming the fields', (_, payload, missing) => {
    const result = interactionSource(payload);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.missing).toMatch(missing);
  });
});
