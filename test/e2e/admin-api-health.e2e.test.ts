// The integration's health through the admin API (GET /api/orgs/:orgId/health) against the whole
// product: what an org admin sees when a routing group has no channel, an agent is unmapped while
// their group has a chat waiting, a channel is archived in Slack, a chat reached no one (and Route
// again delivers it once the setting is fixed), chats wait past the answer time, the token is
// revoked, a scope is missing; and that
// it never shows or reaches another org's things. The tests run in order, each leaving its state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/e2e-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { cookiesOf, installLink, startInstall } from '../../sandbox/seed.ts';
import type { HealthItem, OrgHealth } from '../../src/routing/health-items.ts';

let h: Harness;
let daveId: string;
let salesId: string;
let supportId: string;
let nightId: string;
let supportChannel: string;
let nightChannel: string;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${h.webUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${h.secrets.adminApiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
const api = (method: string, path: string, body?: unknown) => call(method, `/api/orgs/${encodeURIComponent(h.orgId)}${path}`, body);

async function health(orgId = h.orgId): Promise<OrgHealth> {
  const answer = await call('GET', `/api/orgs/${encodeURIComponent(orgId)}/health`);
  expect(answer.status).toBe(200);
  return answer.body as OrgHealth;
}

/** The health once `until` holds for it. */
const healthWhen = (what: string, until: (health: OrgHealth) => boolean, orgId?: string) => waitFor(() => health(orgId), until, { what, timeoutMs: 30_000 });
const itemsOf = (health: OrgHealth, kind: HealthItem['kind']) => health.items.filter((i) => i.kind === kind);

beforeAll(async () => {
  h = await startHarness({ runtime: 'node', name: 'admin-api-health' });
  daveId = h.platform.addAgent(h.orgId, { name: 'Dave Newhire', email: 'dave@acme.test', status: 'online' }).id;
  salesId = h.platform.addRoutingGroup(h.orgId, { name: 'Sales', memberAgentIds: [h.agents.alice.agentId, daveId] }).id;
  supportId = h.platform.addRoutingGroup(h.orgId, { name: 'Support', memberAgentIds: [h.agents.bob.agentId] }).id;
  nightId = h.platform.addRoutingGroup(h.orgId, { name: 'Night Shift', memberAgentIds: [daveId] }).id;
  supportChannel = h.slack.createChannel(h.teamId, { name: 'support-chats' }).id;
  nightChannel = h.slack.createChannel(h.teamId, { name: 'night-chats' }).id;
  await waitFor(
    () => api('GET', '/directory/channels/by-name/support-chats'),
    (r) => r.status === 200,
    { what: 'the directory to know #support-chats', timeoutMs: 60_000 },
  );
  expect((await api('PUT', `/routing-groups/${supportId}/slack-channel`, { channel: 'support-chats' })).status).toBe(200);
  // Chats go to their routing groups, not to one global channel.
  expect((await api('PUT', '/settings', { globalChannel: { enabled: false, channel: null } })).status).toBe(200);
}, 120_000);
afterAll(async () => h?.stop());

describe('the health of an org admin’s integration', () => {
  it('is ok for what is set up, and says when Slack and the platform were last heard from', async () => {
    const now = await health();
    expect(now.connection).toEqual({ status: 'connected', reason: null, workspace: { id: h.teamId, name: 'Acme Sales' }, missingScopes: [] });
    expect(itemsOf(now, 'channel_archived')).toEqual([]);
    expect(itemsOf(now, 'agent_unmapped')).toEqual([]); // no chats yet
  });

  it('shows a routing group without a channel, and an unmapped agent while their group has a chat waiting', async () => {
    const chat = await h.platform.startConversation(h.orgId, { routingGroupId: salesId, visitor: { name: 'Vera Waiting' } });
    // Sales has no channel: the chat goes to its online mapped member's DMs (Alice), not to Dave.
    await waitFor(
      () => h.store.conversations.get(h.orgId, chat.id),
      (r) => Boolean(r?.thread),
      { what: 'the chat delivered to Alice' },
    );
    const now = await healthWhen('Dave unmapped', (x) => itemsOf(x, 'agent_unmapped').length > 0);
    expect(now.status).toBe('problem');
    expect(itemsOf(now, 'group_without_channel').find((i) => i.anchor === `group-${salesId}`)).toMatchObject({
      severity: 'problem',
      message: expect.stringContaining('Sales has no Slack channel'),
      fix: 'Choose a Slack channel for Sales.',
      action: null,
      subject: { routingGroup: { id: salesId, name: 'Sales' } },
    });
    expect(itemsOf(now, 'agent_unmapped')).toEqual([
      {
        kind: 'agent_unmapped',
        severity: 'problem',
        message: expect.stringMatching(/^Dave Newhire is not mapped to a Slack user while Sales has 1 open chat \(1 unanswered\)/),
        fix: 'Enter Dave Newhire’s Slack username.',
        anchor: `agent-${daveId}`,
        action: null,
        since: null,
        subject: { agent: { id: daveId, name: 'Dave Newhire' } },
      },
    ]);
    expect(now.lastPlatformWebhookAt).not.toBeNull();
  });

  it('shows a group’s channel archived in Slack', async () => {
    h.slack.archiveChannel(supportChannel, h.agents.bob.slackUserId);
    const now = await healthWhen('#support-chats archived', (x) => itemsOf(x, 'channel_archived').length > 0);
    expect(itemsOf(now, 'channel_archived')).toEqual([
      expect.objectContaining({
        severity: 'problem',
        message: 'The channel of the routing group Support, #support-chats, is archived: notifications cannot be posted there.',
        anchor: `group-${supportId}`,
        subject: { routingGroup: { id: supportId, name: 'Support' }, channel: { id: supportChannel, name: 'support-chats' } },
      }),
    ]);
    // The archive came as an event from the org's workspace.
    expect(now.lastSlackEventAt).not.toBeNull();
  });

  it('shows a chat that reached no one, and Route again delivers it once there is somewhere to go', async () => {
    const chat = await h.platform.startConversation(h.orgId, { routingGroupId: nightId, visitor: { name: 'Nora Night' } });
    const now = await healthWhen('the chat undeliverable', (x) => itemsOf(x, 'chat_undeliverable').length > 0);
    const path = `/api/orgs/${encodeURIComponent(h.orgId)}/conversations/${encodeURIComponent(chat.id)}/route-again`;
    expect(itemsOf(now, 'chat_undeliverable')).toEqual([
      {
        kind: 'chat_undeliverable',
        severity: 'problem',
        message: expect.stringMatching(new RegExp(`^The chat ${chat.id} with Nora Night \\(Night Shift\\) reached no one in Slack: nowhere to notify: `)),
        fix: expect.stringContaining('Give its routing group a Slack channel'),
        anchor: `chat-${chat.id}`,
        action: { kind: 'route-again', method: 'POST', path },
        since: chat.startedAt,
        subject: {
          conversation: { id: chat.id, visitor: 'Nora Night', routingGroup: { id: nightId, name: 'Night Shift' }, waitingSince: chat.startedAt },
          code: 'no_target',
        },
      },
    ]);

    // The group gets a channel without a save through the API (which routes the org's waiting
    // chats again by itself: admin-api-routing-groups), so only Route again can deliver the chat.
    await h.store.slackRouting.setGroupChannel(h.orgId, nightId, nightChannel, new Date());
    expect(await call('POST', path)).toEqual({ status: 202, body: { queued: true } });
    const delivered = await waitFor(
      () => h.store.conversations.get(h.orgId, chat.id),
      (r) => Boolean(r?.thread),
      { what: 'the chat routed again' },
    );
    expect(delivered!.thread!.channelId).toBe(nightChannel);
    expect(h.slack.messages(nightChannel).some((m) => m.text.includes('Nora Night'))).toBe(true);
    expect(itemsOf(await health(), 'chat_undeliverable')).toEqual([]);
    // Delivered now: nothing to route again.
    expect(await call('POST', path, {})).toMatchObject({ status: 409, body: { error: { code: 'conversation_not_undeliverable' } } });
  });

  it('shows the chats waiting for an answer longer than the answer time, and none without one', async () => {
    // The shortest answer time the API takes is 30 s: a second, stored as the settings page would store it, keeps the test short.
    const settings = (await h.store.orgSettings.get(h.orgId))!;
    await h.store.orgSettings.save({ ...settings, answerTimeMs: 1000 }, new Date());
    const now = await healthWhen('Vera waiting', (x) => itemsOf(x, 'chat_waiting').some((i) => i.subject.conversation?.visitor === 'Vera Waiting'));
    expect(itemsOf(now, 'chat_waiting').find((i) => i.subject.conversation?.visitor === 'Vera Waiting')).toMatchObject({
      severity: 'warning',
      message: expect.stringMatching(/^The chat \S+ with Vera Waiting \(Sales\) has waited .+ for an answer, longer than the answer time \(1 s\)\.$/),
      anchor: expect.stringMatching(/^chat-/),
      action: null,
      subject: { conversation: { visitor: 'Vera Waiting', routingGroup: { id: salesId, name: 'Sales' } } },
    });
    await h.store.orgSettings.save({ ...settings, answerTimeMs: null }, new Date());
    expect(itemsOf(await health(), 'chat_waiting')).toEqual([]);
    await h.store.orgSettings.save(settings, new Date());
  });

  it('refuses unknown fields and query parameters, naming them', async () => {
    expect(await api('GET', '/health?verbose=1')).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload', field: 'verbose' } } });
    const somePath = '/conversations/c_any/route-again';
    expect(await api('POST', somePath, { force: true })).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload', field: 'force' } } });
  });

  it('never shows or reaches another org’s chats, and answers for an org without Slack', async () => {
    const other = h.platform.createOrg({ name: 'Other Org' });
    const otherAdmin = h.platform.addAdmin(other.id, { name: 'Otto Admin', email: 'otto@other.test' });
    const theirs = await h.platform.startConversation(other.id, { visitor: { name: 'Olivia Other' } });
    // Their org has no Slack: its health says connect, and lists its own chat.
    const theirHealth = await healthWhen('their chat undeliverable', (x) => itemsOf(x, 'chat_undeliverable').length > 0, other.id);
    expect(theirHealth.connection.status).toBe('not-connected');
    expect(theirHealth.items.map((i) => i.kind)).toEqual(['slack_not_connected', 'chat_undeliverable']);
    expect(theirHealth.items[0]!.action).toMatchObject({ kind: 'connect-again', url: expect.stringContaining('/slack/install') });

    // Ours never lists it, and Route again of their chat through our org is no chat at all.
    const ours = JSON.stringify(await health());
    expect(ours).not.toContain(theirs.id);
    expect(ours).not.toContain('Olivia');
    const routed = await api('POST', `/conversations/${encodeURIComponent(theirs.id)}/route-again`);
    expect(routed).toEqual({ status: 404, body: { error: { code: 'conversation_not_found', message: expect.any(String) } } });
    expect(routed.body.error.message).not.toContain(other.id);
    expect(await api('POST', '/conversations/c_nobody/route-again')).toMatchObject({ status: 404, body: { error: { code: 'conversation_not_found' } } });

    // Their admin's session does not reach our health (the admin API's answer to another org's session, naming nothing of it).
    const launched = await fetch(h.launchLink(other.id, otherAdmin.id), { redirect: 'manual' });
    const cookie = cookiesOf(launched);
    const elsewhere = await fetch(`${h.webUrl}/api/orgs/${encodeURIComponent(h.orgId)}/health`, { headers: { cookie } });
    expect(elsewhere.status).toBe(403);
    const refusal = await elsewhere.text();
    expect(JSON.parse(refusal)).toEqual({ error: { code: 'admin_forbidden', message: expect.any(String) } });
    expect(refusal).not.toContain(h.orgId);
    expect(refusal).not.toContain('Acme');
  });

  it('shows a revoked token, with Connect again', async () => {
    // What Slack sends when the app's token is revoked in the workspace.
    await h.slack.deliverEvent(h.teamId, { type: 'tokens_revoked', tokens: { oauth: [], bot: [h.botUserId] }, event_ts: `${Date.now() / 1000}` });
    const now = await healthWhen('the connection lost', (x) => x.connection.status === 'disconnected');
    expect(now.connection).toEqual({ status: 'disconnected', reason: 'tokens_revoked', workspace: { id: h.teamId, name: 'Acme Sales' }, missingScopes: [] });
    expect(now.items[0]).toMatchObject({
      kind: 'connection_lost',
      severity: 'problem',
      message: 'The app’s access to the Slack workspace Acme Sales was revoked in Slack: no chat reaches Slack.',
      anchor: 'connection',
      action: { kind: 'connect-again', url: expect.stringContaining('/slack/install') },
      subject: { code: 'tokens_revoked' },
    });
    // With no connection, channels and mappings are not what stops chats: the connection is.
    expect(itemsOf(now, 'channel_archived')).toEqual([]);
    expect(itemsOf(now, 'agent_unmapped')).toEqual([]);
  });

  it('shows the scopes a connection lacks, named, after an install that granted fewer', async () => {
    // The app removed in Slack, so that the next install grants only what it asks for; its
    // events are ignored (the connection is down already), and the install below comes more than
    // a second after them, so that a late one cannot undo it (markDisconnected's happenedAt).
    h.slack.uninstall(h.teamId);
    await h.slack.idle();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // An install through the real OAuth flow from a manifest without channels:join (as before an app update).
    const install = await startInstall(await installLink(h.webUrl, h.secrets.adminApiToken, h.orgId));
    const authorize = new URL(install.authorizeUrl);
    const scopes = authorize.searchParams.get('scope')!.split(',');
    expect(scopes).toContain('channels:join');
    authorize.searchParams.set('scope', scopes.filter((s) => s !== 'channels:join').join(','));
    const page = await install.callBack(h.slack.approveInstall(authorize.toString(), { teamId: h.teamId, userId: h.agents.alice.slackUserId }), {
      redirect: 'follow',
    });
    expect(page.status).toBe(200);
    const now = await healthWhen('connected with a scope missing', (x) => x.connection.status === 'connected');
    expect(now.connection.missingScopes).toEqual(['channels:join']);
    expect(itemsOf(now, 'scopes_missing')).toEqual([
      {
        kind: 'scopes_missing',
        severity: 'problem',
        message: 'The Slack connection lacks permissions this version of the app needs: channels:join.',
        fix: 'Connect Slack again to grant them.',
        anchor: 'connection',
        action: { kind: 'connect-again', url: expect.stringContaining('/slack/install') },
        since: null,
        subject: { scopes: ['channels:join'] },
      },
    ]);
  });
});
