// An org-wide (Enterprise Grid) install acts only in the workspaces the organization's admins
// added it to, which change after the install (team_access_granted / team_access_revoked, or
// nothing known yet right after it). Slack's events name the workspaces that changed; the list
// is read whole instead (auth.teams.list), so a lost or late event leaves nothing wrong for long
// and running a job twice changes nothing. Then the directory follows the workspaces, and a grant
// routes again the chats that had nowhere to go.
import type { WorkerDeps } from '../worker-deps.ts';
import type { Logger } from '../../logger.ts';
import { tenantToken, type SlackTenant } from '../../conversations/slack-tenant.ts';

export async function learnGrantedWorkspaces(deps: WorkerDeps, tenant: SlackTenant, log: Logger): Promise<void> {
  const installation = await deps.store.installations.findByTeam(tenant.teamId);
  if (installation?.kind !== 'enterprise') {
    log.info('workspace grants for an installation that is not org-wide; ignored');
    return;
  }
  const token = await tenantToken(deps, tenant);
  if (!token) return;
  const workspaces = await deps.slack.listGrantedWorkspaces(token);
  if (!(await deps.store.installations.setWorkspaces(tenant.teamId, workspaces, deps.now()))) {
    log.info('the installation is gone or no longer org-wide; its workspaces not stored');
    return;
  }
  const had = new Set(installation.workspaces.map((w) => w.id));
  const added = workspaces.filter((w) => !had.has(w.id)).length;
  const removed = installation.workspaces.length - (workspaces.length - added);
  log.info({ workspaces: workspaces.length, added, removed }, 'the org-wide install’s workspaces read');
  // The pickers list the channels and people of the granted workspaces only (after an install too,
  // when nothing changed: its directory was never read or is old).
  await deps.producer.syncDirectory({ teamId: tenant.teamId });
  // Whenever the app is in some workspace, not only when this run saw one added: a retry after a
  // crash between the store write and here sees nothing added, and the chats would keep waiting.
  // Routing again finds nothing to do when no chat waits.
  if (workspaces.length > 0) await deps.producer.orgChanged({ orgId: tenant.orgId, cause: 'workspaces-granted' });
}
