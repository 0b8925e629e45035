// The Slack OAuth v2 install: /slack/install (with a ticket from the admin API) sends the admin's
// browser to Slack with a signed state naming the org; /slack/oauth/callback exchanges the code,
// stores the installation and sends the browser back to the org's settings page, which then shows
// the connected workspace (as the platform's help article describes). A failure answers a small
// page saying what to do, with a link back to the settings when the org is known.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import { createOAuthState, readOAuthState, INSTALL_TICKET_TTL_MS } from '../oauth-state.ts';
import { botScopes } from '../../slack/bot-scopes.ts';
import { SlackApiError } from '../../slack/slack-errors.ts';
import { errors, type AppErrorDefinition } from '../../errors.ts';
import { resultPage } from '../pages/result-page.ts';

export const OAUTH_CALLBACK_PATH = '/slack/oauth/callback';
export const INSTALL_PATH = '/slack/install';

/** An install link for the org, valid an hour: what the settings page's Connect button opens. */
export function installLinkFor(deps: Pick<HttpDeps, 'installTicketKey' | 'now'>, orgId: string): string {
  return `${INSTALL_PATH}?ticket=${encodeURIComponent(createOAuthState(deps.installTicketKey, orgId, deps.now().getTime(), INSTALL_TICKET_TTL_MS))}`;
}

function redirectUri(deps: HttpDeps): string {
  return new URL(OAUTH_CALLBACK_PATH, deps.publicUrl).toString();
}

/** The org's settings page; `?slack=connected` makes it say so once. */
export function settingsPath(orgId: string, connected = false): string {
  return `/settings/${encodeURIComponent(orgId)}${connected ? '?slack=connected' : ''}`;
}

function fail(reply: FastifyReply, definition: AppErrorDefinition, detail: string, whatToDo: string, orgId?: string) {
  return reply
    .status(definition.statusCode)
    .type('text/html; charset=utf-8')
    .header('x-error-code', definition.code)
    .send(resultPage({
      title: 'Slack was not connected', message: `${definition.message}. ${detail}`, hint: whatToDo, ok: false,
      ...(orgId ? { link: { href: settingsPath(orgId), text: 'Back to the Slack integration settings' } } : {}),
    }));
}

export function registerSlackOAuthRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const rateLimit = { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } };

  app.get<{ Querystring: { ticket?: string } }>(INSTALL_PATH, rateLimit, async (request, reply) => {
    const ticket = request.query.ticket?.trim();
    if (!ticket) return fail(reply, errors.MISSING_PARAMETER, 'The link has no install ticket.', 'Open the install link from the integration settings page.');
    // Only links the admin API handed out (to someone holding the admin token) start an install:
    // otherwise anyone could connect their own workspace to an org that has none yet.
    const signed = readOAuthState(deps.installTicketKey, ticket, deps.now().getTime());
    if (!signed) return fail(reply, errors.INVALID_INSTALL_LINK, 'The link is older than an hour or was altered.', 'Open the integration settings page again and click Connect Slack.');
    const url = new URL(deps.slackAuthorizeUrl);
    url.searchParams.set('client_id', deps.slackClientId);
    url.searchParams.set('scope', botScopes.join(','));
    url.searchParams.set('redirect_uri', redirectUri(deps));
    url.searchParams.set('state', createOAuthState(deps.oauthStateKey, signed.orgId, deps.now().getTime()));
    return reply.redirect(url.toString(), 302);
  });

  app.get<{ Querystring: { code?: string; state?: string; error?: string } }>(OAUTH_CALLBACK_PATH, rateLimit, async (request, reply) => {
    const { code, error } = request.query;
    const state = readOAuthState(deps.oauthStateKey, request.query.state, deps.now().getTime());
    if (!state) return fail(reply, errors.INVALID_OAUTH_STATE, 'The install took longer than 10 minutes or the link was altered.', 'Start the install again from the integration settings page.');
    const { orgId } = state;
    if (error) return fail(reply, errors.INSTALL_CANCELLED, `Slack said: ${error}.`, 'Start the install again and click Allow on Slack’s page to connect the workspace.', orgId);
    if (!code) return fail(reply, errors.MISSING_PARAMETER, 'Slack sent no code.', 'Start the install again.', orgId);

    let access;
    try {
      access = await deps.slack.oauthAccess({ code, redirectUri: redirectUri(deps) });
    } catch (err) {
      const slackCode = err instanceof SlackApiError ? err.code : 'request_failed';
      request.log.warn({ slackCode }, 'oauth.v2.access failed');
      return fail(reply, errors.SLACK_OAUTH_FAILED, `Slack answered ${slackCode}.`, 'Start the install again; if it keeps failing, check the app’s client id, secret and redirect URL.', orgId);
    }

    const saved = await deps.installations.save(
      {
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
      const detail =
        saved.reason === 'workspace_taken'
          ? `The workspace ${access.teamName} is already connected to another organization.`
          : 'This organization is already connected to another Slack workspace.';
      return fail(reply, errors.WORKSPACE_TAKEN, detail, 'Disconnect the other connection first, or pick another workspace.', orgId);
    }
    request.log.info({ orgId, teamId: access.teamId }, 'Slack workspace connected');
    // Chats that arrived while Slack was not connected get routed now.
    await deps.producer.orgChanged({ orgId, cause: 'slack-connected' }).catch((err) => request.log.warn({ err }, 'could not queue the retry of undeliverable chats'));
    // The channel and user pickers need the workspace's directory: its first sync starts now.
    await deps.producer.syncDirectory({ teamId: access.teamId }).catch((err) => request.log.warn({ err }, 'could not queue the directory sync'));
    // Back to the settings page, which shows the connected workspace (the page keeps the admin
    // token in the tab's sessionStorage, so it survives the round trip through Slack). 303: the
    // browser follows with a GET.
    return reply.redirect(settingsPath(orgId, true), 303);
  });
}
