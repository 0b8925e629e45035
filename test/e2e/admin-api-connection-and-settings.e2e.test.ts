// End to end: the admin API's connection and settings, against the emulators, with the operator
// token (scripts, support) and with an org admin's session from the platform's Setup link (its own
// org only, changes recorded with who made them): the connected workspace and install link, the
// settings (channel-ID mode, the global channel, the app joining a public one), every error with
// the field it concerns, saves routing undeliverable chats again, and the OpenAPI description.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.ts';
import { cookiesOf } from '../../sandbox/seed.ts';
import { h, groupId, daveAgentId, ids, api, joinsOf, startAdminApiHarness, stopAdminApiHarness } from './admin-api-fixture.ts';

beforeAll(() => startAdminApiHarness('admin-api-settings'), 120_000);
afterAll(stopAdminApiHarness);

describe('connection', () => {
  it('names the connected workspace and a signed install link', async () => {
    expect(await api('GET', '/slack')).toMatchObject({
      status: 200,
      body: { status: 'connected', workspace: { id: h.teamId, name: 'Acme Sales' }, installUrl: expect.stringMatching(/^\/slack\/install\?ticket=[\w%.-]+$/) },
    });
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
    for (const [method, path] of [
      ['GET', '/slack'],
      ['DELETE', '/slack'],
      ['GET', '/changes'],
      ['GET', '/settings'],
      ['PUT', '/settings'],
      ['GET', '/agents'],
      ['PUT', `/agents/${daveAgentId}/slack-user`],
      ['GET', '/routing-groups'],
      ['DELETE', `/routing-groups/${groupId}/slack-channel`],
      ['GET', '/health'],
      ['POST', '/conversations/c_any/route-again'],
    ] as const) {
      expect(await api(method, path, method === 'GET' || method === 'DELETE' ? undefined : {}, 'not-the-token')).toMatchObject({
        status: 401,
        body: { error: { code: 'admin_unauthorized' } },
      });
    }
  });
});

describe('settings', () => {
  it('reads them with the global channel by name, and whether the app is in it', async () => {
    expect(await api('GET', '/settings')).toMatchObject({
      status: 200,
      body: {
        channelIdMode: false,
        globalChannel: { enabled: true, channel: { id: h.channelId, name: 'website-chats', appInChannel: expect.any(Boolean), warning: null } },
      },
    });
  });

  it('saves the global channel by name, and routes undeliverable chats again', async () => {
    const before = await h.queues.orgChanges.getJobCounts('completed', 'waiting', 'delayed', 'active');
    // Nobody added the app to #sales-leads: saving it joins the channel, so replies there are heard.
    expect((await api('GET', `/directory/channels/${ids['sales']}`)).body.channel.appIsMember).toBe(false);
    const saved = await api('PUT', '/settings', { channelIdMode: false, globalChannel: { enabled: true, channel: '#sales-leads' } });
    expect(saved).toMatchObject({
      status: 200,
      body: { globalChannel: { enabled: true, channel: { id: ids['sales'], name: 'sales-leads', appInChannel: true } } },
    });
    expect(joinsOf(ids['sales']!)).toHaveLength(1);
    expect(joinsOf(ids['sales']!)[0]).toMatchObject({ httpStatus: 200, response: { ok: true, channel: { id: ids['sales'], is_member: true } } });
    expect(await api('GET', '/settings')).toMatchObject({ body: { globalChannel: { enabled: true, channel: { id: ids['sales'], appInChannel: true } } } });
    expect(await h.store.orgSettings.get(h.orgId)).toMatchObject({ globalChannelEnabled: true, globalChannelId: ids['sales'] });
    await waitFor(
      () => h.queues.orgChanges.getJobCounts('completed', 'waiting', 'delayed', 'active'),
      (c) => Object.values(c).reduce((a, b) => a + b, 0) > Object.values(before).reduce((a, b) => a + b, 0),
      { what: 'an org-changed job' },
    );
  });

  it('in channel-ID mode takes an ID, checked with Slack when the directory does not have it', async () => {
    // Created with the app already in it: no event, so only Slack knows it.
    const quiet = h.slack.createChannel(h.teamId, { name: 'quiet-private', isPrivate: true, memberIds: [h.botUserId] });
    expect(await api('PUT', '/settings', { channelIdMode: true, globalChannel: { enabled: true, channel: quiet.id } })).toMatchObject({
      status: 200,
      body: { channelIdMode: true, globalChannel: { channel: { id: quiet.id, name: 'quiet-private', isPrivate: true } } },
    });
    expect(await api('GET', '/settings')).toMatchObject({ body: { channelIdMode: true, globalChannel: { enabled: true, channel: { id: quiet.id } } } });
  });

  it('a channel kept with its toggle off is stored as sent, and not joined', async () => {
    expect(await api('PUT', '/settings', { channelIdMode: false, globalChannel: { enabled: false, channel: 'never-added' } })).toMatchObject({
      status: 200,
      body: { globalChannel: { enabled: false, channel: { id: ids['neverAdded'], appInChannel: false } } },
    });
    expect(await h.store.orgSettings.get(h.orgId)).toMatchObject({ globalChannelEnabled: false, globalChannelId: ids['neverAdded'] });
    expect(joinsOf(ids['neverAdded']!)).toHaveLength(0);
  });

  it('turning the global channel off keeps working without a channel', async () => {
    expect(await api('PUT', '/settings', { channelIdMode: false, globalChannel: { enabled: false, channel: null } })).toMatchObject({
      status: 200,
      body: { globalChannel: { enabled: false, channel: null } },
    });
    expect(await h.store.orgSettings.get(h.orgId)).toMatchObject({ channelIdMode: false, globalChannelEnabled: false, globalChannelId: null });
  });

  it.each([
    {
      why: 'on without a channel',
      body: { channelIdMode: false, globalChannel: { enabled: true } },
      status: 422,
      code: 'global_channel_required',
      field: 'globalChannel.channel',
    },
    {
      why: 'an unknown name',
      body: { channelIdMode: false, globalChannel: { enabled: true, channel: 'no-such-channel' } },
      status: 422,
      code: 'channel_unknown',
      field: 'globalChannel.channel',
    },
    {
      why: 'a name in channel-ID mode',
      body: { channelIdMode: true, globalChannel: { enabled: true, channel: 'sales-leads' } },
      status: 422,
      code: 'channel_id_expected',
      field: 'globalChannel.channel',
    },
    {
      why: 'an unknown ID',
      body: { channelIdMode: true, globalChannel: { enabled: true, channel: 'C0NOSUCH1' } },
      status: 422,
      code: 'channel_id_unknown',
      field: 'globalChannel.channel',
    },
    {
      why: 'an archived channel',
      body: { channelIdMode: false, globalChannel: { enabled: true, channel: 'old-leads' } },
      status: 422,
      code: 'channel_archived',
      field: 'globalChannel.channel',
    },
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

  // Each refused body would change channel-ID mode if the unknown field were dropped instead.
  it.each([
    {
      why: 'an unknown top-level field',
      body: { channelIdMode: true, globalChannel: { enabled: false }, notARealSetting: 300 },
      field: 'notARealSetting',
      message:
        'unknown field notARealSetting (the body takes channelIdMode, globalChannel, answerTimeSeconds, escalation, bridgeMode, timeZone, internalNotePrefix)',
    },
    {
      why: 'an unknown nested field',
      body: { channelIdMode: true, globalChannel: { enabled: false, colour: 'red' } },
      field: 'globalChannel.colour',
      message: 'unknown field globalChannel.colour (globalChannel takes enabled, channel, confirmSharedChannel)',
    },
    {
      why: 'several unknown fields',
      body: { channelIdMode: true, globalChannel: { enabled: false }, notARealSetting: 300, alsoNotOne: 'x' },
      field: 'notARealSetting',
      message: 'unknown fields notARealSetting, alsoNotOne',
    },
  ])('refuses $why with invalid_payload naming it, storing nothing', async ({ body, field, message }) => {
    const before = await api('GET', '/settings');
    const answer = await api('PUT', '/settings', body);
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload', field, message: expect.stringContaining(message) } } });
    expect(await api('GET', '/settings')).toEqual(before);
    expect(before.body.channelIdMode).toBe(false);
  });

  it('a private channel without the app: refused with how to add it', async () => {
    const answer = await api('PUT', '/settings', { channelIdMode: true, globalChannel: { enabled: true, channel: ids['private'] } });
    // Slack does not show the app a private channel it is not in: unknown by ID...
    expect(answer).toMatchObject({ status: 422, body: { error: { code: 'channel_id_unknown' } } });
    // ...and once the app was in it and left, the directory knows it and says what to do.
    h.slack.addToChannel(ids['private']!, h.botUserId);
    await waitFor(
      () => api('GET', '/directory/channels/by-name/vip-leads'),
      (r) => r.body?.channel?.appIsMember === true,
      { what: 'the app in #vip-leads' },
    );
    h.slack.removeFromChannel(ids['private']!, h.botUserId);
    await waitFor(
      () => api('GET', '/directory/channels/by-name/vip-leads'),
      (r) => r.body?.channel?.appIsMember === false,
      { what: 'the app out of #vip-leads' },
    );
    expect(await api('PUT', '/settings', { channelIdMode: false, globalChannel: { enabled: true, channel: 'vip-leads' } })).toMatchObject({
      status: 422,
      body: { error: { code: 'channel_app_not_member', field: 'globalChannel.channel', message: expect.stringContaining('Add to Channel') } },
    });
    // A private channel cannot be joined: the app never tried.
    expect(joinsOf(ids['private']!)).toHaveLength(0);
  });
});

describe('chat handling', () => {
  const changesIn = async (section: string) => (await api('GET', '/changes')).body.lastChanges[section];

  it('reads the defaults while none was ever set: a 120 s answer time, the default escalation, two-way, "note:"', async () => {
    expect(await api('GET', '/settings')).toMatchObject({
      status: 200,
      body: { answerTimeSeconds: 120, escalation: null, bridgeMode: 'two-way', internalNotePrefix: 'note:' },
    });
    expect(await changesIn('chatHandling')).toBeNull();
  });

  it('saves each setting on its own, keeping the others and the global channel, and records the change in its own section', async () => {
    const before = await api('GET', '/settings');
    expect(await api('PUT', '/settings', { answerTimeSeconds: 30 })).toMatchObject({
      status: 200,
      body: { answerTimeSeconds: 30, escalation: null, bridgeMode: 'two-way', internalNotePrefix: 'note:', globalChannel: before.body.globalChannel },
    });
    expect(await changesIn('chatHandling')).toMatchObject({ action: 'chat-handling.saved', actor: { kind: 'operator' } });
    expect(await api('PUT', '/settings', { bridgeMode: 'alerts-only' })).toMatchObject({
      status: 200,
      body: { answerTimeSeconds: 30, bridgeMode: 'alerts-only' },
    });
    expect(await api('PUT', '/settings', { internalNotePrefix: '//' })).toMatchObject({ status: 200, body: { internalNotePrefix: '//' } });
    expect(await api('PUT', '/settings', { escalation: 'off' })).toMatchObject({ status: 200, body: { escalation: 'off' } });
    expect(await api('PUT', '/settings', { escalation: 'online-members', answerTimeSeconds: null })).toMatchObject({
      status: 200,
      body: { escalation: 'online-members', answerTimeSeconds: null },
    });
    expect(await api('GET', '/settings')).toMatchObject({
      body: {
        answerTimeSeconds: null,
        escalation: 'online-members',
        bridgeMode: 'alerts-only',
        internalNotePrefix: '//',
        globalChannel: before.body.globalChannel,
      },
    });
    expect(await h.store.orgSettings.get(h.orgId)).toMatchObject({
      answerTimeMs: null,
      escalation: 'online-members',
      bridgeMode: 'alerts-only',
      internalNotePrefix: '//',
    });
    // Back to the defaults for the tests after.
    expect(await api('PUT', '/settings', { answerTimeSeconds: 120, escalation: null, bridgeMode: 'two-way', internalNotePrefix: 'note:' })).toMatchObject({
      status: 200,
    });
  });

  it('the bounds are taken: 30 s and 3,600 s, a 20-character prefix', async () => {
    expect(await api('PUT', '/settings', { answerTimeSeconds: 3600 })).toMatchObject({ status: 200, body: { answerTimeSeconds: 3600 } });
    expect(await api('PUT', '/settings', { answerTimeSeconds: 30, internalNotePrefix: 'x'.repeat(20) })).toMatchObject({
      status: 200,
      body: { answerTimeSeconds: 30, internalNotePrefix: 'x'.repeat(20) },
    });
    await api('PUT', '/settings', { answerTimeSeconds: 120, internalNotePrefix: 'note:' });
  });

  it('a shorter answer time has the org’s pending reminders checked again (its own org-changed cause)', async () => {
    const addedSince = async (since: number) =>
      (await h.queues.orgChanges.getJobs(['completed', 'waiting', 'delayed', 'active']))
        .filter((j) => j.data.orgId === h.orgId && j.timestamp >= since)
        .map((j) => j.name);
    expect(await api('PUT', '/settings', { answerTimeSeconds: 600 })).toMatchObject({ status: 200 });
    // Once the queue is idle, so the next save's job is not folded into one still pending.
    await waitFor(
      () => h.queues.orgChanges.getJobCounts('waiting', 'delayed', 'active'),
      (c) => Object.values(c).every((n) => n === 0),
      { what: 'an idle queue' },
    );
    const shorter = Date.now();
    expect(await api('PUT', '/settings', { answerTimeSeconds: 60 })).toMatchObject({ status: 200 });
    expect(
      await waitFor(
        () => addedSince(shorter),
        (names) => names.length > 0,
        { what: 'the org-changed job' },
      ),
    ).toEqual(['answer-time-shortened']);
    await api('PUT', '/settings', { answerTimeSeconds: 120 });
  });

  it('escalation to the global channel: taken while it is on; turning the channel off meanwhile is refused, naming the toggle', async () => {
    expect(
      await api('PUT', '/settings', { channelIdMode: false, globalChannel: { enabled: true, channel: 'website-chats' }, escalation: 'global-channel' }),
    ).toMatchObject({
      status: 200,
      body: { escalation: 'global-channel', globalChannel: { enabled: true } },
    });
    const stored = await h.store.orgSettings.get(h.orgId);
    expect(await api('PUT', '/settings', { channelIdMode: false, globalChannel: { enabled: false, channel: null } })).toEqual({
      status: 422,
      body: {
        error: {
          code: 'escalation_needs_global_channel',
          message: 'Escalation to the global channel needs the global channel on: turn it on with its channel, or escalate to online members or not at all',
          field: 'globalChannel.enabled',
        },
      },
    });
    expect(await h.store.orgSettings.get(h.orgId)).toEqual(stored);
    // Both in one save: fine.
    expect(await api('PUT', '/settings', { channelIdMode: false, globalChannel: { enabled: false, channel: null }, escalation: null })).toMatchObject({
      status: 200,
      body: { escalation: null, globalChannel: { enabled: false, channel: null } },
    });
  });

  it.each([
    {
      why: 'escalation to the global channel while it is off',
      body: { escalation: 'global-channel' },
      status: 422,
      code: 'escalation_needs_global_channel',
      message: 'Escalation to the global channel needs the global channel on: turn it on with its channel, or escalate to online members or not at all',
      field: 'escalation',
    },
    {
      why: 'an answer time under 30 s',
      body: { answerTimeSeconds: 29 },
      status: 400,
      code: 'setting_invalid',
      message: 'This setting does not take that value: 29: a whole number of seconds from 30 to 3600, or null for no reminders',
      field: 'answerTimeSeconds',
    },
    {
      why: 'an answer time over an hour',
      body: { answerTimeSeconds: 3601 },
      status: 400,
      code: 'setting_invalid',
      message: 'This setting does not take that value: 3601: a whole number of seconds from 30 to 3600, or null for no reminders',
      field: 'answerTimeSeconds',
    },
    {
      why: 'a fractional answer time',
      body: { answerTimeSeconds: 90.5 },
      status: 400,
      code: 'setting_invalid',
      message: 'This setting does not take that value: 90.5: a whole number of seconds from 30 to 3600, or null for no reminders',
      field: 'answerTimeSeconds',
    },
    {
      why: 'an unknown escalation',
      body: { escalation: 'everyone' },
      status: 400,
      code: 'setting_invalid',
      message: 'This setting does not take that value: "everyone": one of "global-channel", "online-members", "off", or null for the default',
      field: 'escalation',
    },
    {
      why: 'an unknown bridge mode',
      body: { bridgeMode: 'one-way' },
      status: 400,
      code: 'setting_invalid',
      message: 'This setting does not take that value: "one-way": "two-way" or "alerts-only"',
      field: 'bridgeMode',
    },
    {
      why: 'a blank note prefix',
      body: { internalNotePrefix: '   ' },
      status: 400,
      code: 'setting_invalid',
      message: 'This setting does not take that value: 1 to 20 characters, not only spaces',
      field: 'internalNotePrefix',
    },
    {
      why: 'an empty note prefix',
      body: { internalNotePrefix: '' },
      status: 400,
      code: 'setting_invalid',
      message: 'This setting does not take that value: 1 to 20 characters, not only spaces',
      field: 'internalNotePrefix',
    },
    {
      why: 'a note prefix of 21 characters',
      body: { internalNotePrefix: 'x'.repeat(21) },
      status: 400,
      code: 'setting_invalid',
      message: 'This setting does not take that value: 1 to 20 characters, not only spaces',
      field: 'internalNotePrefix',
    },
    {
      why: 'a time zone the runtime does not know',
      body: { timeZone: 'Mars/Olympus_Mons' },
      status: 400,
      code: 'setting_invalid',
      message:
        'This setting does not take that value: "Mars/Olympus_Mons": an IANA time zone name such as "Europe/Berlin" or "America/New_York", or null for UTC',
      field: 'timeZone',
    },
  ])('refuses $why with the field named, saving nothing', async ({ body, status, code, message, field }) => {
    const before = await h.store.orgSettings.get(h.orgId);
    expect(await api('PUT', '/settings', body)).toEqual({ status, body: { error: { code, message, field } } });
    expect(await h.store.orgSettings.get(h.orgId)).toEqual(before);
  });

  it('the activity time zone: UTC until set, an IANA name saved and read back, null back to UTC; not a chat-handling change', async () => {
    expect(await api('GET', '/settings')).toMatchObject({ status: 200, body: { timeZone: 'UTC' } });
    const handlingBefore = await changesIn('chatHandling');
    expect(await api('PUT', '/settings', { timeZone: 'Europe/Berlin' })).toMatchObject({
      status: 200,
      body: { timeZone: 'Europe/Berlin', answerTimeSeconds: 120 },
    });
    expect(await api('GET', '/settings')).toMatchObject({ body: { timeZone: 'Europe/Berlin' } });
    expect(await h.store.orgSettings.get(h.orgId)).toMatchObject({ timeZone: 'Europe/Berlin' });
    expect(await changesIn('chatHandling')).toEqual(handlingBefore);
    expect(await api('PUT', '/settings', { timeZone: null })).toMatchObject({ status: 200, body: { timeZone: 'UTC' } });
  });

  it('an empty body changes nothing and is refused', async () => {
    expect(await api('PUT', '/settings', {})).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });
  });
});

describe('OpenAPI description', () => {
  it('is served, without a token, and describes every admin route with its ways in: an org admin’s session and the operator token, or the operator token alone for the dead letters', async () => {
    const response = await fetch(`${h.webUrl}/api/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { summary?: string; security?: unknown }>>;
      components: unknown;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components).toMatchObject({
      securitySchemes: { adminSession: { type: 'apiKey', in: 'cookie', name: 'tb_admin' }, operatorToken: { type: 'http', scheme: 'bearer' } },
    });
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    expect(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort()).toEqual([
      'DELETE /api/orgs/{orgId}/agents/{agentId}/slack-user',
      'DELETE /api/orgs/{orgId}/routing-groups/{groupId}/slack-channel',
      'DELETE /api/orgs/{orgId}/slack',
      'DELETE /api/session',
      'GET /api/dead-letters',
      'GET /api/orgs/{orgId}/activity',
      'GET /api/orgs/{orgId}/agents',
      'GET /api/orgs/{orgId}/changes',
      'GET /api/orgs/{orgId}/digest',
      'GET /api/orgs/{orgId}/directory',
      'GET /api/orgs/{orgId}/directory/channels',
      'GET /api/orgs/{orgId}/directory/channels/by-name/{name}',
      'GET /api/orgs/{orgId}/directory/channels/{channelId}',
      'GET /api/orgs/{orgId}/directory/users',
      'GET /api/orgs/{orgId}/directory/users/by-username/{username}',
      'GET /api/orgs/{orgId}/directory/users/{userId}',
      'GET /api/orgs/{orgId}/health',
      'GET /api/orgs/{orgId}/routing-groups',
      'GET /api/orgs/{orgId}/settings',
      'GET /api/orgs/{orgId}/slack',
      'GET /api/session',
      'POST /api/dead-letters/replay',
      'POST /api/orgs/{orgId}/conversations/{conversationId}/route-again',
      'PUT /api/orgs/{orgId}/agents/{agentId}/slack-user',
      'PUT /api/orgs/{orgId}/digest',
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

// Last: its save queues an org-changed job, which the settings test above counts.
describe('an org admin’s session', () => {
  it('an org admin signed in from the platform’s Setup link reaches its org, not another, and its changes are recorded as theirs', async () => {
    const launched = await fetch(h.launchLink(), { redirect: 'manual' });
    expect(launched.status).toBe(303);
    const cookie = cookiesOf(launched);
    const asAdmin = (method: string, path: string, body?: unknown) =>
      fetch(`${h.webUrl}/api/orgs/${encodeURIComponent(h.orgId)}${path}`, {
        method,
        headers: { cookie, origin: h.webUrl, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
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
