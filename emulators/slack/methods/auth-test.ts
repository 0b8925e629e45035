// auth.test: who the token is. Docs list it as "Special" (very generous); Tier 4 here. The auth
// family also holds auth.revoke (auth-revoke.ts) and auth.teams.list.

import type { MethodContext, MethodTable, Params } from '../method-types.ts';
import { pageOf, readLimit } from '../pagination.ts';
import type { Team } from '../types.ts';
import { authRevokeMethods } from './auth-revoke.ts';

function authTest(ctx: MethodContext): Record<string, unknown> {
  const bot = ctx.state.users.get(ctx.install.botUserId);
  if (ctx.enterprise) {
    // An org-wide token belongs to the organization, not to a workspace: its team is the org.
    return {
      ok: true,
      url: `https://${ctx.enterprise.domain}.enterprise.slack.com/`,
      team: ctx.enterprise.name,
      user: bot?.name ?? '',
      team_id: ctx.enterprise.id,
      user_id: ctx.install.botUserId,
      bot_id: ctx.install.botId,
      enterprise_id: ctx.enterprise.id,
      is_enterprise_install: true,
    };
  }
  return {
    ok: true,
    url: `https://${ctx.team.domain}.slack.com/`,
    team: ctx.team.name,
    user: bot?.name ?? '',
    team_id: ctx.team.id,
    user_id: ctx.install.botUserId,
    bot_id: ctx.install.botId,
    ...(ctx.team.enterpriseId ? { enterprise_id: ctx.team.enterpriseId } : {}),
    is_enterprise_install: false,
  };
}

/**
 * auth.teams.list (docs.slack.dev: Tier 2, no scope; limit 1–1000, default 100): the workspaces
 * an org-wide app has been granted, {id, name}. A workspace token sees its own workspace.
 */
function teamsList(ctx: MethodContext, params: Params): Record<string, unknown> {
  const ids = ctx.enterprise ? [...(ctx.install.grantedTeamIds ?? [])] : [ctx.team.id];
  const teams = ids
    .map((id) => ctx.state.teams.get(id))
    .filter((t): t is Team => t !== undefined && !t.deleted)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const limit = readLimit(params, { total: teams.length, defaultLimit: 100, requiredIfLarge: false });
  const { page, nextCursor } = pageOf(teams, (t) => t.id, 'team', params, limit);
  return { ok: true, teams: page.map((t) => ({ id: t.id, name: t.name })), response_metadata: { next_cursor: nextCursor } };
}

export const authMethods: MethodTable = {
  'auth.test': { tier: 4, scopes: [], handler: authTest },
  'auth.teams.list': { tier: 2, scopes: [], handler: teamsList },
  ...authRevokeMethods,
};
