// Admin API: the org's Slack connection (with a fresh install link), Disconnect, the change
// history, who is signed in, and signing out. Disconnect gives the bot token back to Slack (auth.revoke) and marks
// the installation disconnected: sending stops, the settings stay, and Connect works again.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import type { AdminDeps } from './admin-deps.ts';
import { appError, SlackApiError } from '../../errors/index.ts';
import { ADMIN_CHANGE_SECTIONS } from '../../store/index.ts';
import { principalOf, sessionCookieName } from './admin-auth.ts';
import { apiDoc, orgParams, recordChange, type OrgScope } from './admin-org.ts';
import { installLinkFor } from '../routes/slack-oauth.route.ts';
import { addToWorkspacesUrl } from '../../routing/health-items.ts';
import type { Installation } from '../../store/index.ts';

/**
 * What the connection is: a workspace's install, or an org-wide one on an Enterprise Grid
 * organization with the workspaces it was added to (none yet right after the install: Slack's
 * page to add it to workspaces is then the next step).
 */
function connectionView(installation: Installation) {
  const orgWide = installation.kind === 'enterprise';
  return {
    kind: installation.kind,
    workspace: { id: installation.teamId, name: installation.teamName },
    organization: orgWide ? { id: installation.teamId, name: installation.teamName } : null,
    workspaces: installation.workspaces,
    addToWorkspacesUrl: orgWide && installation.appId ? addToWorkspacesUrl(installation.teamId, installation.appId) : null,
  };
}

const changeView = (c: { section: string; action: string; subject: string | null; actor: unknown; at: Date }) => ({
  section: c.section,
  action: c.action,
  subject: c.subject,
  actor: c.actor,
  at: c.at.toISOString(),
});

export function registerAdminConnectionRoutes(app: FastifyInstance, deps: HttpDeps, admin: AdminDeps, orgScope: OrgScope): void {
  orgScope(app, (scope) => {
    scope.get<{ Params: { orgId: string } }>(
      '/api/orgs/:orgId/slack',
      { schema: { ...apiDoc('The org’s Slack connection, and a fresh install link'), params: orgParams } },
      async (request) => {
        const { orgId } = request.params;
        const installation = await deps.installations.findByOrg(orgId);
        const installUrl = installLinkFor(deps, orgId, principalOf(request));
        if (!installation) return { status: 'not-connected', installUrl };
        return {
          status: installation.status === 'active' ? 'connected' : 'disconnected',
          ...connectionView(installation),
          installedAt: installation.installedAt,
          scopes: installation.scopes,
          installUrl,
        };
      },
    );

    scope.delete<{ Params: { orgId: string } }>(
      '/api/orgs/:orgId/slack',
      { schema: { ...apiDoc('Disconnect Slack: revoke the bot token at Slack, keep the settings'), params: orgParams } },
      async (request) => {
        const { orgId } = request.params;
        const installation = await deps.installations.findByOrg(orgId);
        if (!installation) throw appError('slack_not_connected', `organization ${orgId}`);
        const workspace = { id: installation.teamId, name: installation.teamName };
        // Disconnected already (by Slack's events, or a Disconnect before): nothing to revoke.
        if (installation.status === 'active') {
          const token = await admin.botToken(installation.teamId, orgId);
          if (token) {
            try {
              const outcome = await admin.revoker.revoke(token);
              request.log.info({ orgId, teamId: installation.teamId, outcome }, 'bot token given back to Slack');
            } catch (error) {
              request.log.warn(
                { orgId, teamId: installation.teamId, slackCode: error instanceof SlackApiError ? error.code : undefined, err: error },
                'auth.revoke failed',
              );
              throw appError('slack_revoke_failed', error instanceof SlackApiError ? `Slack answered ${error.code}` : undefined);
            }
          }
          await deps.installations.markDisconnected(installation.teamId, 'disconnected_by_admin', deps.now());
          await recordChange(deps, admin, request, { orgId, section: 'connection', action: 'slack.disconnected', subject: installation.teamId });
        }
        return { status: 'disconnected', workspace, installUrl: installLinkFor(deps, orgId, principalOf(request)) };
      },
    );

    scope.get<{ Params: { orgId: string } }>(
      '/api/orgs/:orgId/changes',
      { schema: { ...apiDoc('The last change of each section and the newest changes, with who made them'), params: orgParams } },
      async (request) => {
        const { orgId } = request.params;
        const [last, recent] = await Promise.all([admin.changes.lastBySection(orgId), admin.changes.recent(orgId, 20)]);
        return {
          lastChanges: Object.fromEntries(ADMIN_CHANGE_SECTIONS.map((section) => [section, last[section] ? changeView(last[section]) : null])),
          recent: recent.map(changeView),
        };
      },
    );

    // Which org and which admin this session is for, so the page can say so (names as the launch
    // token gave them; null from a platform release that sends none).
    scope.get(
      '/api/session',
      { config: { anySession: true }, schema: { ...apiDoc('Who is signed in: the session’s org and admin, with their names') } },
      async (request) => {
        const principal = principalOf(request);
        if (principal.kind === 'operator') return { kind: 'operator' };
        return {
          kind: 'org-admin',
          org: { id: principal.orgId, name: principal.orgName ?? null },
          user: { id: principal.userId, name: principal.userName ?? null },
        };
      },
    );

    // Signing out ends the session at once (it lives in Redis), whatever the cookie does.
    scope.delete('/api/session', { config: { anySession: true }, schema: { ...apiDoc('Sign out: end this browser’s session') } }, async (request, reply) => {
      const principal = request.adminPrincipal;
      if (principal?.kind === 'org-admin') await admin.sessions.revoke(principal.sessionId);
      return reply.clearCookie(sessionCookieName(deps.publicUrl), { path: '/' }).status(204).send();
    });
  });
}
