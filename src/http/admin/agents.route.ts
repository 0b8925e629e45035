// Admin API: the chat platform's agents with their Slack mapping, and mapping an agent by Slack
// username (resolved through the directory) or unmapping it. Only mapped agents can answer
// visitors from Slack, which is why the list says so for each unmapped one, and suggests the
// Slack user with the agent's email (the install's users:read.email; from the directory's copy,
// never a Slack call per agent).
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../http-deps.ts';
import type { AdminDeps } from './admin-deps.ts';
import { appError } from '../../errors/index.ts';
import { connectedTeam, orgParams, orgParamsWith, paramSchemas, platformCall, recordChange, rowLookup, type OrgScope } from './admin-org.ts';
import { apiDoc } from './admin-org.ts';
import { userView } from './directory.route.ts';

const agentParams = orgParamsWith('agentId', paramSchemas.id);

const mapBody = {
  type: 'object',
  additionalProperties: false,
  required: ['username'],
  properties: { username: { type: 'string', minLength: 1, maxLength: 81 } },
} as const;

const UNMAPPED_HINT = 'Not mapped: this agent cannot answer visitors from Slack. Enter their Slack username.';

export function registerAdminAgentRoutes(app: FastifyInstance, deps: HttpDeps, admin: AdminDeps, orgScope: OrgScope): void {
  const { directory } = admin;

  async function requireAgent(orgId: string, agentId: string) {
    const agents = await platformCall(() => admin.platform.listAgents(orgId));
    const agent = agents.find((a) => a.id === agentId);
    if (!agent) throw appError('agent_not_found', agentId);
    return agent;
  }

  orgScope(app, (scope) => {
    scope.get<{ Params: { orgId: string } }>(
      '/api/orgs/:orgId/agents',
      { schema: { ...apiDoc('Agents with their Slack mapping and status'), params: orgParams } },
      async (request) => {
        const { orgId } = request.params;
        const teamId = await connectedTeam(deps, orgId);
        const [agents, mappings] = await Promise.all([platformCall(() => admin.platform.listAgents(orgId)), admin.agentMappings.listForOrg(orgId)]);
        const slackUserOf = new Map(mappings.filter((m) => m.teamId === teamId).map((m) => [m.agentId, m.slackUserId]));
        const mappedSlackUsers = new Set(slackUserOf.values());

        /** The person with the agent's email whom a mapping would accept (the PUT's own checks), or null. */
        async function suggestionFor(agentId: string, email: string) {
          const user = email ? await directory.userByEmail(teamId, email) : null;
          if (!user || mappedSlackUsers.has(user.id)) return null;
          const taken = await admin.agentMappings.findBySlackUser(orgId, teamId, user.id);
          return taken && taken.agentId !== agentId ? null : userView(user);
        }

        return {
          agents: await Promise.all(
            agents.map(async (a) => {
              const slackUserId = slackUserOf.get(a.id);
              const user = slackUserId ? (await rowLookup(() => directory.user(teamId, slackUserId))).value : null;
              return {
                agentId: a.id,
                name: a.name,
                email: a.email,
                status: a.status,
                slackUser: slackUserId ? (user ? userView(user) : { id: slackUserId, username: null }) : null,
                mapped: Boolean(slackUserId),
                hint: slackUserId ? (user?.deleted ? 'The mapped Slack user is deactivated: map this agent to their current account.' : null) : UNMAPPED_HINT,
                /** For an unmapped agent: the Slack user with the same email, to map in one click. */
                suggestion: slackUserId ? null : await suggestionFor(a.id, a.email),
              };
            }),
          ),
        };
      },
    );

    scope.put<{ Params: { orgId: string; agentId: string }; Body: { username: string } }>(
      '/api/orgs/:orgId/agents/:agentId/slack-user',
      { schema: { ...apiDoc('Map an agent to a Slack user by username'), params: agentParams, body: mapBody } },
      async (request) => {
        const { orgId, agentId } = request.params;
        const teamId = await connectedTeam(deps, orgId);
        await requireAgent(orgId, agentId);
        const username = request.body.username.trim().replace(/^@/, '');
        const user = await directory.userByUsername(teamId, username);
        if (!user) throw appError('slack_user_unknown', `@${username}`, 'username');
        if (user.deleted) throw appError('slack_user_deactivated', `@${username}`, 'username');
        if (user.isBot) throw appError('slack_user_is_bot', `@${username}`, 'username');
        // Only this org's mappings are looked at: a workspace's mappings of another org were retired
        // when it was connected here, and an answer never names another org's agents.
        const taken = await admin.agentMappings.findBySlackUser(orgId, teamId, user.id);
        if (taken && taken.agentId !== agentId) throw appError('slack_user_already_mapped', `@${username} is mapped to agent ${taken.agentId}`, 'username');
        const mapped = await admin.agentMappings.map({ orgId, agentId, teamId, slackUserId: user.id }, deps.now());
        if (!mapped.ok) throw appError('slack_user_already_mapped', `@${username} was mapped to another agent a moment ago`, 'username');
        await recordChange(deps, admin, request, { orgId, section: 'agents', action: 'agent.mapped', subject: agentId });
        await deps.producer.orgChanged({ orgId, cause: 'settings-changed' });
        return { agentId, mapped: true, slackUser: userView(user) };
      },
    );

    scope.delete<{ Params: { orgId: string; agentId: string } }>(
      '/api/orgs/:orgId/agents/:agentId/slack-user',
      { schema: { ...apiDoc('Unmap an agent'), params: agentParams } },
      async (request, reply) => {
        const { orgId, agentId } = request.params;
        await connectedTeam(deps, orgId);
        await requireAgent(orgId, agentId);
        await admin.agentMappings.unmap(orgId, agentId);
        await recordChange(deps, admin, request, { orgId, section: 'agents', action: 'agent.unmapped', subject: agentId });
        return reply.status(204).send();
      },
    );
  });
}
