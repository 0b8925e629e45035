// The Slack OAuth v2 install: /slack/install (with a ticket from the admin API) sends the admin's
// browser to Slack with a signed state naming the org, and leaves a nonce cookie in that browser;
// /slack/oauth/callback takes the state once, only from that browser, exchanges the code, stores
// the installation and sends the browser back to the org's settings page, which then shows the
// connected workspace (as the platform's help article describes). A ticket is good once, for 10
// minutes; an org admin's works only in the browser holding the live session it was made for. A
// failure answers a small page saying what to do, with a link back to the settings when the org
// is known.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import { createOAuthState, readOAuthState, INSTALL_TICKET_TTL_MS, OAUTH_STATE_TTL_MS, type OAuthState } from '../oauth-state.ts';
import { botScopes } from '../../slack/bot-scopes.ts';
import { SlackApiError, errors, type AppErrorDefinition } from '../../errors/index.ts';
import { sendErrorPage } from '../error-handler.ts';
import { pageHeaders } from '../pages/page-headers.ts';
import { actorFor, isHttps, sessionCookieName, type AdminPrincipal } from '../admin/admin-auth.ts';
import { digestKey } from '../kv-store.ts';

export const OAUTH_CALLBACK_PATH = '/slack/oauth/callback';
export const INSTALL_PATH = '/slack/install';

/** The digest of an admin session an install ticket is bound to (the ticket is signed, not secret: never the id). */
const sessionDigest = (sessionId: string) => createHash('sha256').update(`install-ticket-session:${sessionId}`).digest('base64url');

/**
 * An install link for the org, good once for 10 minutes: what the settings page's Connect button
 * opens. An org admin's is bound to their session; an operator's to nothing but its nonce.
 */
export function installLinkFor(deps: Pick<HttpDeps, 'installTicketKey' | 'now'>, orgId: string, principal: AdminPrincipal): string {
  const extra = { by: actorFor(principal), ...(principal.kind === 'org-admin' ? { session: sessionDigest(principal.sessionId) } : {}) };
  return `${INSTALL_PATH}?ticket=${encodeURIComponent(createOAuthState(deps.installTicketKey, orgId, deps.now().getTime(), INSTALL_TICKET_TTL_MS, extra))}`;
}

function redirectUri(deps: HttpDeps): string {
  return new URL(OAUTH_CALLBACK_PATH, deps.publicUrl).toString();
}

/** The org's settings page; `?slack=connected` makes it say so once. */
export function settingsPath(orgId: string, connected = false): string {
  return `/settings/${encodeURIComponent(orgId)}${connected ? '?slack=connected' : ''}`;
}

/**
 * The browser's install nonce: SameSite=Lax, because Slack's redirect back is a top-level
 * navigation from another site, which a Strict cookie would not join.
 */
const installCookieName = (publicUrl: string) => (isHttps(publicUrl) ? '__Host-tb_oauth' : 'tb_oauth');
const digestOf = (value: string) => createHash('sha256').update(value).digest('base64url');

function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function fail(reply: FastifyReply, definition: AppErrorDefinition, detail: string, whatToDo: string, orgId?: string) {
  return sendErrorPage(reply, definition, {
    title: 'Slack was not connected',
    message: `${definition.message}. ${detail}`,
    hint: whatToDo,
    ...(orgId ? { link: { href: settingsPath(orgId), text: 'Back to the Slack integration settings' } } : {}),
  });
}

export function registerSlackOAuthRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const routeOptions = { config: { rateLimit: { max: 30, timeWindow: '1 minute' }, page: true }, helmet: pageHeaders };
  const cookieOptions = () => ({ httpOnly: true, sameSite: 'lax' as const, secure: isHttps(deps.publicUrl), path: '/' });

  const CONNECT_AGAIN = 'Open the integration settings page and click Connect Slack again: each install link works once, for 10 minutes.';
  const SIGN_IN_AGAIN =
    'Open the chat platform’s integrations page and click Setup for the Slack integration in this browser, then click Connect Slack on the settings page.';

  /**
   * Whether this browser may use an org admin's ticket: it holds the live session the ticket was
   * made for (not signed out, not expired), for the ticket's org. Otherwise the page saying why.
   */
  async function holdsTicketSession(request: FastifyRequest, reply: FastifyReply, ticket: OAuthState): Promise<boolean> {
    const cookie = request.cookies[sessionCookieName(deps.publicUrl)];
    if (!cookie || !deps.admin) {
      await fail(
        reply,
        errors.install_link_signed_out,
        'This browser is not signed in to the integration settings: an install link from the settings page works only in the browser signed in there, while that session lasts.',
        SIGN_IN_AGAIN,
      );
      return false;
    }
    const session = await deps.admin.sessions.find(cookie);
    if (!session) {
      await fail(reply, errors.install_link_signed_out, 'The session it was made for has ended (signed out, or unused for too long).', SIGN_IN_AGAIN);
      return false;
    }
    if (session.orgId !== ticket.orgId || !ticket.session || !sameDigest(sessionDigest(cookie), ticket.session)) {
      await fail(
        reply,
        errors.install_link_other_session,
        'This browser is signed in with another session (another organization or admin, or a newer Setup), and the link works only with the one it was made for.',
        'Click Connect Slack on the settings page open in this browser: it makes a link for this session.',
        session.orgId,
      );
      return false;
    }
    return true;
  }

  app.get<{ Querystring: { ticket?: string } }>(INSTALL_PATH, routeOptions, async (request, reply) => {
    const ticket = request.query.ticket?.trim();
    if (!ticket) return fail(reply, errors.missing_parameter, 'The link has no install ticket.', 'Open the install link from the integration settings page.');
    // Only links the admin API handed out (to the org's admin or an operator) start an install:
    // otherwise anyone could connect their own workspace to an org that has none yet.
    const signed = readOAuthState(deps.installTicketKey, ticket, deps.now().getTime());
    // An org admin's ticket without a session (made before tickets were bound) is not accepted either.
    if (!signed || typeof signed.nonce !== 'string' || (signed.by?.kind !== 'operator' && !signed.session)) {
      return fail(reply, errors.invalid_install_link, 'The link is older than 10 minutes or was altered.', CONNECT_AGAIN);
    }
    try {
      if (signed.by?.kind !== 'operator' && !(await holdsTicketSession(request, reply, signed))) return reply;
      // Taken only once the browser may use it: another browser's attempt does not use it up.
      if (!(await deps.kv.setIfAbsent(digestKey('install-ticket', signed.nonce), '1', Math.max(1, signed.expiresAtMs - deps.now().getTime())))) {
        return fail(reply, errors.install_link_used, 'It was opened before (each install link starts one install).', CONNECT_AGAIN, signed.orgId);
      }
    } catch (error) {
      request.log.error({ err: error }, 'could not check the install link');
      return fail(
        reply,
        errors.session_unavailable,
        'Threadbridge could not check this install link.',
        'Try again in a moment from the integration settings page.',
      );
    }
    const browserNonce = randomBytes(32).toString('base64url');
    const url = new URL(deps.slackAuthorizeUrl);
    url.searchParams.set('client_id', deps.slackClientId);
    url.searchParams.set('scope', botScopes.join(','));
    url.searchParams.set('redirect_uri', redirectUri(deps));
    url.searchParams.set(
      'state',
      createOAuthState(deps.oauthStateKey, signed.orgId, deps.now().getTime(), OAUTH_STATE_TTL_MS, {
        ...(signed.by ? { by: signed.by } : {}),
        browser: digestOf(browserNonce),
      }),
    );
    return reply
      .setCookie(installCookieName(deps.publicUrl), browserNonce, { ...cookieOptions(), maxAge: OAUTH_STATE_TTL_MS / 1000 })
      .header('cache-control', 'no-store')
      .redirect(url.toString(), 302);
  });

  /** The state of this return from Slack, taken once, from the browser that started the install; or the page saying why not. */
  async function takeState(request: FastifyRequest<{ Querystring: { state?: string } }>, reply: FastifyReply): Promise<OAuthState | null> {
    const state = readOAuthState(deps.oauthStateKey, request.query.state, deps.now().getTime());
    if (!state || typeof state.nonce !== 'string') {
      await fail(
        reply,
        errors.invalid_oauth_state,
        'The install took longer than 10 minutes or the link was altered.',
        'Start the install again from the integration settings page.',
      );
      return null;
    }
    const cookie = request.cookies[installCookieName(deps.publicUrl)];
    // Bound to the browser: a return from Slack started elsewhere (someone else's install) is refused.
    if (!state.browser || !cookie || !sameDigest(digestOf(cookie), state.browser)) {
      await fail(
        reply,
        errors.install_started_elsewhere,
        'The install was started in another browser, or this browser’s cookies were cleared.',
        'Start the install again from the integration settings page, in this browser.',
        state.orgId,
      );
      return null;
    }
    let first: boolean;
    try {
      first = await deps.kv.setIfAbsent(digestKey('oauth-state', state.nonce), '1', Math.max(1, state.expiresAtMs - deps.now().getTime()));
    } catch (error) {
      request.log.error({ err: error }, 'could not record the OAuth state');
      await fail(
        reply,
        errors.session_unavailable,
        'Threadbridge could not check this return from Slack.',
        'Start the install again in a moment.',
        state.orgId,
      );
      return null;
    }
    if (!first) {
      await fail(
        reply,
        errors.oauth_state_used,
        'This page was opened twice (reloaded, or from the history).',
        'Open the integration settings page: it shows whether Slack is connected; connect again from there if not.',
        state.orgId,
      );
      return null;
    }
    reply.clearCookie(installCookieName(deps.publicUrl), cookieOptions());
    return state;
  }

  app.get<{ Querystring: { code?: string; state?: string; error?: string } }>(OAUTH_CALLBACK_PATH, routeOptions, async (request, reply) => {
    const { code, error } = request.query;
    const state = await takeState(request, reply);
    if (!state) return reply;
    const { orgId } = state;
    if (error)
      return fail(
        reply,
        errors.install_cancelled,
        `Slack said: ${error}.`,
        'Start the install again and click Allow on Slack’s page to connect the workspace.',
        orgId,
      );
    if (!code) return fail(reply, errors.missing_parameter, 'Slack sent no code.', 'Start the install again.', orgId);

    let access;
    try {
      access = await deps.slack.oauthAccess({ code, redirectUri: redirectUri(deps) });
    } catch (err) {
      const slackCode = err instanceof SlackApiError ? err.code : 'request_failed';
      request.log.warn({ slackCode }, 'oauth.v2.access failed');
      return fail(
        reply,
        errors.slack_oauth_failed,
        `Slack answered ${slackCode}.`,
        'Start the install again; if it keeps failing, check the app’s client id, secret and redirect URL.',
        orgId,
      );
    }

    const saved = await deps.installations.save(
      {
        kind: access.kind,
        teamId: access.teamId,
        teamName: access.teamName,
        enterpriseId: access.enterpriseId,
        orgId,
        appId: access.appId,
        botUserId: access.botUserId,
        scopes: access.scopes,
        installerUserId: access.installerUserId,
        botToken: access.botToken,
        refreshToken: access.refreshToken,
        tokenExpiresAt: access.expiresInSeconds ? new Date(deps.now().getTime() + access.expiresInSeconds * 1000) : null,
      },
      deps.now(),
    );
    if (!saved.ok) {
      if (saved.reason === 'overlaps_other_org') {
        // Slack made an installation of its own that Threadbridge will not use: given back, so that
        // Slack delivers the workspace's events to the other org's installation alone. The admin is
        // waiting on this page, and the token must not sit in a queue.
        await deps.admin?.revoker
          .revoke(access.botToken)
          .catch((err) => request.log.warn({ err: { message: (err as Error).message } }, 'could not give back the refused install’s token'));
      }
      // Never the other org's name or id: the admin learns only that the workspace is taken.
      const what = access.kind === 'enterprise' ? `Slack organization ${access.teamName}` : `Slack workspace ${access.teamName}`;
      return saved.reason !== 'org_has_other_workspace'
        ? fail(
            reply,
            errors.workspace_taken,
            access.kind === 'enterprise'
              ? `The ${what}, or one of its workspaces, already belongs to another organization on the chat platform, and a Slack workspace can serve only one.`
              : `The ${what} already belongs to another organization on the chat platform, and a workspace can serve only one.`,
            'On Slack’s page, pick another workspace in the menu at the top right. If this workspace should belong to this organization, ask Threadbridge support.',
            orgId,
          )
        : fail(
            reply,
            errors.workspace_taken,
            `This organization is connected to another Slack workspace already (one Slack connection per organization), so the ${what} was not connected.`,
            'On Slack’s page, pick the workspace this organization is connected to (the menu at the top right), or open the integration settings page to see which one it is (Disconnect it there to connect another one in its place).',
            orgId,
          );
    }
    request.log.info({ orgId, teamId: access.teamId, kind: access.kind }, 'Slack connected');
    if (deps.admin && state.by) {
      await deps.admin.changes
        .record({ orgId, section: 'connection', action: 'slack.connected', subject: access.teamId, actor: state.by, at: deps.now() })
        .catch((err) => request.log.warn({ err }, 'could not record the connection in the change history'));
    }
    // Chats that arrived while Slack was not connected get routed now.
    await deps.producer
      .orgChanged({ orgId, cause: 'slack-connected' })
      .catch((err) => request.log.warn({ err }, 'could not queue the retry of undeliverable chats'));
    // The channel and user pickers need the workspace's directory: its first sync starts now. An
    // org-wide install's workspaces are read first by a worker (they may have been granted before
    // a reinstall), which then syncs the directory of those.
    await (access.kind === 'enterprise'
      ? deps.producer.checkWorkspaces({ teamId: access.teamId })
      : deps.producer.syncDirectory({ teamId: access.teamId })
    ).catch((err) => request.log.warn({ err }, 'could not queue the directory sync'));
    // Back to the settings page, which shows the connected workspace (its session cookie comes
    // along on the page's own requests). 303: the browser follows with a GET.
    return reply.header('cache-control', 'no-store').redirect(settingsPath(orgId, true), 303);
  });
}
