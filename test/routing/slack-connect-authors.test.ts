// Who may answer a chat from its Slack thread: the installation's own people (its workspace, or
// on Enterprise Grid the workspaces the org-wide install was granted), never a person of another
// company in a Slack Connect channel.
import { describe, expect, it } from 'vitest';
import { isExternalAuthor, type AuthorTeams, type InstallationTeams } from '../../src/routing/slack-connect-authors.ts';

const workspaceInstall: InstallationTeams = { key: 'T_ACME', workspaceIds: ['T_ACME'] };
const orgWideInstall: InstallationTeams = { key: 'E_ACME', workspaceIds: ['T_SALES', 'T_SUPPORT'] };

describe('isExternalAuthor', () => {
  it.each<{ why: string; author: AuthorTeams; installation: InstallationTeams; external: boolean }>([
    { why: 'the installed workspace', author: { userTeam: 'T_ACME' }, installation: workspaceInstall, external: false },
    { why: 'a granted workspace of the Grid org', author: { userTeam: 'T_SUPPORT' }, installation: orgWideInstall, external: false },
    { why: 'the Grid org itself (an org-level user)', author: { userTeam: 'E_ACME' }, installation: orgWideInstall, external: false },
    { why: 'a workspace of the org not granted to the app', author: { userTeam: 'T_LEGAL' }, installation: orgWideInstall, external: true },
    { why: 'another company', author: { userTeam: 'T_PARTNER', sourceTeam: 'T_PARTNER' }, installation: workspaceInstall, external: true },
    { why: 'another company, seen on an org-wide install', author: { userTeam: 'T_PARTNER' }, installation: orgWideInstall, external: true },
    { why: 'another company named by source_team only', author: { sourceTeam: 'T_PARTNER' }, installation: workspaceInstall, external: true },
    { why: 'user_team missing (older payloads): internal', author: {}, installation: workspaceInstall, external: false },
    { why: 'user_team empty: internal', author: { userTeam: '' }, installation: orgWideInstall, external: false },
  ])('$why → external: $external', ({ author, installation, external }) => {
    expect(isExternalAuthor(author, installation)).toBe(external);
  });
});
