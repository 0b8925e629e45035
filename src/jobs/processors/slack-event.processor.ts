// Processes one Slack Events API event: replies in conversation threads go to the visitor;
// the app's removal from a workspace ends that connection; channel and user changes update the
// directory. Every event passes the tenant gate first (src/conversations/slack-tenant.ts): it
// acts for the org of the workspace's active installation only. An event is parsed with its type's schema (src/slack/slack-events.ts) before it is
// acted on; one that does not parse is dropped for good (slack-payload.ts).
import type { SlackEventJob } from '../../slack/slack-events.ts';
import type { WorkerDeps } from '../worker-deps.ts';
import { classifySlackMessage, readSlackMessageEvent } from '../../routing/slack-message-classifier.ts';
import { noticeChange, relayReply } from '../../conversations/reply-relay.ts';
import { answerDirectMessage } from '../../conversations/direct-messages.ts';
import { applyDirectoryEvent } from '../../directory-sync/directory-events.ts';
import { publishAppHome } from '../../conversations/app-home.ts';
import { appHomeOpenedSchema, directoryEventSchemas, directoryEventTypes, WORKSPACES_CHECK_EVENT } from '../../slack/slack-events.ts';
import { learnGrantedWorkspaces } from './granted-workspaces.ts';
import { readSlackPayload } from './slack-payload.ts';
import { slackTenantOf } from '../../conversations/slack-tenant.ts';

export async function processSlackEvent(deps: WorkerDeps, job: SlackEventJob): Promise<void> {
  const log = deps.logger.child({ eventId: job.eventId, teamId: job.teamId, type: job.event.type });
  const tenant = await slackTenantOf(deps, job.teamId);
  if (!tenant) {
    log.info('event from a workspace with no active installation; ignored');
    return;
  }
  // Threadbridge's own check is not a sign of life from Slack (the health section's last event).
  if (job.event.type !== WORKSPACES_CHECK_EVENT) await deps.store.orgActivity.noteSlackEvent(tenant.orgId, deps.now());
  switch (job.event.type) {
    case 'message': {
      const verdict = classifySlackMessage(readSlackMessageEvent(job.event), tenant.botUserId);
      if (verdict.kind === 'ignore') {
        log.debug({ reason: verdict.reason }, 'message ignored');
        return;
      }
      if (verdict.kind === 'reply') await relayReply(deps, tenant, verdict);
      else if (verdict.kind === 'direct')
        await answerDirectMessage(deps, tenant, { channel: verdict.channel, ts: verdict.ts, threadTs: null, user: verdict.user });
      else await noticeChange(deps, tenant, verdict);
      return;
    }
    case 'app_home_opened':
      {
        const { tab, user } = readSlackPayload(appHomeOpenedSchema, job.event, { kind: 'event', type: job.event.type, log });
        if (tab === 'home') await publishAppHome(deps, tenant, user);
      }
      return;
    case 'app_uninstalled':
    case 'tokens_revoked':
      // A late event (delivered after a reconnect) must not end the new connection. Slack's
      // event_time is whole seconds: the event happened at most 999 ms after it.
      await deps.store.installations.markDisconnected(job.teamId, job.event.type, deps.now(), job.eventTime ? new Date(job.eventTime * 1000 + 999) : undefined);
      // For the Health section (the app can no longer post, so nobody is told in Slack); not for
      // a late event the reconnect since outlived.
      if ((await deps.store.installations.findByTeam(job.teamId))?.status !== 'active')
        await deps.producer.orgProblem({ orgId: tenant.orgId, kind: 'connection_lost', subject: job.teamId, detail: job.event.type });
      log.warn('Slack connection ended by the workspace; sending stops until the app is reinstalled');
      return;
    // An org-wide install added to workspaces or taken out of them: read the whole list in the one
    // check job per installation (checkWorkspaces: one pending, the next after the one running), so
    // two events' reads, or a retry's, never write an older list over a newer one.
    case 'team_access_granted':
    case 'team_access_revoked':
      await deps.producer.checkWorkspaces({ teamId: job.teamId });
      return;
    case WORKSPACES_CHECK_EVENT:
      await learnGrantedWorkspaces(deps, tenant, log);
      return;
    default: {
      const directorySchema = directoryEventTypes.has(job.event.type) ? directoryEventSchemas[job.event.type] : undefined;
      if (directorySchema) {
        const event = readSlackPayload(directorySchema, job.event, { kind: 'event', type: job.event.type, log });
        // The workspace only for an org-wide install: a workspace install's channels are its own,
        // even when a Slack Connect event names the other company's workspace.
        await applyDirectoryEvent(deps, job.teamId, tenant.botUserId, event, tenant.orgWide ? (job.workspaceId ?? null) : null);
        return;
      }
      log.debug('event type not handled');
    }
  }
}
