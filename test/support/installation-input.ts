// The installation a store test saves (what the OAuth callback would store for a workspace): one
// shape for every test that needs a connected workspace without going through OAuth.
import type { SaveInstallationInput } from '../../src/store/index.ts';

export function installationInput(orgId: string, teamId: string, overrides: Partial<SaveInstallationInput> = {}): SaveInstallationInput {
  return {
    orgId,
    teamId,
    teamName: `Team ${teamId}`,
    enterpriseId: null,
    appId: 'A1',
    botUserId: `U${teamId}`,
    scopes: ['chat:write'],
    installerUserId: null,
    botToken: `xoxb-${teamId}`,
    refreshToken: null,
    tokenExpiresAt: null,
    ...overrides,
  };
}
