// The OAuth v2 install over HTTP against the Slack emulator: the redirect, the signed state bound
// to the browser (a nonce cookie) and good once, the code exchange, the installation stored with
// its token encrypted, the browser sent back to the settings page, and each failure page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackEmulator } from '../../emulators/slack/index.ts';
import { newSecrets } from '../support/test-app.ts';
import { startSlackEmulatorFor, testAppPerFile } from '../support/http-test-app.ts';
import { installLink, startInstall } from '../../sandbox/seed.ts';
import { createOAuthState, INSTALL_TICKET_TTL_MS } from '../../src/http/oauth-state.ts';
import { deriveKey } from '../../src/crypto/token-cipher.ts';

const secrets = newSecrets();
let slack: SlackEmulator;
let webUrl: string;

// The emulator's hooks before the app's: it starts first and closes last (after hooks run last first).
beforeAll(async () => {
  slack = await startSlackEmulatorFor(secrets);
});
afterAll(async () => {
  await slack?.close();
});
const t = testAppPerFile(() => ({ name: 'oauth', secrets, slackApiUrl: slack.apiUrl, slackAuthorizeUrl: slack.authorizeUrl }));
beforeAll(async () => {
  webUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  t.setPublicUrl(webUrl);
});

/** The browser of the last install started: the callback goes back with its nonce cookie. */
let browser: Awaited<ReturnType<typeof startInstall>>;

/** Follows Slack's redirect to the callback as the browser that started the install does, without following the callback's own redirect. */
const callBack = (callback: string) => browser.callBack(callback);

async function beginInstall(orgId: string) {
  browser = await startInstall(await installLink(webUrl, secrets.adminApiToken, orgId));
  return browser.authorizeUrl;
}

describe('Slack OAuth install', () => {
  it('sends the admin to Slack with the app, the scopes, the callback and a signed state', async () => {
    const location = new URL(await beginInstall('org_redirect'));
    expect(`${location.origin}${location.pathname}`).toBe(slack.authorizeUrl);
    expect(location.searchParams.get('client_id')).toBe(secrets.slackClientId);
    expect(location.searchParams.get('redirect_uri')).toBe(`${webUrl}/slack/oauth/callback`);
    expect(location.searchParams.get('scope')!.split(',')).toEqual(expect.arrayContaining(['chat:write', 'channels:history', 'users:read']));
    expect(location.searchParams.get('state')).toMatch(/^[\w-]+\.[\w-]+$/);
  });

  it('stores the installation with the bot token encrypted at rest, and never logs it', async () => {
    const team = slack.createTeam({ name: 'Encrypted Inc' });
    const admin = slack.createUser(team.id, { name: 'admin' });
    const callback = slack.approveInstall(await beginInstall('org_enc'), { teamId: team.id, userId: admin.id });
    expect((await callBack(callback)).status).toBe(303);

    const installation = await t.store.installations.findByOrg('org_enc');
    expect(installation).toMatchObject({ teamId: team.id, teamName: 'Encrypted Inc', orgId: 'org_enc', status: 'active', installerUserId: admin.id });
    const exchange = slack.calls({ method: 'oauth.v2.access' }).at(-1)!;
    const botToken = exchange.response.access_token as string;
    expect(botToken).toMatch(/^xoxb-/);
    expect(await t.store.installations.botToken(team.id, null)).toBe(botToken);

    const raw = JSON.stringify(await t.mongo.db.collection('installations').findOne({ _id: team.id as never }));
    expect(raw).not.toContain(botToken);
    expect(raw).toContain('botTokenSealed');
    const code = new URL(callback).searchParams.get('code')!;
    expect(t.logs()).not.toContain(botToken);
    expect(t.logs()).not.toContain(code);
  });

  it('sends the browser back to the org’s settings page, which then opens on its own', async () => {
    const team = slack.createTeam({ name: 'Roundtrip LLC' });
    const admin = slack.createUser(team.id, { name: 'admin' });
    const res = await callBack(slack.approveInstall(await beginInstall('org roundtrip/1'), { teamId: team.id, userId: admin.id }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/settings/org%20roundtrip%2F1?slack=connected');
    expect(await t.store.installations.findByOrg('org roundtrip/1')).toMatchObject({ teamId: team.id, status: 'active' });
    const page = await fetch(new URL(res.headers.get('location')!, webUrl));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Slack integration settings</title>');
  });

  it('refuses a second org connecting a workspace that is already connected', async () => {
    const team = slack.createTeam({ name: 'Taken Ltd' });
    const admin = slack.createUser(team.id, { name: 'admin' });
    expect((await callBack(slack.approveInstall(await beginInstall('org_first'), { teamId: team.id, userId: admin.id }))).status).toBe(303);
    const second = await callBack(slack.approveInstall(await beginInstall('org_second'), { teamId: team.id, userId: admin.id }));
    expect(second.status).toBe(409);
    expect(second.headers.get('x-error-code')).toBe('workspace_taken');
    const text = await second.text();
    expect(text).toContain('already connected to another organization');
    // It says why and what to do, and names neither the other org nor its id.
    expect(text).toContain('The Slack workspace Taken Ltd already belongs to another organization on the chat platform, and a workspace can serve only one.');
    expect(text).toContain('pick another workspace in the menu at the top right');
    expect(text).not.toContain('org_first');
    // A failure stays on its page, with the way back to the settings.
    expect(text).toContain('href="/settings/org_second"');
    expect((await t.store.installations.findByTeam(team.id))!.orgId).toBe('org_first');
  });

  it('stores an org-wide install as the Grid organization’s, in no workspace yet, and queues the reading of its workspaces', async () => {
    const grid = slack.createEnterprise({ name: 'Umbrella Group' });
    const team = slack.createTeam({ name: 'Umbrella Sales', enterpriseId: grid.id });
    const admin = slack.createUser(team.id, { name: 'admin' });
    const res = await callBack(slack.approveInstall(await beginInstall('org_grid'), { enterpriseId: grid.id, userId: admin.id }));
    expect(res.status).toBe(303);
    expect(slack.calls({ method: 'oauth.v2.access' }).at(-1)!.response).toMatchObject({ team: null, is_enterprise_install: true, enterprise: { id: grid.id } });
    expect(await t.store.installations.findByOrg('org_grid')).toMatchObject({
      teamId: grid.id,
      teamName: 'Umbrella Group',
      kind: 'enterprise',
      enterpriseId: grid.id,
      workspaces: [],
      status: 'active',
      installerUserId: admin.id,
    });
    // The token is sealed for the organization's key, which every job names it by.
    expect(await t.store.installations.botToken(grid.id, 'org_grid')).toBe(slack.calls({ method: 'oauth.v2.access' }).at(-1)!.response.access_token);
    const checks = (await t.queues.slackEvents.getJobs(['waiting'])).filter((j) => j.data.teamId === grid.id);
    expect(checks.map((j) => j.data)).toEqual([
      {
        teamId: grid.id,
        workspaceId: null,
        eventId: `threadbridge_workspaces_check:${grid.id}`,
        eventTime: null,
        event: { type: 'threadbridge_workspaces_check' },
      },
    ]);
  });

  it('keeps the same org on reinstall and stores the token of the latest install', async () => {
    const team = slack.createTeam({ name: 'Again Co' });
    const admin = slack.createUser(team.id, { name: 'admin' });
    expect((await callBack(slack.approveInstall(await beginInstall('org_again'), { teamId: team.id, userId: admin.id }))).status).toBe(303);
    const firstToken = await t.store.installations.botToken(team.id, null);
    expect((await callBack(slack.approveInstall(await beginInstall('org_again'), { teamId: team.id, userId: admin.id }))).status).toBe(303);
    expect((await t.store.installations.findByOrg('org_again'))!.teamId).toBe(team.id);
    // The reinstall's token is the one kept (the emulator may or may not issue a new one).
    const latest = slack.calls({ method: 'oauth.v2.access' }).at(-1)!.response.access_token as string;
    expect(await t.store.installations.botToken(team.id, null)).toBe(latest);
    expect(firstToken).toMatch(/^xoxb-/);
  });

  const failures = [
    {
      name: 'an install link without a ticket',
      url: () => `${webUrl}/slack/install?orgId=org_anyone`,
      status: 400,
      code: 'missing_parameter',
      says: /Open the install link from the integration settings page/,
    },
    {
      name: 'an install link with a forged ticket',
      url: () => `${webUrl}/slack/install?ticket=eyJvcmdJZCI6Im9yZ194In0.forged`,
      status: 400,
      code: 'invalid_install_link',
      says: /click Connect Slack/,
    },
    {
      name: 'an operator’s install link older than 10 minutes',
      url: () =>
        `${webUrl}/slack/install?ticket=${createOAuthState(deriveKey(Buffer.from(secrets.encryptionKeyHex, 'hex'), 'install-ticket'), 'org_x', Date.now() - 11 * 60_000, INSTALL_TICKET_TTL_MS, { by: { kind: 'operator' } })}`,
      status: 400,
      code: 'invalid_install_link',
      says: /older than 10 minutes.*click Connect Slack again/s,
    },
    {
      name: 'an OAuth state passed off as an install ticket',
      url: () =>
        `${webUrl}/slack/install?ticket=${createOAuthState(deriveKey(Buffer.from(secrets.encryptionKeyHex, 'hex'), 'oauth-state'), 'org_x', Date.now())}`,
      status: 400,
      code: 'invalid_install_link',
      says: /click Connect Slack/,
    },
    {
      name: 'a callback with a forged state',
      url: () => `${webUrl}/slack/oauth/callback?code=abc&state=eyJvcmdJZCI6Im9yZ194In0.forged`,
      status: 400,
      code: 'invalid_oauth_state',
      says: /Start the install again/,
    },
    {
      name: 'a callback without state',
      url: () => `${webUrl}/slack/oauth/callback?code=abc`,
      status: 400,
      code: 'invalid_oauth_state',
      says: /Start the install again/,
    },
  ];
  it.each(failures)('answers $name with $status and a page saying what to do', async ({ url, status, code, says }) => {
    const res = await fetch(url());
    expect(res.status).toBe(status);
    expect(res.headers.get('x-error-code')).toBe(code);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(says);
  });

  it('says the install was cancelled when the admin clicks Cancel in Slack', async () => {
    const location = new URL(await beginInstall('org_cancel'));
    const state = location.searchParams.get('state')!;
    const res = await callBack(`${webUrl}/slack/oauth/callback?error=access_denied&state=${encodeURIComponent(state)}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('x-error-code')).toBe('install_cancelled');
    expect(await res.text()).toContain('href="/settings/org_cancel"');
    expect(await t.store.installations.findByOrg('org_cancel')).toBeNull();
  });

  it('reports Slack’s refusal of a code used twice (the second time with an install of its own)', async () => {
    const team = slack.createTeam({ name: 'Twice Corp' });
    const admin = slack.createUser(team.id, { name: 'admin' });
    const callback = new URL(slack.approveInstall(await beginInstall('org_twice'), { teamId: team.id, userId: admin.id }));
    expect((await callBack(callback.toString())).status).toBe(303);
    // A second install in the same browser, returning with the first install's code.
    const second = new URL(await beginInstall('org_twice'));
    callback.searchParams.set('state', second.searchParams.get('state')!);
    const again = await callBack(callback.toString());
    expect(again.status).toBe(502);
    expect(again.headers.get('x-error-code')).toBe('slack_oauth_failed');
    expect(await again.text()).toMatch(/Slack answered (invalid_code|code_already_used)/);
  });

  it('takes a return from Slack once: the same callback again (a reload, the history) is refused before Slack is asked', async () => {
    const team = slack.createTeam({ name: 'Reload Inc' });
    const admin = slack.createUser(team.id, { name: 'admin' });
    const callback = slack.approveInstall(await beginInstall('org_reload'), { teamId: team.id, userId: admin.id });
    expect((await callBack(callback)).status).toBe(303);
    const exchanges = slack.calls({ method: 'oauth.v2.access' }).length;
    const again = await callBack(callback);
    expect(again.status).toBe(400);
    expect(again.headers.get('x-error-code')).toBe('oauth_state_used');
    expect(await again.text()).toContain('href="/settings/org_reload"');
    expect(slack.calls({ method: 'oauth.v2.access' })).toHaveLength(exchanges);
  });

  it('refuses a return from Slack in a browser that did not start the install (someone else’s code and state)', async () => {
    const team = slack.createTeam({ name: 'Elsewhere LLC' });
    const admin = slack.createUser(team.id, { name: 'admin' });
    const callback = slack.approveInstall(await beginInstall('org_elsewhere'), { teamId: team.id, userId: admin.id });
    for (const cookie of [undefined, 'tb_oauth=someone-elses-nonce']) {
      const res = await fetch(callback, { redirect: 'manual', ...(cookie ? { headers: { cookie } } : {}) });
      expect(res.status).toBe(400);
      expect(res.headers.get('x-error-code')).toBe('install_started_elsewhere');
      expect(await res.text()).toContain('in this browser');
    }
    expect(await t.store.installations.findByOrg('org_elsewhere')).toBeNull();
    // The browser that started it still can.
    expect((await callBack(callback)).status).toBe(303);
  });

  it('leaves the install nonce as an HttpOnly, SameSite=Lax cookie for ten minutes, and clears it on the way back', async () => {
    const team = slack.createTeam({ name: 'Cookie Co' });
    const admin = slack.createUser(team.id, { name: 'admin' });
    const res = await fetch(await installLink(webUrl, secrets.adminApiToken, 'org_cookie'), { redirect: 'manual' });
    const [cookie] = res.headers.getSetCookie();
    expect(cookie).toMatch(/^tb_oauth=[\w-]{43}; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/);
    // The state carries only the nonce's digest: the cookie's value is in no URL.
    const location = res.headers.get('location')!;
    expect(location).not.toContain(cookie!.split(';')[0]!.split('=')[1]);
    const back = await fetch(slack.approveInstall(location, { teamId: team.id, userId: admin.id }), {
      redirect: 'manual',
      headers: { cookie: cookie!.split(';')[0]! },
    });
    expect(back.status).toBe(303);
    expect(back.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^tb_oauth=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/),
    ]);
  });

  it('logs no install ticket, OAuth code or state, nor the nonce cookie', async () => {
    const team = slack.createTeam({ name: 'Quiet Logs' });
    const admin = slack.createUser(team.id, { name: 'admin' });
    const link = await installLink(webUrl, secrets.adminApiToken, 'org_quiet');
    const ticket = new URL(link).searchParams.get('ticket')!;
    browser = await startInstall(link);
    const authorize = new URL(browser.authorizeUrl);
    const callback = new URL(slack.approveInstall(authorize.toString(), { teamId: team.id, userId: admin.id }));
    expect((await callBack(callback.toString())).status).toBe(303);
    // A failing one too (its URL logged with the error page).
    await fetch(`${webUrl}/slack/oauth/callback?code=${callback.searchParams.get('code')}&state=${callback.searchParams.get('state')}`);
    const logs = t.logs();
    expect(logs).toContain('/slack/oauth/callback?code=[redacted]&state=[redacted]');
    expect(logs).toContain('/slack/install?ticket=[redacted]');
    for (const secret of [ticket, callback.searchParams.get('code')!, callback.searchParams.get('state')!, browser.cookie.split('=')[1]!])
      expect(logs).not.toContain(secret);
  });
});
