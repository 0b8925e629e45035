// OAuth v2 for the one emulated app: the authorize page (pick a workspace, Allow/Cancel),
// single-use codes valid 10 minutes, oauth.v2.access with client auth, and token rotation.

import { randomBytes } from 'node:crypto';
import { fail } from './errors.ts';
import type { AppConfig, Params } from './method-types.ts';
import { str } from './params.ts';
import { inTeam } from './state.ts';
import type { EmulatorState } from './state.ts';
import type { World } from './world.ts';

/** Docs: "the code … expires after ten minutes" and can be exchanged once. */
export const CODE_TTL_MS = 10 * 60_000;

export interface AuthorizeRequest {
  clientId: string;
  scopes: string[];
  userScopes: string[];
  redirectUri: string;
  state: string;
  team: string | null;
}

export class AuthorizeError extends Error {}

export function parseAuthorize(query: URLSearchParams, config: AppConfig): AuthorizeRequest {
  const clientId = query.get('client_id') ?? '';
  if (clientId !== config.clientId) throw new AuthorizeError('Invalid client_id parameter');
  const split = (v: string | null): string[] =>
    (v ?? '')
      .split(/[ ,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
  const scopes = split(query.get('scope'));
  const userScopes = split(query.get('user_scope'));
  if (scopes.length === 0 && userScopes.length === 0) throw new AuthorizeError('invalid_scope: no scope requested');
  const bad = [...scopes, ...userScopes].find((s) => !/^[a-z_]+(:[a-z_.]+)*$/.test(s));
  if (bad) throw new AuthorizeError(`invalid_scope: ${bad}`);
  const redirectUri = query.get('redirect_uri') ?? '';
  // Slack falls back to the app's configured Redirect URL; the emulator has none, so it is required.
  if (!/^https?:\/\//.test(redirectUri)) throw new AuthorizeError('redirect_uri did not match any configured URIs');
  return { clientId, scopes, userScopes, redirectUri, state: query.get('state') ?? '', team: query.get('team') };
}

function withQuery(uri: string, params: Record<string, string>): string {
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

function clientCredentials(params: Params, authorization: string | undefined): { id?: string; secret?: string } {
  if (authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) return { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
  }
  return { id: str(params, 'client_id'), secret: str(params, 'client_secret') };
}

export function createOAuth(state: EmulatorState, config: AppConfig, world: World) {
  /**
   * Allow on an Enterprise Grid organization: installs the app org-wide (no workspace granted yet)
   * and mints a code. The app must be org-ready (settings.org_deploy_enabled).
   */
  function approveOrg(req: AuthorizeRequest, enterpriseId: string, userId: string): string {
    if (!state.enterprises.has(enterpriseId)) throw new AuthorizeError(`unknown enterprise ${enterpriseId}`);
    const user = state.users.get(userId);
    if (!user || user.enterpriseId !== enterpriseId || user.isBot || user.deleted) throw new AuthorizeError(`user ${userId} cannot install on ${enterpriseId}`);
    const prev = state.installations.get(enterpriseId);
    const prevLive = prev && !state.tokens.get(prev.botToken)?.revoked;
    const scopes = [...new Set([...(prevLive ? prev.scopes : []), ...req.scopes])];
    try {
      world.installOrg(enterpriseId, { scopes, installerUserId: userId });
    } catch (e) {
      throw new AuthorizeError((e as Error).message);
    }
    return mintCode(req, enterpriseId, userId, scopes);
  }

  function mintCode(req: AuthorizeRequest, teamId: string, userId: string, scopes: string[]): string {
    const code = `${config.now()}.${randomBytes(6).readUIntBE(0, 6)}.${randomBytes(24).toString('hex')}`;
    state.codes.set(code, { code, teamId, userId, scopes, redirectUri: req.redirectUri, issuedAt: config.now(), used: false });
    return withQuery(req.redirectUri, { code, state: req.state });
  }

  /** Allow: installs the app on the team (as Slack does on approval) and mints a code. */
  function approve(req: AuthorizeRequest, teamId: string, userId: string): string {
    const team = state.teams.get(teamId);
    if (!team) throw new AuthorizeError(`unknown team ${teamId}`);
    const user = state.users.get(userId);
    if (!user || !inTeam(user, teamId) || user.isBot || user.deleted) throw new AuthorizeError(`user ${userId} cannot install on ${teamId}`);
    const prev = state.installations.get(teamId);
    const prevLive = prev && !state.tokens.get(prev.botToken)?.revoked;
    const scopes = [...new Set([...(prevLive ? prev.scopes : []), ...req.scopes])];
    world.install(teamId, { scopes, installerUserId: userId });
    return mintCode(req, teamId, userId, scopes);
  }

  function deny(req: AuthorizeRequest): string {
    return withQuery(req.redirectUri, { error: 'access_denied', state: req.state });
  }

  function installResponse(teamId: string, userId: string): Record<string, unknown> {
    const inst = state.installations.get(teamId)!;
    const tok = state.tokens.get(inst.botToken);
    const org = inst.isEnterpriseInstall ? state.enterprises.get(teamId)! : undefined;
    const team = org ? null : state.teams.get(teamId)!;
    const gridOf = team?.enterpriseId ? state.enterprises.get(team.enterpriseId) : org;
    return {
      ok: true,
      app_id: config.appId,
      authed_user: { id: userId },
      scope: inst.scopes.join(','),
      token_type: 'bot',
      access_token: inst.botToken,
      bot_user_id: inst.botUserId,
      ...(inst.refreshToken && tok?.expiresAt
        ? { refresh_token: inst.refreshToken, expires_in: Math.max(0, Math.floor((tok.expiresAt - config.now()) / 1000)) }
        : {}),
      // Docs (enterprise/apps reference): an org-wide install has team null and its organization.
      team: team ? { id: team.id, name: team.name } : null,
      enterprise: gridOf ? { id: gridOf.id, name: gridOf.name } : null,
      is_enterprise_install: inst.isEnterpriseInstall === true,
    };
  }

  /** oauth.v2.access: the team it concerns and Slack's body; Slack errors are thrown as SlackApiError. */
  function access(params: Params, authorization: string | undefined): { teamId: string | null; body: Record<string, unknown> } {
    const creds = clientCredentials(params, authorization);
    if (!creds.id || creds.id !== config.clientId) fail('invalid_client_id');
    if (creds.secret !== config.clientSecret) fail('bad_client_secret');
    const grant = str(params, 'grant_type') ?? 'authorization_code';
    if (grant === 'refresh_token') {
      const rt = str(params, 'refresh_token');
      const teamId = rt ? state.refreshTokens.get(rt) : undefined;
      if (!config.tokenRotation || !teamId) fail('invalid_refresh_token');
      const inst = state.installations.get(teamId)!;
      const minted = world.issueBotToken(teamId);
      // Slack keeps handing out new access tokens against the same refresh token.
      state.refreshTokens.delete(minted.refreshToken!);
      inst.botToken = minted.token;
      inst.expiresAt = minted.expiresAt;
      const body = installResponse(teamId, inst.installerUserId);
      delete body['authed_user'];
      return { teamId, body };
    }
    if (grant !== 'authorization_code') fail('invalid_grant_type');
    const code = str(params, 'code');
    const rec = code ? state.codes.get(code) : undefined;
    if (!rec || rec.used || config.now() - rec.issuedAt > CODE_TTL_MS) fail('invalid_code');
    const redirect = str(params, 'redirect_uri');
    // Docs: redirect_uri "must match the originally submitted URI (if one was sent)".
    if (rec.redirectUri && redirect !== rec.redirectUri) fail('bad_redirect_uri');
    rec.used = true;
    return { teamId: rec.teamId, body: installResponse(rec.teamId, rec.userId) };
  }

  return { approve, approveOrg, deny, access };
}

export type OAuth = ReturnType<typeof createOAuth>;
