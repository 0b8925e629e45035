// The OAuth v2 install over HTTP against the Slack emulator: the redirect, the signed state,
// the code exchange, the installation stored with its token encrypted, the browser sent back to
// the settings page, and each failure page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { buildTestApp, newSecrets, type TestApp } from '../support/test-app.ts';
import { installLink } from '../../sandbox/seed.ts';
import { createOAuthState } from '../../src/http/oauth-state.ts';
import { deriveKey } from '../../src/crypto/token-cipher.ts';

const secrets = newSecrets();
let slack: SlackEmulator;
let t: TestApp;
let webUrl: string;

beforeAll(async () => {
  slack = await startSlackEmulator({ signingSecret: secrets.slackSigningSecret, clientId: secrets.slackClientId, clientSecret: secrets.slackClientSecret });
  t = await buildTestApp({ name: 'oauth', secrets, slackApiUrl: slack.apiUrl, slackAuthorizeUrl: slack.authorizeUrl });
  webUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  t.setPublicUrl(webUrl);
});
afterAll(async () => {
  await t?.close();
  await slack?.close();
});

/** Follows Slack's redirect to the callback as a browser does, without following the callback's own redirect. */
const callBack = (callback: string) => fetch(callback, { redirect: 'manual' });

async function startInstall(orgId: string) {
  const res = await fetch(await installLink(webUrl, secrets.adminApiToken, orgId), { redirect: 'manual' });
  expect(res.status).toBe(302);
  return res.headers.get('location')!;
}

describe('Slack OAuth install', () => {
  it('sends the admin to Slack with the app, the scopes, the callback and a signed state', async () => {
    const location = new URL(await startInstall('org_redirect'));
    expect(`${location.origin}${location.pathname}`).toBe(slack.authorizeUrl);
    expect(location.searchParams.get('client_id')).toBe(secrets.slackClientId);
    expect(location.searchParams.get('redirect_uri')).toBe(`${webUrl}/slack/oauth/callback`);
    expect(location.searchParams.get('scope')!.split(',')).toEqual(expect.arrayContaining(['chat:write', 'channels:history', 'users:read']));
    expect(location.searchParams.get('state')).toMatch(/^[\w-]+\.[\w-]+$/);
  });

  it('stores the installation with the bot token encrypted at rest, and never logs it', async () => {
    const team = slack.createTeam({ name: 'Encrypted Inc' });
    const admin = slack.createUser(team.id, { name: 'admin' });
    const callback = slack.approveInstall(await startInstall('org_enc'), { teamId: team.id, userId: admin.id });
    expect((await callBack(callback)).status).toBe(303);

    const installation = await t.store.installations.findByOrg('org_enc');
    expect(installation).toMatchObject({ teamId: team.id, teamName: 'Encrypted Inc', orgId: 'org_enc', status: 'active', installerUserId: admin.id });
    const exchange = slack.calls({ method: 'oauth.v2.access' }).at(-1)!;
    const botToken = exchange.response.access_token as string;
    expect(botToken).toMatch(/^xoxb-/);
    expect(await t.store.installations.botToken(team.id)).toBe(botToken);

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
    const res = await callBack(slack.approveInstall(await startInstall('org roundtrip/1'), { teamId: team.id, userId: admin.id }));
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
    expect((await callBack(slack.approveInstall(await startInstall('org_first'), { teamId: team.id, userId: admin.id }))).status).toBe(303);
    const second = await callBack(slack.approveInstall(await startInstall('org_second'), { teamId: team.id, userId: admin.id }));
    expect(second.status).toBe(409);
    expect(second.headers.get('x-error-code')).toBe('workspace_taken');
    const text = await second.text();
    expect(text).toContain('already connected to another organization');
    // A failure stays on its page, with the way back to the settings.
    expect(text).toContain('href="/settings/org_second"');
    expect((await t.store.installations.findByTeam(team.id))!.orgId).toBe('org_first');
  });

  it('keeps the same org on reinstall and stores the token of the latest install', async () => {
    const team = slack.createTeam({ name: 'Again Co' });
    const admin = slack.createUser(team.id, { name: 'admin' });
    expect((await callBack(slack.approveInstall(await startInstall('org_again'), { teamId: team.id, userId: admin.id }))).status).toBe(303);
    const firstToken = await t.store.installations.botToken(team.id);
    expect((await callBack(slack.approveInstall(await startInstall('org_again'), { teamId: team.id, userId: admin.id }))).status).toBe(303);
    expect((await t.store.installations.findByOrg('org_again'))!.teamId).toBe(team.id);
    // The reinstall's token is the one kept (the emulator may or may not issue a new one).
    const latest = slack.calls({ method: 'oauth.v2.access' }).at(-1)!.response.access_token as string;
    expect(await t.store.installations.botToken(team.id)).toBe(latest);
    expect(firstToken).toMatch(/^xoxb-/);
  });

  const failures = [
    { name: 'an install link without a ticket', url: () => `${webUrl}/slack/install?orgId=org_anyone`, status: 400, code: 'missing_parameter', says: /Open the install link from the integration settings page/ },
    { name: 'an install link with a forged ticket', url: () => `${webUrl}/slack/install?ticket=eyJvcmdJZCI6Im9yZ194In0.forged`, status: 400, code: 'invalid_install_link', says: /click Connect Slack/ },
    {
      name: 'an install link older than an hour',
      url: () => `${webUrl}/slack/install?ticket=${createOAuthState(deriveKey(Buffer.from(secrets.encryptionKeyHex, 'hex'), 'install-ticket'), 'org_x', Date.now() - 2 * 3600_000, 3600_000)}`,
      status: 400, code: 'invalid_install_link', says: /older than an hour/,
    },
    {
      name: 'an OAuth state passed off as an install ticket',
      url: () => `${webUrl}/slack/install?ticket=${createOAuthState(deriveKey(Buffer.from(secrets.encryptionKeyHex, 'hex'), 'oauth-state'), 'org_x', Date.now())}`,
      status: 400, code: 'invalid_install_link', says: /click Connect Slack/,
    },
    { name: 'a callback with a forged state', url: () => `${webUrl}/slack/oauth/callback?code=abc&state=eyJvcmdJZCI6Im9yZ194In0.forged`, status: 400, code: 'invalid_oauth_state', says: /Start the install again/ },
    { name: 'a callback without state', url: () => `${webUrl}/slack/oauth/callback?code=abc`, status: 400, code: 'invalid_oauth_state', says: /Start the install again/ },
  ];
  it.each(failures)('answers $name with $status and a page saying what to do', async ({ url, status, code, says }) => {
    const res = await fetch(url());
    expect(res.status).toBe(status);
    expect(res.headers.get('x-error-code')).toBe(code);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(says);
  });

  it('says the install was cancelled when the admin clicks Cancel in Slack', async () => {
    const location = new URL(await startInstall('org_cancel'));
    const state = location.searchParams.get('state')!;
    const res = await fetch(`${webUrl}/slack/oauth/callback?error=access_denied&state=${encodeURIComponent(state)}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('x-error-code')).toBe('install_cancelled');
    expect(await res.text()).toContain('href="/settings/org_cancel"');
    expect(await t.store.installations.findByOrg('org_cancel')).toBeNull();
  });

  it('reports Slack’s refusal when a code is used twice', async () => {
    const team = slack.createTeam({ name: 'Twice Corp' });
    const admin = slack.createUser(team.id, { name: 'admin' });
    const callback = slack.approveInstall(await startInstall('org_twice'), { teamId: team.id, userId: admin.id });
    expect((await callBack(callback)).status).toBe(303);
    const again = await callBack(callback);
    expect(again.status).toBe(502);
    expect(again.headers.get('x-error-code')).toBe('slack_oauth_failed');
    expect(await again.text()).toMatch(/Slack answered (invalid_code|code_already_used)/);
  });
});
