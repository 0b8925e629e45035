// Which workspaces a token acts in: a workspace token its own; an Enterprise Grid org-wide token
// the workspaces an admin granted it (docs: api.slack.com/enterprise/apps/changes-apis). Also the
// rate-limit key of a call, since Slack's limits are per workspace.

import { fail } from './errors.ts';
import type { Params } from './method-types.ts';
import { inTeam } from './state.ts';
import type { EmulatorState } from './state.ts';
import type { Enterprise, Installation, Team, User } from './types.ts';

export interface WorkspaceAccess {
  reaches(teamId: string): boolean;
  workspaceOf(u: User): string | undefined;
  workspaceParam(params: Params): Team;
  rateLimitKey(params: Params): string;
}

export function workspaceAccess(state: EmulatorState, team: Team, install: Installation, enterprise: Enterprise | null): WorkspaceAccess {
  const reaches = enterprise
    ? (teamId: string) => install.grantedTeamIds?.includes(teamId) === true && state.teams.get(teamId)?.deleted === false
    : (teamId: string) => teamId === team.id;

  function workspaceOf(u: User): string | undefined {
    for (const id of [u.teamId, ...(u.teamIds ?? [])]) if (reaches(id) && inTeam(u, id)) return id;
    return undefined;
  }

  function workspaceParam(params: Params): Team {
    if (!enterprise) return team;
    const id = params['team_id'];
    if (typeof id !== 'string' || id === '') fail('missing_argument');
    const t = state.teams.get(id);
    if (!t || t.enterpriseId !== enterprise.id || !reaches(id)) fail('team_access_not_granted');
    return t;
  }

  /**
   * Per workspace, as Slack counts its limits. An org-wide token's call counts against the
   * workspace it acts on (team_id, else the channel's), else against the organization.
   */
  function rateLimitKey(params: Params): string {
    if (!enterprise) return team.id;
    const id = params['team_id'];
    if (typeof id === 'string' && reaches(id)) return id;
    const ch = typeof params['channel'] === 'string' ? state.channels.get(params['channel']) : undefined;
    if (ch && reaches(ch.teamId)) return ch.teamId;
    return enterprise.id;
  }

  return { reaches, workspaceOf, workspaceParam, rateLimitKey };
}
