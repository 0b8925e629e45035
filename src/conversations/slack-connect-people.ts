// People of another company in a Slack Connect channel the org notifies in: they see its chats'
// threads but cannot answer or act on them, and are told so (never how to get mapped: they cannot
// be). Whether someone is of another company is decided by src/routing/slack-connect-authors.ts
// from the team Slack names for them; the installation's workspaces are read only when that team
// is not the installation's own key.
import type { ConversationDeps } from './conversation-deps.ts';
import { isExternalAuthor, type AuthorTeams } from '../routing/slack-connect-authors.ts';
import { EXTERNAL_PERSON_ACTION_NOTICE } from '../slack/format/notices.ts';
import { tenantToken, type SlackTenant } from './slack-tenant.ts';

export async function ofAnotherCompany(deps: Pick<ConversationDeps, 'store'>, tenant: SlackTenant, author: AuthorTeams): Promise<boolean> {
  if (!isExternalAuthor(author, { key: tenant.teamId, workspaceIds: [] })) return false;
  const installation = await deps.store.installations.findByTeam(tenant.teamId);
  return isExternalAuthor(author, { key: tenant.teamId, workspaceIds: installation?.workspaces.map((w) => w.id) ?? [] });
}

/** A click or shortcut of a person of another company on a chat: nothing is done, and they are told why. */
export async function refuseExternalAction(
  deps: Pick<ConversationDeps, 'store' | 'slack' | 'logger'>,
  tenant: SlackTenant,
  where: { channel: string; user: string; threadTs: string | null; userTeam: string },
): Promise<void> {
  const token = await tenantToken(deps, tenant);
  if (token)
    await deps.slack.postEphemeral(token, {
      channel: where.channel,
      user: where.user,
      text: EXTERNAL_PERSON_ACTION_NOTICE,
      ...(where.threadTs ? { threadTs: where.threadTs } : {}),
    });
  deps.logger.info({ teamId: tenant.teamId, slackUser: where.user, userTeam: where.userTeam }, 'action of a person of another company refused');
}
