// End to end: the admin API an org admin's settings page uses, against the emulators, with the
// operator token (scripts, support) and with an org admin's session from the platform's Setup
// link (its own org only, changes recorded with who made them). The connection, the settings (channel-ID mode, the global channel), agents mapped by Slack
// username with suggestions by email, routing groups' channels by name or by ID, the app joining
// a public channel chosen for notifications, and every error with the field it concerns. Saves
// route undeliverable chats again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { Redis } from 'ioredis';
import { waitFor } from '../support/wait-for.ts';
import { redisUrl } from '../support/services.ts';
import { createSlackCallBudget } from '../../src/slack/slack-call-budget.ts';
import { createLocks } from '../../src/locks/redis-locks.ts';
import { cookiesOf, installLink, startInstall } from '../../sandbox/seed.ts';

let h: Harness;
let groupId: string;
let soloGroupId: string;
let daveAgentId: string;
const ids: Record<string, string> = {};

async function api(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  return apiFor(h.orgId, method, path, body, token);
}

async function apiFor(orgId: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${h.webUrl}/api/orgs/${encodeURIComponent(orgId)}${path}`, {
    method,
    headers: { authorization: `Bearer ${token ?? h.secrets.adminApiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  h = await startHarness({ runtime: 'node', name: 'admin-api' });
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
  await waitFor(() => api('GET', '/directory/users/by-username/dave'), (r) => r.status === 200, { what: 'the directory to know dave', timeoutMs: 60_000 });
  await waitFor(() => api('GET', '/directory/channels/by-name/sales-leads'), (r) => r.status === 200, { what: 'the directory to know #sales-leads', timeoutMs: 60_000 });
  await waitFor(() => api('GET', '/directory/channels/by-name/never-added'), (r) => r.status === 200, { what: 'the directory to know #never-added', timeoutMs: 60_000 });
  for (const username of ['erin.c', 'hana', 'hana.old', 'gus', 'robo']) {
    await waitFor(() => api('GET', `/directory/users/by-username/${username}`), (r) => r.status === 200, { what: `the directory to know @${username}`, timeoutMs: 60_000 });
  }
}, 120_000);

const joinsOf = (channel: string) => h.slack.calls({ method: 'conversations.join', teamId: h.teamId }).filter((c) => c.params['channel'] === channel);
afterAll(async () => h?.stop());

describe('connection', () => {
  it('names the connected workspace and a signed install link', async () => {
    expect(await api('GET', '/slack')).toMatchObject({ status: 200, body: { status: 'connected', workspace: { id: h.teamId, name: 'Acme Sales' }, installUrl: expect.stringMatching(/^\/slack\/install\?ticket=[\w%.-]+$/) } });
  });

  it('an org that never connected: not-connected with a working install link, and its settings answer slack_not_connected', async () => {
    const other = h.platform.createOrg({ name: 'Other' });
    const conn = await fetch(`${h.webUrl}/api/orgs/${other.id}/slack`, { headers: { authorization: `Bearer ${h.secrets.adminApiToken}` } });
    const body = (await conn.json()) as { status: string; installUrl: string };
    expect(body.status).toBe('not-connected');
    // The link is signed for that org: following it starts Slack's OAuth for that org only.
    const install = await fetch(`${h.webUrl}${body.installUrl}`, { redirect: 'manual' });
    expect(install.status).toBe(302);
    expect(install.headers.get('location')).toContain('oauth/v2/authorize');
    const settings = await fetch(`${h.webUrl}/api/orgs/${other.id}/settings`, { headers: { authorization: `Bearer ${h.secrets.adminApiToken}` } });
    expect(settings.status).toBe(409);
    expect(await settings.json()).toMatchObject({ error: { code: 'slack_not_connected' } });
  });

  it('every admin route needs a credential: a wrong operator token is refused', async () => {
    for (const [method, path] of [['GET', '/slack'], ['DELETE', '/slack'], ['GET', '/changes'], ['GET', '/settings'], ['PUT', '/settings'], ['GET', '/agents'], ['PUT', `/agents/${daveAgentId}/slack-user`], ['GET', '/routing-groups'], ['DELETE', `/routing-groups/${groupId}/slack-channel`]] as const) {
      expect(await api(method, path, method === 'GET' || method === 'DELETE' ? undefined : {}, 'not-the-token')).toMatchObject({ status: 401, body: { error: { code: 'admin_unauthorized' } } });
    }
  });
});

describe('settings', () => {
  it('reads them with the global channel by name, and whether the app is in it', async () => {
    expect(await api('GET', '/settings')).toMatchObject({
      status: 200,
      body: { channelIdMode: false, globalChannel: { enabled: true, channel: { id: h.channelId, name: 'website-chats', appInChannel: expect.any(Boolean), warning: null } } },
    });
  });

  it('saves the global channel by name, and routes undeliverable chats again', async () => {
    const before = (await h.queues.orgChanges.getJobCounts('completed', 'waiting', 'delayed', 'active'));
    // Nobody added the app to #sales-leads: saving it joins the channel, so replies there are heard.
    expect((await api('GET', `/directory/channels/${ids['sales']}`)).body.channel.appIsMember).toBe(false);
    const saved = await api('PUT', '/settings', { channelIdMode: false, globalChannel: { enabled: true, channel: '#sales-leads' } });
    expect(saved).toMatchObject({ status: 200, body: { globalChannel: { enabled: true, channel: { id: ids['sales'], name: 'sales-leads', appInChannel: true } } } });
    expect(joinsOf(ids['sales']!)).toHaveLength(1);
    expect(joinsOf(ids['sales']!)[0]).toMatchObject({ httpStatus: 200, response: { ok: true, channel: { id: ids['sales'], is_member: true } } });
    expect(await api('GET', '/settings')).toMatchObject({ body: { globalChannel: { enabled: true, channel: { id: ids['sales'], appInChannel: true } } } });
    expect(await h.store.orgSettings.get(h.orgId)).toMatchObject({ globalChannelEnabled: true, globalChannelId: ids['sales'] });
    await waitFor(() => h.queues.orgChanges.getJobCounts('completed', 'waiting', 'delayed', 'active'), (c) => Object.values(c).reduce((a, b) => a + b, 0) > Object.values(before).reduce((a, b) => a + b, 0), { what: 'an org-changed job' });
  });

  it('in channel-ID mode takes an ID, checked with Slack when the directory does not have it', async () => {
    // Created with the app already in it: no event, so only Slack knows it.
    const quiet = h.slack.createChannel(h.teamId, { name: 'quiet-private', isPrivate: true, memberIds: [h.botUserId] });
    expect(await api('PUT', '/settings', { channelIdMode: true, globalChannel: { enabled: true, channel: quiet.id } })).toMatchObject({
      status: 200, body: { channelIdMode: true, globalChannel: { channel: { id: quiet.id, name: 'quiet-private', isPrivate: true } } },
    });
    expect(await api('GET', '/settings')).toMatchObject({ body: { channelIdMode: true, globalChannel: { enabled: true, channel: { id: quiet.id } } } });
  });

  it('a channel kept with its toggle off is stored as sent, and not joined', async () => {
    expect(await api('PUT', '/settings', { channelIdMode: false, globalChannel: { enabled: false, channel: 'never-added' } })).toMatchObject({
      status: 200, body: { globalChannel: { enabled: false, channel: { id: ids['neverAdded'], appInChannel: false } } },
    });
    expect(await h.store.orgSettings.get(h.orgId)).toMatchObject({ globalChannelEnabled: false, globalChannelId: ids['neverAdded'] });
    expect(joinsOf(ids['neverAdded']!)).toHaveLength(0);
  });

  it('turning the global channel off keeps working without a channel', async () => {
    expect(await api('PUT', '/settings', { channelIdMode: false, globalChannel: { enabled: false, channel: null } })).toMatchObject({ status: 200, body: { globalChannel: { enabled: false, channel: null } } });
    expect(await h.store.orgSettings.get(h.orgId)).toMatchObject({ channelIdMode: false, globalChannelEnabled: false, globalChannelId: null });
  });

  it.each([
    { why: 'on without a channel', body: { channelIdMode: false, globalChannel: { enabled: true } }, status: 422, code: 'global_channel_required', field: 'globalChannel.channel' },
    { why: 'an unknown name', body: { channelIdMode: false, globalChannel: { enabled: true, channel: 'no-such-channel' } }, status: 422, code: 'channel_unknown', field: 'globalChannel.channel' },
    { why: 'a name in channel-ID mode', body: { channelIdMode: true, globalChannel: { enabled: true, channel: 'sales-leads' } }, status: 422, code: 'channel_id_expected', field: 'globalChannel.channel' },
    { why: 'an unknown ID', body: { channelIdMode: true, globalChannel: { enabled: true, channel: 'C0NOSUCH1' } }, status: 422, code: 'channel_id_unknown', field: 'globalChannel.channel' },
    { why: 'an archived channel', body: { channelIdMode: false, globalChannel: { enabled: true, channel: 'old-leads' } }, status: 422, code: 'channel_archived', field: 'globalChannel.channel' },
    { why: 'a malformed body', body: { channelIdMode: 'yes', globalChannel: { enabled: true } }, status: 400, code: 'invalid_payload', field: undefined },
    { why: 'no body', body: undefined, status: 400, code: undefined, field: undefined },
  ])('refuses $why, saving nothing', async ({ body, status, code, field }) => {
    const before = await h.store.orgSettings.get(h.orgId);
    const answer = await api('PUT', '/settings', body);
    expect(answer.status).toBe(status);
    if (code) expect(answer.body.error.code).toBe(code);
    expect(answer.body.error.field).toBe(field);
    expect(await h.store.orgSettings.get(h.orgId)).toEqual(before);
  });

  it('a private channel without the app: refused with how to add it', async () => {
    const answer = await api('PUT', '/settings', { channelIdMode: true, globalChannel: { enabled: true, channel: ids['private'] } });
    // Slack does not show the app a private channel it is not in: unknown by ID...
    expect(answer).toMatchObject({ status: 422, body: { error: { code: 'channel_id_unknown' } } });
    // ...and once the app was in it and left, the directory knows it and says what to do.
    h.slack.addToChannel(ids['private']!, h.botUserId);
    await waitFor(() => api('GET', '/directory/channels/by-name/vip-leads'), (r) => r.body?.channel?.appIsMember === true, { what: 'the app in #vip-leads' });
    h.slack.removeFromChannel(ids['private']!, h.botUserId);
    await waitFor(() => api('GET', '/directory/channels/by-name/vip-leads'), (r) => r.body?.channel?.appIsMember === false, { what: 'the app out of #vip-leads' });
    expect(await api('PUT', '/settings', { channelIdMode: false, globalChannel: { enabled: true, channel: 'vip-leads' } })).toMatchObject({
      status: 422, body: { error: { code: 'channel_app_not_member', field: 'globalChannel.channel', message: expect.stringContaining('Add to Channel') } },
    });
    // A private channel cannot be joined: the app never tried.
    expect(joinsOf(ids['private']!)).toHaveLength(0);
  });
});

describe('agents', () => {
  it('lists agents with their mapping and status; unmapped ones say why it matters', async () => {
    const { status, body } = await api('GET', '/agents');
    expect(status).toBe(200);
    expect(body.agents).toEqual(expect.arrayContaining([
      expect.objectContaining({ agentId: h.agents.alice.agentId, status: 'online', mapped: true, slackUser: expect.objectContaining({ id: h.agents.alice.slackUserId, username: 'alice' }), hint: null }),
      expect.objectContaining({ agentId: daveAgentId, name: 'Dave Newhire', mapped: false, slackUser: null, hint: expect.stringContaining('cannot answer visitors from Slack') }),
    ]));
  });

  it('suggests, for each unmapped agent, the Slack user with the same email (any case), never a deactivated one, a bot or someone mapped already', async () => {
    const { status, body } = await api('GET', '/agents');
    expect(status).toBe(200);
    const suggestionOf = (agentId: string) => body.agents.find((a: { agentId: string }) => a.agentId === agentId).suggestion;
    expect(suggestionOf(ids['erinAgent']!)).toMatchObject({ id: ids['erin'], username: 'erin.c', email: 'Erin.Case@ACME.test' });
    // The current account, not the deactivated one with the same email.
    expect(suggestionOf(ids['hanaAgent']!)).toMatchObject({ id: ids['hana'], username: 'hana' });
    expect(suggestionOf(ids['gusAgent']!)).toBeNull();
    expect(suggestionOf(ids['roboAgent']!)).toBeNull();
    expect(suggestionOf(ids['aliceTwinAgent']!)).toBeNull();
    // Dave's Slack user has no email; a mapped agent needs no suggestion.
    expect(suggestionOf(daveAgentId)).toBeNull();
    expect(suggestionOf(h.agents.alice.agentId)).toBeNull();
  });

  it('a suggestion is mapped like any username, and is gone once mapped', async () => {
    const suggested = (await api('GET', '/agents')).body.agents.find((a: { agentId: string }) => a.agentId === ids['erinAgent']).suggestion;
    expect(await api('PUT', `/agents/${ids['erinAgent']}/slack-user`, { username: suggested.username })).toMatchObject({ status: 200, body: { mapped: true, slackUser: { id: ids['erin'] } } });
    expect((await api('GET', '/agents')).body.agents.find((a: { agentId: string }) => a.agentId === ids['erinAgent'])).toMatchObject({ mapped: true, suggestion: null, slackUser: { id: ids['erin'] } });
    expect(await api('DELETE', `/agents/${ids['erinAgent']}/slack-user`)).toMatchObject({ status: 204 });
  });

  it('follows Slack: a user who changes their email to an agent\'s becomes that agent\'s suggestion', async () => {
    h.slack.updateUser(ids['dave']!, { email: 'Dave@Acme.test' });
    const listed = await waitFor(() => api('GET', '/agents'), (r) => r.body.agents.find((a: { agentId: string }) => a.agentId === daveAgentId).suggestion !== null, { what: 'dave suggested' });
    expect(listed.body.agents.find((a: { agentId: string }) => a.agentId === daveAgentId).suggestion).toMatchObject({ id: ids['dave'], username: 'dave' });
  });

  it('maps an agent by Slack username and unmaps it', async () => {
    expect(await api('PUT', `/agents/${daveAgentId}/slack-user`, { username: '@dave' })).toMatchObject({ status: 200, body: { mapped: true, slackUser: { id: ids['dave'], username: 'dave' } } });
    expect(await h.store.agentMappings.findByAgent(h.orgId, daveAgentId)).toMatchObject({ slackUserId: ids['dave'], teamId: h.teamId });
    expect((await api('GET', '/agents')).body.agents.find((a: { agentId: string }) => a.agentId === daveAgentId)).toMatchObject({ mapped: true });
    expect(await api('DELETE', `/agents/${daveAgentId}/slack-user`)).toMatchObject({ status: 204 });
    expect(await h.store.agentMappings.findByAgent(h.orgId, daveAgentId)).toBeNull();
  });

  it.each([
    { why: 'an unknown username', username: 'nobody', status: 422, code: 'slack_user_unknown', message: '@nobody' },
    { why: 'a deactivated user', username: 'gone', status: 422, code: 'slack_user_deactivated', message: '@gone' },
    { why: 'a bot', username: 'threadbridge', status: 422, code: 'slack_user_is_bot', message: '@threadbridge' },
    { why: 'a user mapped to another agent', username: 'alice', status: 409, code: 'slack_user_already_mapped', message: '@alice' },
  ])('refuses $why, naming it', async ({ username, status, code, message }) => {
    const answer = await api('PUT', `/agents/${daveAgentId}/slack-user`, { username });
    expect(answer).toMatchObject({ status, body: { error: { code, field: 'username', message: expect.stringContaining(message) } } });
    expect(await h.store.agentMappings.findByAgent(h.orgId, daveAgentId)).toBeNull();
  });

  it('refuses an unknown agent and an empty username', async () => {
    expect(await api('PUT', '/agents/agent_nope/slack-user', { username: 'dave' })).toMatchObject({ status: 404, body: { error: { code: 'agent_not_found' } } });
    expect(await api('PUT', `/agents/${daveAgentId}/slack-user`, { username: '' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });
  });
});

describe('routing groups', () => {
  it('sets a group channel by name, shows it, and clears it', async () => {
    expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: '#sales-leads' })).toMatchObject({ status: 200, body: { channel: { id: ids['sales'], name: 'sales-leads' } } });
    expect(await h.store.slackRouting.groupChannel(h.orgId, groupId)).toBe(ids['sales']);
    const listed = await api('GET', '/routing-groups');
    expect(listed.body.routingGroups).toEqual(expect.arrayContaining([
      expect.objectContaining({ groupId, name: 'Sales', channel: expect.objectContaining({ id: ids['sales'], name: 'sales-leads', warning: null }) }),
      expect.objectContaining({ groupId: soloGroupId, channel: null }),
    ]));
    expect(await api('DELETE', `/routing-groups/${groupId}/slack-channel`)).toMatchObject({ status: 204 });
    expect(await h.store.slackRouting.groupChannel(h.orgId, groupId)).toBeNull();
  });

  it('a public channel the app was never added to: saving it joins the channel, and the next read says the app is in it', async () => {
    expect(joinsOf(ids['neverAdded']!)).toHaveLength(0);
    const saved = await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: 'never-added' });
    expect(saved).toMatchObject({ status: 200, body: { channel: { id: ids['neverAdded'], name: 'never-added', isPrivate: false, appInChannel: true, warning: null } } });
    expect(joinsOf(ids['neverAdded']!).map((c) => ({ params: c.params, ok: c.response['ok'] }))).toEqual([{ params: expect.objectContaining({ channel: ids['neverAdded'] }), ok: true }]);
    expect(await h.store.slackRouting.groupChannel(h.orgId, groupId)).toBe(ids['neverAdded']);
    const listed = await api('GET', '/routing-groups');
    expect(listed.body.routingGroups.find((g: { groupId: string }) => g.groupId === groupId).channel).toMatchObject({ id: ids['neverAdded'], appInChannel: true });
    // The directory knows the app is in it now: saving it again asks Slack nothing.
    expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: 'never-added' })).toMatchObject({ status: 200, body: { channel: { appInChannel: true } } });
    expect(joinsOf(ids['neverAdded']!)).toHaveLength(1);
    expect(await api('DELETE', `/routing-groups/${groupId}/slack-channel`)).toMatchObject({ status: 204 });
  });

  it('a join Slack refuses is answered channel_join_failed with Slack\'s code and the field, saving nothing', async () => {
    // An org connected before the app asked to join channels: its install lacks channels:join.
    const org = h.platform.createOrg({ name: 'Older Install' });
    const group = h.platform.addRoutingGroup(org.id, { name: 'Leads', memberAgentIds: [] });
    const team = h.slack.createTeam({ name: 'Older Install Inc' });
    const installer = h.slack.createUser(team.id, { name: 'owner' });
    const open = h.slack.createChannel(team.id, { name: 'open-leads', memberIds: [installer.id] });
    const install = await startInstall(await installLink(h.webUrl, h.secrets.adminApiToken, org.id));
    const authorize = new URL(install.authorizeUrl);
    authorize.searchParams.set('scope', authorize.searchParams.get('scope')!.split(',').filter((s) => s !== 'channels:join').join(','));
    expect((await install.callBack(h.slack.approveInstall(authorize.toString(), { teamId: team.id, userId: installer.id }))).status).toBe(303);
    await waitFor(() => apiFor(org.id, 'GET', '/directory/channels/by-name/open-leads'), (r) => r.status === 200, { what: 'the directory to know #open-leads', timeoutMs: 60_000 });

    const answer = await apiFor(org.id, 'PUT', `/routing-groups/${group.id}/slack-channel`, { channel: 'open-leads' });
    expect(answer).toMatchObject({ status: 422, body: { error: { code: 'channel_join_failed', field: 'channel', message: expect.stringContaining('Slack answered missing_scope') } } });
    expect(answer.body.error.message).toContain('connect Slack again');
    expect(h.slack.calls({ method: 'conversations.join', teamId: team.id }).map((c) => c.response['error'])).toEqual(['missing_scope']);
    expect(await h.store.slackRouting.groupChannel(org.id, group.id)).toBeNull();
    expect((await apiFor(org.id, 'GET', `/directory/channels/${open.id}`)).body.channel.appIsMember).toBe(false);
  });

  it('in channel-ID mode sets it by ID', async () => {
    await api('PUT', '/settings', { channelIdMode: true, globalChannel: { enabled: false } });
    expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: ids['sales'] })).toMatchObject({ status: 200, body: { channel: { id: ids['sales'] } } });
    expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: '#sales-leads' })).toMatchObject({ status: 422, body: { error: { code: 'channel_id_expected', field: 'channel' } } });
    await api('PUT', '/settings', { channelIdMode: false, globalChannel: { enabled: false } });
  });

  it('warns about a group whose channel the app can no longer post to', async () => {
    const doomed = h.slack.createChannel(h.teamId, { name: 'doomed-leads' });
    await waitFor(() => api('GET', '/directory/channels/by-name/doomed-leads'), (r) => r.status === 200, { what: 'the new channel' });
    expect(await api('PUT', `/routing-groups/${soloGroupId}/slack-channel`, { channel: 'doomed-leads' })).toMatchObject({ status: 200 });
    h.slack.archiveChannel(doomed.id);
    const listed = await waitFor(() => api('GET', '/routing-groups'), (r) => r.body.routingGroups.find((g: { groupId: string }) => g.groupId === soloGroupId)?.channel?.warning, { what: 'the warning' });
    expect(listed.body.routingGroups.find((g: { groupId: string }) => g.groupId === soloGroupId).channel.warning).toContain('archived');
  });

  it.each([
    { why: 'an unknown group', group: () => 'group_nope', channel: 'sales-leads', status: 404, code: 'routing_group_not_found' },
    { why: 'an unknown channel', group: () => groupId, channel: 'no-such', status: 422, code: 'channel_unknown' },
    { why: 'an archived channel', group: () => groupId, channel: 'old-leads', status: 422, code: 'channel_archived' },
  ])('refuses $why', async ({ group, channel, status, code }) => {
    expect(await api('PUT', `/routing-groups/${group()}/slack-channel`, { channel })).toMatchObject({ status, body: { error: { code } } });
  });
});

describe('OpenAPI description', () => {
  it('is served, without a token, and describes every admin route with its ways in: an org admin’s session and the operator token, or the operator token alone for the dead letters', async () => {
    const response = await fetch(`${h.webUrl}/api/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { summary?: string; security?: unknown }>>; components: unknown };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components).toMatchObject({ securitySchemes: { adminSession: { type: 'apiKey', in: 'cookie', name: 'tb_admin' }, operatorToken: { type: 'http', scheme: 'bearer' } } });
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    expect(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort()).toEqual([
      'DELETE /api/orgs/{orgId}/agents/{agentId}/slack-user',
      'DELETE /api/orgs/{orgId}/routing-groups/{groupId}/slack-channel',
      'DELETE /api/orgs/{orgId}/slack',
      'DELETE /api/session',
      'GET /api/dead-letters',
      'GET /api/orgs/{orgId}/agents',
      'GET /api/orgs/{orgId}/changes',
      'GET /api/orgs/{orgId}/directory',
      'GET /api/orgs/{orgId}/directory/channels',
      'GET /api/orgs/{orgId}/directory/channels/by-name/{name}',
      'GET /api/orgs/{orgId}/directory/channels/{channelId}',
      'GET /api/orgs/{orgId}/directory/users',
      'GET /api/orgs/{orgId}/directory/users/by-username/{username}',
      'GET /api/orgs/{orgId}/directory/users/{userId}',
      'GET /api/orgs/{orgId}/routing-groups',
      'GET /api/orgs/{orgId}/settings',
      'GET /api/orgs/{orgId}/slack',
      'POST /api/dead-letters/replay',
      'PUT /api/orgs/{orgId}/agents/{agentId}/slack-user',
      'PUT /api/orgs/{orgId}/routing-groups/{groupId}/slack-channel',
      'PUT /api/orgs/{orgId}/settings',
    ]);
    for (const { path, op } of operations) {
      // Dead letters hold every org's chats: operators only.
      const security = path.startsWith('/api/dead-letters') ? [{ operatorToken: [] }] : [{ adminSession: [] }, { operatorToken: [] }];
      expect(op).toMatchObject({ summary: expect.any(String), security });
    }
  });
});

describe('many channels saved at once', () => {
  it('saving a channel while the workspace’s channel list is locked by other writes answers directory_busy, saving nothing; the same request again succeeds', async () => {
    const busy = h.slack.createChannel(h.teamId, { name: 'busy-leads' });
    await waitFor(() => api('GET', '/directory/channels/by-name/busy-leads'), (r) => r.status === 200, { what: 'the directory to know #busy-leads' });
    const redis = new Redis(redisUrl());
    const held = await createLocks(redis, h.prefix).tryAcquire(`directory-write:${h.teamId}:channels`, 30_000);
    expect(held).not.toBeNull();
    const before = await h.store.slackRouting.groupChannel(h.orgId, groupId);
    try {
      expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: 'busy-leads' })).toMatchObject({
        status: 503, body: { error: { code: 'directory_busy', field: 'channel' } },
      });
      expect(await h.store.slackRouting.groupChannel(h.orgId, groupId)).toBe(before);
    } finally {
      await held!.release();
      redis.disconnect();
    }
    expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: 'busy-leads' })).toMatchObject({ status: 200 });
    expect(await h.store.slackRouting.groupChannel(h.orgId, groupId)).toBe(busy.id);
    await h.store.slackRouting.setGroupChannel(h.orgId, groupId, before, new Date());
  }, 30_000);
});

describe('Slack’s budget used up', () => {
  it('a list shows the row it could not check by its id; a single lookup answers slack_rate_limited with the wait', async () => {
    // Known only to Slack (the app was in it from its creation, so no event told the directory).
    const quiet = h.slack.createChannel(h.teamId, { name: 'budget-quiet', isPrivate: true, memberIds: [h.botUserId] });
    await h.store.slackRouting.setGroupChannel(h.orgId, soloGroupId, quiet.id, new Date());
    // Every conversations.info call of this minute is spent (by other admins, other processes).
    const redis = new Redis(redisUrl());
    const budget = createSlackCallBudget(redis, h.prefix);
    for (let i = 0; i < 50; i++) await budget.take(h.teamId, 'conversations.info', 50, `spent-${i}`);
    redis.disconnect();

    const listed = await api('GET', '/routing-groups');
    expect(listed.status).toBe(200);
    expect(listed.body.routingGroups.find((g: { groupId: string }) => g.groupId === soloGroupId).channel).toEqual({ id: quiet.id, name: null, appInChannel: null, warning: null });
    expect(await api('GET', `/directory/channels/${quiet.id}`)).toMatchObject({ status: 503, body: { error: { code: 'slack_rate_limited', message: expect.stringMatching(/again in \d+ s/) } } });
  });

  it('joining a public channel with the minute\'s conversations.join calls spent answers slack_rate_limited with the field, saving nothing', async () => {
    const spare = h.slack.createChannel(h.teamId, { name: 'spare-leads' });
    await waitFor(() => api('GET', '/directory/channels/by-name/spare-leads'), (r) => r.status === 200, { what: 'the directory to know #spare-leads' });
    const redis = new Redis(redisUrl());
    const budget = createSlackCallBudget(redis, h.prefix);
    for (let i = 0; i < 50; i++) await budget.take(h.teamId, 'conversations.join', 50, `spent-join-${i}`);
    redis.disconnect();
    const before = await h.store.slackRouting.groupChannel(h.orgId, groupId);
    expect(await api('PUT', `/routing-groups/${groupId}/slack-channel`, { channel: 'spare-leads' })).toMatchObject({
      status: 503, body: { error: { code: 'slack_rate_limited', field: 'channel', message: expect.stringMatching(/conversations\.join, again in \d+ s/) } },
    });
    expect(joinsOf(spare.id)).toHaveLength(0);
    expect(await h.store.slackRouting.groupChannel(h.orgId, groupId)).toBe(before);
  });
});

// Last: its save queues an org-changed job, which the settings test above counts.
describe('an org admin’s session', () => {
  it('an org admin signed in from the platform’s Setup link reaches its org, not another, and its changes are recorded as theirs', async () => {
    const launched = await fetch(h.launchLink(), { redirect: 'manual' });
    expect(launched.status).toBe(303);
    const cookie = cookiesOf(launched);
    const asAdmin = (method: string, path: string, body?: unknown) =>
      fetch(`${h.webUrl}/api/orgs/${encodeURIComponent(h.orgId)}${path}`, {
        method, headers: { cookie, origin: h.webUrl, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const agents = await asAdmin('GET', '/agents');
    expect(agents.status).toBe(200);
    expect(((await agents.json()) as { agents: unknown[] }).agents.length).toBeGreaterThan(0);
    const other = h.platform.createOrg({ name: 'Someone Else' });
    const elsewhere = await fetch(`${h.webUrl}/api/orgs/${other.id}/slack`, { headers: { cookie } });
    expect(elsewhere.status).toBe(403);
    expect(await elsewhere.json()).toEqual({ error: { code: 'admin_forbidden', message: expect.any(String) } });

    const before = await h.store.orgSettings.get(h.orgId);
    // (The toggle off: no channel to join, with the minute's join budget spent above.)
    expect((await asAdmin('PUT', '/settings', { channelIdMode: false, globalChannel: { enabled: false, channel: null } })).status).toBe(200);
    const changes = (await (await asAdmin('GET', '/changes')).json()) as { lastChanges: Record<string, { action: string; actor: unknown } | null> };
    expect(changes.lastChanges['settings']).toMatchObject({ action: 'settings.saved', actor: { kind: 'org-admin', userId: h.adminUserId } });
    await h.store.orgSettings.save(before!, new Date());
  });
});
