// Helpers shared by the admin API's routes: the org's active Slack workspace, and Slack or
// platform calls turned into the error catalogue's answers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import type { AdminDeps } from './admin-deps.ts';
import type { AdminChangeSection } from '../../store/index.ts';
import { actorOf } from './admin-auth.ts';
import { appError, DirectoryRateLimitedError, LockBusyError, PlatformApiError } from '../../errors/index.ts';
import { CHANNEL_ID } from '../../directory/channel-choice.ts';

export const orgParams = {
  type: 'object',
  required: ['orgId'],
  properties: { orgId: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

/** The route's params: the org, and one more of its own (`agentId`, `channelId`…). */
export function orgParamsWith(name: string, schema: Record<string, unknown>) {
  return { ...orgParams, required: ['orgId', name], properties: { ...orgParams.properties, [name]: schema } };
}

const id = { type: 'string', minLength: 1, maxLength: 200 } as const;
const slackName = { type: 'string', minLength: 1, maxLength: 81 } as const;
/**
 * A channel as an admin names it: `#name`, an id, or on an org-wide install `name (Workspace)`,
 * as the pickers offer it when two workspaces each have the name (channel-choice.ts): room for an
 * 80-character name and a long workspace name.
 */
const channelChoice = { type: 'string', minLength: 1, maxLength: 200 } as const;
export const paramSchemas = {
  id,
  slackName,
  channelChoice,
  channelId: { type: 'string', pattern: CHANNEL_ID.source },
  userId: { type: 'string', pattern: '^[UW][A-Z0-9]{2,}$' },
} as const;

/** The team id of the org's active installation; `slack_not_connected` otherwise. */
export async function connectedTeam(deps: HttpDeps, orgId: string): Promise<string> {
  const installation = await deps.installations.findByOrg(orgId);
  if (installation?.status !== 'active') throw appError('slack_not_connected', `organization ${orgId}`);
  return installation.teamId;
}

/**
 * Runs a lookup that may ask Slack; a used-up budget becomes `slack_rate_limited` (503), naming
 * `field` if given, and a directory write that waited its bound for the workspace's write lock
 * (many channels picked at once, a sync becoming current) `directory_busy` (503): nothing was
 * saved, and the same request again succeeds.
 */
export async function slackLookup<T>(lookup: () => Promise<T>, field?: string): Promise<T> {
  try {
    return await lookup();
  } catch (error) {
    if (error instanceof DirectoryRateLimitedError)
      throw appError('slack_rate_limited', `${error.method}, again in ${Math.ceil(error.retryAfterMs / 1000)} s`, field);
    if (error instanceof LockBusyError) throw appError('directory_busy', undefined, field);
    throw error;
  }
}

/**
 * A lookup for one row of a list (an agent's Slack user, a group's channel): a used-up Slack
 * budget leaves that row unverified instead of failing the whole page.
 */
export async function rowLookup<T>(lookup: () => Promise<T | null>): Promise<{ value: T | null; verified: boolean }> {
  try {
    return { value: await lookup(), verified: true };
  } catch (error) {
    if (error instanceof DirectoryRateLimitedError) return { value: null, verified: false };
    throw error;
  }
}

/** Runs a call to the chat platform; its failure becomes `platform_unavailable` (502). */
export async function platformCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof PlatformApiError) throw appError('platform_unavailable', `${error.status} ${error.code}`);
    throw error;
  }
}

/** Registers routes of one org behind org-admin sessions and the operator token (app.ts builds it). */
export type OrgScope = (app: FastifyInstance, routes: (scope: FastifyInstance) => void) => void;

/** Records a change made through the admin API in the org's change history: what, to what, by whom, when. */
export async function recordChange(
  deps: Pick<HttpDeps, 'now'>,
  admin: Pick<AdminDeps, 'changes'>,
  request: FastifyRequest,
  change: { orgId: string; section: AdminChangeSection; action: string; subject?: string | null },
): Promise<void> {
  await admin.changes.record({
    orgId: change.orgId,
    section: change.section,
    action: change.action,
    subject: change.subject ?? null,
    actor: actorOf(request),
    at: deps.now(),
  });
}

/** OpenAPI fields of an admin route (served at /api/openapi.json): an org admin's session or the operator token. */
export function apiDoc(summary: string) {
  const security: Array<Record<string, string[]>> = [{ adminSession: [] }, { operatorToken: [] }];
  return { tags: ['admin'], summary, security };
}
