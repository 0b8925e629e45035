// The tenant gate of the Slack side (after bolt-js's `authorize`, which resolves every event to
// its installation before a handler runs). A Slack event or interaction names a workspace; the
// org it acts for is the org of that workspace's active installation, and nothing else. The
// processors resolve the tenant first (`slackTenantOf`); the handlers take the `SlackTenant`
// (which only this module makes) and find chats, agents and the token through it, so a handler
// cannot reach a chat or a mapping of another org: a chat thread of another org (the workspace
// moved since) answers `foreign`, and the person is told so without naming whose it is.
// test/unit/tenant-gate-usage.test.ts keeps the Slack-id lookups of chats and agents in here.
import type { ConversationDeps } from './conversation-deps.ts';
import type { AgentMapping } from '../store/index.ts';

declare const madeByTheGate: unique symbol;

/** The org and workspace a Slack event acts for: the workspace's active installation. */
export interface SlackTenant {
  readonly orgId: string;
  readonly teamId: string;
  readonly botUserId: string;
  /** An org-wide (Enterprise Grid) install: `teamId` is its organization's, and events name the workspace they happened in. */
  readonly orgWide: boolean;
  readonly [madeByTheGate]: true;
}

/** The tenant of an event from `teamId`, or null when the workspace has no active installation (nothing may act). */
export async function slackTenantOf(deps: Pick<ConversationDeps, 'store'>, teamId: string): Promise<SlackTenant | null> {
  const installation = await deps.store.installations.findByTeam(teamId);
  if (installation?.status !== 'active') return null;
  return { orgId: installation.orgId, teamId, botUserId: installation.botUserId, orgWide: installation.kind === 'enterprise' } as SlackTenant;
}

/** What a Slack thread is to the tenant: one of its chats, another org's chat, or no chat. */
export type ThreadChat = { kind: 'chat'; orgId: string; conversationId: string } | { kind: 'foreign' } | { kind: 'none' };

export async function chatInThread(
  deps: Pick<ConversationDeps, 'store'>,
  tenant: SlackTenant,
  thread: { channelId: string; threadTs: string },
): Promise<ThreadChat> {
  const found = await deps.store.conversations.findByThread({ teamId: tenant.teamId, ...thread });
  if (!found) return { kind: 'none' };
  return found.orgId === tenant.orgId ? { kind: 'chat', orgId: found.orgId, conversationId: found.conversationId } : { kind: 'foreign' };
}

/** The tenant's agent this Slack user is, or null (unmapped; another org's mapping never counts). */
export function agentOf(deps: Pick<ConversationDeps, 'store'>, tenant: SlackTenant, slackUserId: string): Promise<AgentMapping | null> {
  return deps.store.agentMappings.findBySlackUser(tenant.orgId, tenant.teamId, slackUserId);
}

/** The workspace's bot token for the tenant's work (null once the workspace is no longer the tenant's). */
export function tenantToken(deps: Pick<ConversationDeps, 'store'>, tenant: SlackTenant): Promise<string | null> {
  return deps.store.installations.botToken(tenant.teamId, tenant.orgId);
}
