// auth.revoke: the app gives its bot token back (docs.slack.dev "auth.revoke": Tier 3, no scope,
// optional `test`). What follows is what Slack's pages say: the token answers token_revoked from
// then on; the bot user's channel memberships go; tokens_revoked is sent to a subscribed app, and,
// since a bot token is all the emulated app holds in a workspace, so is app_uninstalled ("An app
// is not uninstalled until its final user and bot tokens are revoked", the app_uninstalled page).

import type { WorkspaceEvents } from '../app-events.ts';
import type { AppEvents, MethodContext, MethodTable, Params } from '../method-types.ts';

type RevocationEvents = AppEvents & Pick<WorkspaceEvents, 'uninstalled'>;

/** The emulator passes every method its whole event surface; AppEvents only types the methods' usual part. */
function revocationEvents(events: AppEvents): RevocationEvents {
  const candidate = events as Partial<RevocationEvents>;
  if (typeof candidate.uninstalled !== 'function') throw new Error('auth.revoke needs the workspace events (createAppEvents)');
  return events as RevocationEvents;
}

/** Slack reads `test` as a flag: 1 or true (form values arrive as strings). */
function isTest(params: Params): boolean {
  const test = params['test'];
  return test === true || test === 1 || test === '1' || test === 'true';
}

function revoke(ctx: MethodContext, params: Params): Record<string, unknown> {
  // "Setting this parameter to 1 triggers a testing mode where the specified token will not
  // actually be revoked" — the answer says so with revoked: false.
  if (isTest(params)) return { ok: true, revoked: false };
  const { state, team, install } = ctx;
  // The install's bot token (and, with rotation, every access token minted for it and its
  // refresh token): the web-api layer answers token_revoked for each from now on.
  for (const tok of state.tokens.values()) if (tok.teamId === team.id) tok.revoked = true;
  for (const [refreshToken, teamId] of state.refreshTokens) if (teamId === team.id) state.refreshTokens.delete(refreshToken);
  // "It will, however, deactivate the bot user and remove its channel memberships." Removed
  // silently: the app holds no live token any more, so no membership event could reach it.
  for (const channel of state.channels.values()) {
    if (ctx.reaches(channel.teamId) && !channel.isIm) channel.members.delete(install.botUserId);
  }
  revocationEvents(ctx.events).uninstalled(team.id, install);
  return { ok: true, revoked: true };
}

export const authRevokeMethods: MethodTable = {
  'auth.revoke': { tier: 3, scopes: [], handler: revoke },
};
