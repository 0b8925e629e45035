// Admin API: the integration's health as the org's admin sees it (src/routing/health-items.ts,
// gathered by src/health/org-health.ts), and Route again for a chat that reached no one: it queues
// a sync of that chat, which routes it with the settings as they are now (as a settings change
// does for all the org's undeliverable chats). Another org's chat is answered as no chat at all.
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import type { AdminDeps } from './admin-deps.ts';
import { appError } from '../../errors/index.ts';
import { checkOrgHealth } from '../../health/org-health.ts';
import { principalOf } from './admin-auth.ts';
import { apiDoc, orgParams, orgParamsWith, paramSchemas, platformCall, type OrgScope } from './admin-org.ts';
import { installLinkFor } from '../routes/slack-oauth.route.ts';

const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const;
const noFields = { type: 'object', additionalProperties: false, properties: {} } as const;
const conversationParams = orgParamsWith('conversationId', paramSchemas.id);

export function registerAdminHealthRoutes(app: FastifyInstance, deps: HttpDeps, admin: AdminDeps, orgScope: OrgScope): void {
  const healthDeps = { store: admin.healthStore, directory: admin.directory, platform: admin.platform, now: deps.now };

  orgScope(app, (scope) => {
    scope.get<{ Params: { orgId: string } }>(
      '/api/orgs/:orgId/health',
      {
        schema: {
          ...apiDoc('The integration’s health: the connection, channels, agents and chats that keep chats from reaching a person, each with what to do'),
          params: orgParams,
          querystring: noQuery,
        },
      },
      async (request) => {
        const { orgId } = request.params;
        return platformCall(() => checkOrgHealth(healthDeps, orgId, installLinkFor(deps, orgId, principalOf(request))));
      },
    );

    scope.post<{ Params: { orgId: string; conversationId: string }; Body: Record<string, never> | undefined }>(
      '/api/orgs/:orgId/conversations/:conversationId/route-again',
      {
        schema: {
          ...apiDoc('Route again a chat whose notification reached no one, with the settings as they are now (answered 202: queued)'),
          params: conversationParams,
          querystring: noQuery,
          body: noFields,
        },
        // The page's button sends no body; a body with fields is refused, naming them.
        preValidation: async (request) => {
          request.body ??= {};
        },
      },
      async (request, reply) => {
        const { orgId, conversationId } = request.params;
        const record = await admin.healthStore.conversations.get(orgId, conversationId);
        if (!record?.conversation) throw appError('conversation_not_found', conversationId);
        if (record.status !== 'open' || record.thread || !record.undeliverableReason) {
          throw appError('conversation_not_undeliverable', record.status === 'ended' ? 'the chat has ended' : 'the chat reached Slack already');
        }
        const now = deps.now().getTime();
        await deps.producer.scheduleThreadSync({ orgId, conversationId, cause: 'route-again' }, now, now);
        request.log.info({ orgId, conversationId }, 'undeliverable chat queued to be routed again');
        return reply.status(202).send({ queued: true });
      },
    );
  });
}
