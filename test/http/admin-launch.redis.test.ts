// The Admin handoff through the web app: the platform's launch token (minted by the chat-platform
// emulator) becomes a session for that org and admin, and every other token is refused with a page
// saying what to do; a session reaches its own org only (403, no data, elsewhere), changes need
// Threadbridge's Origin, no credential is 401, and the operator token reaches every org. Disconnect
// revokes the bot token at Slack and is recorded with who made it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { SlackEmulator } from '../../emulators/slack/index.ts';
import { mintLaunchToken, type ChatPlatformEmulator, type LaunchPayload } from '../../emulators/chat-platform/index.ts';
import { newSecrets } from '../support/test-app.ts';
import { startChatPlatformFor, startSlackEmulatorFor, testAppPerFile } from '../support/http-test-app.ts';
import { redisUrl } from '../support/services.ts';
import { redisKeyValueStore } from '../../src/http/kv-store.ts';
import { createAdminSessions, SESSION_IDLE_MS, SESSION_MAX_AGE_MS } from '../../src/http/admin/admin-sessions.ts';

const secrets = newSecrets();
const ORIGIN = 'http://threadbridge.test';
let slack: SlackEmulator;
let platform: ChatPlatformEmulator;
let adminA: string;
let adminB: string;

// The emulators' hooks before the app's: they start first and close last (after hooks run last first).
beforeAll(async () => {
  slack = await startSlackEmulatorFor(secrets);
  platform = await startChatPlatformFor(secrets);
});
afterAll(async () => {
  await platform?.close();
  await slack?.close();
});
const t = testAppPerFile(() => ({ name: 'admin-launch', secrets, slackApiUrl: slack.apiUrl, slackAuthorizeUrl: slack.authorizeUrl, chatApiUrl: platform.url }));
beforeAll(() => {
  platform.createOrg({ id: 'org_a', name: 'Acme' });
  platform.createOrg({ id: 'org_b', name: 'Bravo' });
  adminA = platform.addAdmin('org_a', { name: 'Ada A', email: 'ada@a.test' }).id;
  adminB = platform.addAdmin('org_b', { name: 'Bob B', email: 'bob@b.test' }).id;
});

const nowSec = () => Math.floor(Date.now() / 1000);
const forged = (payload: Partial<LaunchPayload>, secret = secrets.adminLaunchSecret) =>
  mintLaunchToken(secret, { orgId: 'org_a', userId: adminA, role: 'admin', iat: nowSec(), exp: nowSec() + 300, nonce: `n-${Math.random()}`, ...payload });

const launch = (orgId: string, token: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url: `/settings/${encodeURIComponent(orgId)}?launch=${encodeURIComponent(token)}`, headers });

/** Signs in through the platform's Setup link; the session cookie as a Cookie header. */
async function signIn(orgId: string, adminId: string): Promise<string> {
  const res = await launch(orgId, platform.launchToken(orgId, adminId));
  expect(res.statusCode).toBe(303);
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  expect(cookie).toMatch(/^tb_admin=[\w-]{43}$/);
  return cookie;
}

function api(method: 'GET' | 'PUT' | 'DELETE' | 'POST', path: string, headers: Record<string, string>, body?: unknown) {
  return t.app.inject({
    method,
    url: path,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}
const operator = { authorization: `Bearer ${secrets.adminApiToken}` };

describe('the Setup link (launch token → session)', () => {
  it('opens a session for that org and admin, as an HttpOnly SameSite=Strict cookie, and sends the browser to the bare page', async () => {
    const token = platform.launchToken('org_a', adminA);
    const res = await launch('org_a', token);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/settings/org_a');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['set-cookie']).toMatch(/^tb_admin=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    expect(await api('GET', '/api/orgs/org_a/slack', { cookie })).toMatchObject({ statusCode: 200 });
  });

  it('with an https PUBLIC_URL the cookie is Secure and __Host- (no other host can set it)', async () => {
    t.setPublicUrl('https://bridge.example');
    try {
      const res = await launch('org_a', platform.launchToken('org_a', adminA));
      expect(res.headers['set-cookie']).toMatch(/^__Host-tb_admin=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    } finally {
      t.setPublicUrl(ORIGIN);
    }
  });

  const refusals = [
    {
      name: 'a token for another org',
      orgId: 'org_b',
      token: () => platform.launchToken('org_a', adminA),
      status: 403,
      code: 'launch_wrong_org',
      says: 'Open Setup from the integrations page of the organization you want to set up',
    },
    {
      name: 'an expired token',
      orgId: 'org_a',
      token: () => forged({ iat: nowSec() - 400, exp: nowSec() - 100 }),
      status: 401,
      code: 'launch_expired',
      says: 'click Setup for the Slack integration again',
    },
    {
      name: 'a token living longer than 300 s',
      orgId: 'org_a',
      token: () => forged({ iat: nowSec(), exp: nowSec() + 301 }),
      status: 401,
      code: 'launch_too_long_lived',
      says: 'click Setup for the Slack integration again',
    },
    {
      name: 'a token issued in the future',
      orgId: 'org_a',
      token: () => forged({ iat: nowSec() + 3600, exp: nowSec() + 3900 }),
      status: 401,
      code: 'launch_too_long_lived',
      says: 'click Setup for the Slack integration again',
    },
    {
      name: 'a wrong signature',
      orgId: 'org_a',
      token: () => forged({}, 'not-the-admin-launch-secret-at-all-0000000'),
      status: 401,
      code: 'launch_bad_signature',
      says: 'click Setup for the Slack integration again',
    },
    {
      name: 'a token signed with the webhook secret',
      orgId: 'org_a',
      token: () => forged({}, secrets.chatWebhookSecret),
      status: 401,
      code: 'launch_bad_signature',
      says: 'click Setup for the Slack integration again',
    },
    {
      name: 'a non-admin role',
      orgId: 'org_a',
      token: () => forged({ role: 'agent' }),
      status: 403,
      code: 'launch_not_admin',
      says: 'Ask an admin of your organization',
    },
    {
      name: 'a malformed token',
      orgId: 'org_a',
      token: () => 'v1.not-a-token',
      status: 400,
      code: 'launch_invalid',
      says: 'click Setup for the Slack integration again',
    },
    {
      name: 'a payload without a nonce',
      orgId: 'org_a',
      token: () => forged({ nonce: '' }),
      status: 400,
      code: 'launch_invalid',
      says: 'click Setup for the Slack integration again',
    },
  ];
  it.each(refusals)('refuses $name with $status $code: a page saying what to do, no session', async ({ orgId, token, status, code, says }) => {
    const res = await launch(orgId, token());
    expect(res.statusCode).toBe(status);
    expect(res.headers['x-error-code']).toBe(code);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body).toContain(says);
    expect(res.body).not.toMatch(/\bat \S+ \(|Error:|node_modules/);
  });

  it('refuses a reused nonce: the same Setup link works once', async () => {
    const token = platform.launchToken('org_a', adminA);
    expect((await launch('org_a', token)).statusCode).toBe(303);
    const again = await launch('org_a', token);
    expect(again.statusCode).toBe(401);
    expect(again.headers['x-error-code']).toBe('launch_already_used');
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.body).toContain('click Setup for the Slack integration again');
    // Another token with the same nonce (re-signed) is the same launch.
    const nonce = 'nonce-used-twice';
    expect((await launch('org_a', forged({ nonce }))).statusCode).toBe(303);
    expect((await launch('org_a', forged({ nonce, iat: nowSec() - 1, exp: nowSec() + 200 }))).headers['x-error-code']).toBe('launch_already_used');
  });

  it('a new launch of the same admin in the same browser ends the session it had, without asking', async () => {
    const first = await signIn('org_a', adminA);
    const second = await launch('org_a', platform.launchToken('org_a', adminA), { cookie: first });
    expect(second.statusCode).toBe(303);
    expect(await api('GET', '/api/orgs/org_a/slack', { cookie: first })).toMatchObject({ statusCode: 401 });
  });
});

describe('per-org authorization', () => {
  let sessionA: string;
  beforeAll(async () => {
    sessionA = await signIn('org_a', adminA);
  });

  it.each([
    ['GET', '/api/orgs/org_b/slack'],
    ['GET', '/api/orgs/org_b/agents'],
    ['GET', '/api/orgs/org_b/settings'],
    ['GET', '/api/orgs/org_b/directory/channels?q=a'],
    ['GET', '/api/orgs/org_b/changes'],
    ['PUT', '/api/orgs/org_b/settings'],
    ['DELETE', '/api/orgs/org_b/slack'],
    ['GET', '/api/orgs/org_unknown/slack'],
  ] as const)('an org session reaching another org: %s %s answers 403 with no data', async (method, path) => {
    const res = await api(
      method,
      path,
      { cookie: sessionA, origin: ORIGIN },
      method === 'PUT' ? { channelIdMode: false, globalChannel: { enabled: false } } : undefined,
    );
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: { code: 'admin_forbidden', message: 'This session is for another organization: open Setup from that organization’s integrations page' },
    });
    expect(res.body).not.toMatch(/install|Bravo|ticket/);
  });

  it('its own org: served, with a fresh install link', async () => {
    expect(await api('GET', '/api/orgs/org_a/slack', { cookie: sessionA })).toMatchObject({ statusCode: 200 });
    expect((await api('GET', '/api/orgs/org_a/slack', { cookie: sessionA })).json()).toMatchObject({
      status: 'not-connected',
      installUrl: expect.stringMatching(/^\/slack\/install\?ticket=/),
    });
  });

  it.each([
    { name: 'another site’s Origin', origin: 'https://evil.example' },
    { name: 'no Origin', origin: undefined },
    { name: 'the right host on another scheme', origin: 'https://threadbridge.test' },
  ])('a cross-site PUT with $name answers 403 cross_site_request, changing nothing', async ({ origin }) => {
    const res = await api(
      'PUT',
      '/api/orgs/org_a/settings',
      { cookie: sessionA, ...(origin ? { origin } : {}) },
      { channelIdMode: true, globalChannel: { enabled: false } },
    );
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'cross_site_request' } });
    expect(await t.store.orgSettings.get('org_a')).toBeNull();
  });

  it('DELETE needs the Origin too; the same PUT from Threadbridge’s own page gets past it', async () => {
    expect(await api('DELETE', '/api/orgs/org_a/slack', { cookie: sessionA, origin: 'https://evil.example' })).toMatchObject({ statusCode: 403 });
    // Past authentication: org_a has no Slack connection, which is what the route itself says.
    expect(
      (await api('PUT', '/api/orgs/org_a/settings', { cookie: sessionA, origin: ORIGIN }, { channelIdMode: false, globalChannel: { enabled: false } })).json(),
    ).toMatchObject({ error: { code: 'slack_not_connected' } });
  });

  it.each([
    { name: 'no credential', headers: {} },
    { name: 'an unknown session', headers: { cookie: `tb_admin=${'x'.repeat(43)}` } },
    { name: 'a malformed session cookie', headers: { cookie: 'tb_admin=nope' } },
    { name: 'a wrong operator token', headers: { authorization: 'Bearer not-the-token' } },
    { name: 'a wrong operator token next to a session cookie', headers: { authorization: 'Bearer not-the-token', cookie: 'tb_admin=x' } },
  ] as Array<{ name: string; headers: Record<string, string> }>)('$name answers 401 admin_unauthorized', async ({ headers }) => {
    const res = await api('GET', '/api/orgs/org_a/slack', headers);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'admin_unauthorized', message: expect.stringContaining('open Setup again') } });
  });

  it('the operator token still reaches every org, and changes without an Origin (scripts)', async () => {
    for (const orgId of ['org_a', 'org_b', 'org_unknown']) expect(await api('GET', `/api/orgs/${orgId}/slack`, operator)).toMatchObject({ statusCode: 200 });
    expect((await api('PUT', '/api/orgs/org_b/settings', operator, { channelIdMode: false, globalChannel: { enabled: false } })).json()).toMatchObject({
      error: { code: 'slack_not_connected' },
    });
  });

  it('signing out ends the session at once', async () => {
    const session = await signIn('org_a', adminA);
    expect(await api('DELETE', '/api/session', { cookie: session, origin: ORIGIN })).toMatchObject({ statusCode: 204 });
    expect(await api('GET', '/api/orgs/org_a/slack', { cookie: session })).toMatchObject({ statusCode: 401 });
  });
});

describe('sessions', () => {
  it('slide with use and never outlive 12 hours', async () => {
    const redis = new Redis(redisUrl());
    let now = Date.parse('2026-12-01T08:00:00Z');
    const kv = redisKeyValueStore(redis, `test-sessions-${Math.random()}`);
    const sessions = createAdminSessions(kv, () => new Date(now));
    try {
      const id = await sessions.create({ orgId: 'org_a', userId: adminA });
      const ttlKey = (await redis.keys('test-sessions-*:web:admin-session:*'))[0]!;
      expect(await redis.pttl(ttlKey)).toBeLessThanOrEqual(SESSION_IDLE_MS);
      // Used 11.5 hours on: it lives on for what is left of its 12 hours, not the full idle time.
      now += 11.5 * 3600_000;
      expect(await sessions.find(id)).toMatchObject({ orgId: 'org_a', userId: adminA });
      expect(await redis.pttl(ttlKey)).toBeLessThanOrEqual(SESSION_MAX_AGE_MS - 11.5 * 3600_000);
      expect(await redis.pttl(ttlKey)).toBeGreaterThan(25 * 60_000);
      now += 31 * 60_000;
      expect(await sessions.find(id)).toBeNull();
      expect(await redis.exists(ttlKey)).toBe(0);
      // Redis holds the id's digest, not the id.
      expect(ttlKey).not.toContain(id);
    } finally {
      redis.disconnect();
    }
  });
});

describe('Disconnect and the change history', () => {
  it('revokes the bot token at Slack, marks the connection disconnected, keeps the settings, records who; Connect works again', async () => {
    const team = slack.createTeam({ name: 'Acme Slack' });
    const installer = slack.createUser(team.id, { name: 'installer' });
    const session = await signIn('org_a', adminA);
    // The admin connects from the settings page: the install link from its session.
    const conn = (await api('GET', '/api/orgs/org_a/slack', { cookie: session })).json() as { installUrl: string };
    const install = await t.app.inject({ method: 'GET', url: conn.installUrl, headers: { cookie: session } });
    expect(install.statusCode).toBe(302);
    const nonce = String(install.headers['set-cookie']).split(';')[0]!;
    const callback = new URL(slack.approveInstall(String(install.headers.location), { teamId: team.id, userId: installer.id }));
    const back = await t.app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, headers: { cookie: `${session}; ${nonce}` } });
    expect(back.statusCode).toBe(303);
    const botToken = await t.store.installations.botToken(team.id, null);
    await t.store.orgSettings.save({ orgId: 'org_a', channelIdMode: true, globalChannelEnabled: false, globalChannelId: null }, new Date());

    const res = await api('DELETE', '/api/orgs/org_a/slack', { cookie: session, origin: ORIGIN });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'disconnected',
      workspace: { id: team.id, name: 'Acme Slack' },
      installUrl: expect.stringMatching(/^\/slack\/install\?ticket=/),
    });
    expect(slack.calls({ method: 'auth.revoke' })).toEqual([
      expect.objectContaining({ teamId: team.id, httpStatus: 200, response: { ok: true, revoked: true } }),
    ]);
    expect(await t.store.installations.findByOrg('org_a')).toMatchObject({ teamId: team.id, status: 'disconnected' });
    expect(await t.store.orgSettings.get('org_a')).toMatchObject({ channelIdMode: true });
    expect((await api('GET', '/api/orgs/org_a/slack', { cookie: session })).json()).toMatchObject({ status: 'disconnected' });
    // Slack refuses the old token from now on.
    const after = await fetch(`${slack.apiUrl}auth.test`, { method: 'POST', headers: { authorization: `Bearer ${botToken}` } });
    expect(await after.json()).toEqual({ ok: false, error: 'token_revoked' });
    // Again: nothing left to revoke, the same answer.
    expect(await api('DELETE', '/api/orgs/org_a/slack', { cookie: session, origin: ORIGIN })).toMatchObject({ statusCode: 200 });
    expect(slack.calls({ method: 'auth.revoke' })).toHaveLength(1);

    const changes = (await api('GET', '/api/orgs/org_a/changes', { cookie: session })).json();
    expect(changes.lastChanges).toMatchObject({
      connection: { action: 'slack.disconnected', subject: team.id, actor: { kind: 'org-admin', userId: adminA }, at: expect.any(String) },
      settings: null,
      chatHandling: null,
      agents: null,
      routingGroups: null,
    });
    expect(changes.recent.map((c: { action: string }) => c.action)).toEqual(['slack.disconnected', 'slack.connected']);

    // Connecting again, by an operator this time.
    const reinstall = await t.app.inject({ method: 'GET', url: (await api('GET', '/api/orgs/org_a/slack', operator)).json().installUrl });
    const nonce2 = String(reinstall.headers['set-cookie']).split(';')[0]!;
    const callback2 = new URL(slack.approveInstall(String(reinstall.headers.location), { teamId: team.id, userId: installer.id }));
    expect((await t.app.inject({ method: 'GET', url: `${callback2.pathname}${callback2.search}`, headers: { cookie: nonce2 } })).statusCode).toBe(303);
    expect(await t.store.installations.findByOrg('org_a')).toMatchObject({ teamId: team.id, status: 'active' });
    expect((await api('GET', '/api/orgs/org_a/changes', operator)).json().lastChanges.connection).toMatchObject({
      action: 'slack.connected',
      actor: { kind: 'operator' },
    });
  });

  it('after a Disconnect, a wrong workspace is replaced by another one, and settings stay', async () => {
    const first = slack.createTeam({ name: 'Right Slack' });
    const wrong = slack.createTeam({ name: 'Wrong Slack' });
    const installer = slack.createUser(first.id, { name: 'i1' });
    const other = slack.createUser(wrong.id, { name: 'i2' });
    platform.createOrg({ id: 'org_c' });
    const admin = platform.addAdmin('org_c', { name: 'Cy', email: 'cy@c.test' }).id;
    const session = await signIn('org_c', admin);
    const connect = async (teamId: string, userId: string) => {
      const install = await t.app.inject({
        method: 'GET',
        url: (await api('GET', '/api/orgs/org_c/slack', { cookie: session })).json().installUrl,
        headers: { cookie: session },
      });
      const callback = new URL(slack.approveInstall(String(install.headers.location), { teamId, userId }));
      return t.app.inject({
        method: 'GET',
        url: `${callback.pathname}${callback.search}`,
        headers: { cookie: String(install.headers['set-cookie']).split(';')[0]! },
      });
    };
    expect((await connect(first.id, installer.id)).statusCode).toBe(303);
    expect(await api('DELETE', '/api/orgs/org_c/slack', { cookie: session, origin: ORIGIN })).toMatchObject({ statusCode: 200 });
    await t.store.orgSettings.save({ orgId: 'org_c', channelIdMode: true, globalChannelEnabled: false, globalChannelId: null }, new Date());
    expect((await connect(wrong.id, other.id)).statusCode).toBe(303);
    expect(await t.store.installations.findByOrg('org_c')).toMatchObject({ teamId: wrong.id, teamName: 'Wrong Slack', status: 'active' });
    expect(await t.store.installations.findByTeam(first.id)).toBeNull();
    expect((await t.store.orgSettings.get('org_c'))!.channelIdMode).toBe(true);
    // While connected, the org cannot take a second workspace, and the workspace no second org.
    const second = slack.createTeam({ name: 'Third Slack' });
    const third = slack.createUser(second.id, { name: 'i3' });
    expect((await connect(second.id, third.id)).statusCode).toBe(409);
  });

  it('an org without any connection cannot be disconnected: slack_not_connected', async () => {
    const session = await signIn('org_b', adminB);
    expect((await api('DELETE', '/api/orgs/org_b/slack', { cookie: session, origin: ORIGIN })).json()).toMatchObject({
      error: { code: 'slack_not_connected' },
    });
  });
});
