// The admin API end-to-end tests' world (test/e2e/admin-api-*.e2e.test.ts): a harness of their own
// (web, worker, emulators) with agents, routing groups, Slack users and channels the tests name, the
// directory caught up with them; calls to an org's admin API with the operator token, and the app's
// conversations.join calls for a channel.
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';

// Set by startAdminApiHarness (beforeAll); the tests import them as live bindings.
export let h: Harness;
export let groupId: string;
export let soloGroupId: string;
export let daveAgentId: string;
export const ids: Record<string, string> = {};

export async function api(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  return apiFor(h.orgId, method, path, body, token);
}

export async function apiFor(orgId: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${h.webUrl}/api/orgs/${encodeURIComponent(orgId)}${path}`, {
    method,
    headers: { authorization: `Bearer ${token ?? h.secrets.adminApiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Starts the harness (its log files named after `name`) and seeds it: allow 120 s. */
export async function startAdminApiHarness(name: string): Promise<void> {
  h = await startHarness({ runtime: 'node', name });
  const dave = h.platform.addAgent(h.orgId, { name: 'Dave Newhire', email: 'dave@acme.test', status: 'online' });
  daveAgentId = dave.id;
  groupId = h.platform.addRoutingGroup(h.orgId, { name: 'Sales', memberAgentIds: [h.agents.alice.agentId, h.agents.bob.agentId] }).id;
  soloGroupId = h.platform.addRoutingGroup(h.orgId, { name: 'Solo', memberAgentIds: [dave.id] }).id;
  ids['dave'] = h.slack.createUser(h.teamId, { name: 'dave', realName: 'Dave Newhire' }).id;
  ids['gone'] = h.slack.createUser(h.teamId, { name: 'gone', realName: 'Gone Person', deleted: true }).id;
  ids['sales'] = h.slack.createChannel(h.teamId, { name: 'sales-leads' }).id;
  ids['archived'] = h.slack.createChannel(h.teamId, { name: 'old-leads', isArchived: true }).id;
  ids['private'] = h.slack.createChannel(h.teamId, { name: 'vip-leads', isPrivate: true, memberIds: [h.agents.alice.slackUserId] }).id;
  ids['neverAdded'] = h.slack.createChannel(h.teamId, { name: 'never-added', memberIds: [h.agents.alice.slackUserId] }).id;
  // Agents whose email finds (or must not find) a Slack user to suggest.
  ids['erinAgent'] = h.platform.addAgent(h.orgId, { name: 'Erin Case', email: 'erin.case@acme.test', status: 'online' }).id;
  ids['erin'] = h.slack.createUser(h.teamId, { name: 'erin.c', realName: 'Erin Case', email: 'Erin.Case@ACME.test' }).id;
  ids['hanaAgent'] = h.platform.addAgent(h.orgId, { name: 'Hana Back', email: 'hana@acme.test', status: 'online' }).id;
  h.slack.createUser(h.teamId, { name: 'hana.old', realName: 'Hana Back', email: 'hana@acme.test', deleted: true });
  ids['hana'] = h.slack.createUser(h.teamId, { name: 'hana', realName: 'Hana Back', email: 'hana@acme.test' }).id;
  ids['gusAgent'] = h.platform.addAgent(h.orgId, { name: 'Gus Gone', email: 'gus@acme.test', status: 'offline' }).id;
  h.slack.createUser(h.teamId, { name: 'gus', realName: 'Gus Gone', email: 'gus@acme.test', deleted: true });
  ids['roboAgent'] = h.platform.addAgent(h.orgId, { name: 'Robo Agent', email: 'robo@acme.test', status: 'online' }).id;
  h.slack.createUser(h.teamId, { name: 'robo', realName: 'Robo', email: 'robo@acme.test', isBot: true });
  // Alice's Slack user is mapped to Alice already: not suggested for another agent with her email.
  ids['aliceTwinAgent'] = h.platform.addAgent(h.orgId, { name: 'Alice Twin', email: 'ALICE@acme.test', status: 'online' }).id;
  // The directory has caught up with the workspace (the first sync, then the events).
  await waitFor(
    () => api('GET', '/directory/users/by-username/dave'),
    (r) => r.status === 200,
    { what: 'the directory to know dave', timeoutMs: 60_000 },
  );
  await waitFor(
    () => api('GET', '/directory/channels/by-name/sales-leads'),
    (r) => r.status === 200,
    { what: 'the directory to know #sales-leads', timeoutMs: 60_000 },
  );
  await waitFor(
    () => api('GET', '/directory/channels/by-name/never-added'),
    (r) => r.status === 200,
    { what: 'the directory to know #never-added', timeoutMs: 60_000 },
  );
  for (const username of ['erin.c', 'hana', 'hana.old', 'gus', 'robo']) {
    await waitFor(
      () => api('GET', `/directory/users/by-username/${username}`),
      (r) => r.status === 200,
      { what: `the directory to know @${username}`, timeoutMs: 60_000 },
    );
  }
}

export const joinsOf = (channel: string) => h.slack.calls({ method: 'conversations.join', teamId: h.teamId }).filter((c) => c.params['channel'] === channel);

export const stopAdminApiHarness = async (): Promise<void> => h?.stop();
