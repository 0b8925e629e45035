// Install links (the settings page's Connect) over HTTP: an org admin's link starts Slack's install
// only in the browser holding the live session it was made for, once, within 10 minutes, and dies
// with the session; an operator's works once within 10 minutes. Each refusal is a page saying
// what to do, with its own code, and a refusal elsewhere does not use the link up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackEmulator } from '../../emulators/slack/index.ts';
import type { ChatPlatformEmulator } from '../../emulators/chat-platform/index.ts';
import { newSecrets } from '../support/test-app.ts';
import { startChatPlatformFor, startSlackEmulatorFor, testAppPerFile } from '../support/http-test-app.ts';
import { INSTALL_TICKET_TTL_MS } from '../../src/http/oauth-state.ts';

const secrets = newSecrets();
const ORIGIN = 'http://threadbridge.test';
let slack: SlackEmulator;
let platform: ChatPlatformEmulator;
/** How far the app's clock is ahead of the real one (the sessions keep the real one). */
let skewMs = 0;
const admins: Record<string, string> = {};

beforeAll(async () => {
  slack = await startSlackEmulatorFor(secrets);
  platform = await startChatPlatformFor(secrets);
});
afterAll(async () => {
  await platform?.close();
  await slack?.close();
});
const t = testAppPerFile(() => ({
  name: 'install-links',
  secrets,
  slackApiUrl: slack.apiUrl,
  slackAuthorizeUrl: slack.authorizeUrl,
  chatApiUrl: platform.url,
  overrides: { now: () => new Date(Date.now() + skewMs) },
}));
beforeAll(() => {
  platform.createOrg({ id: 'org_a', name: 'Acme Inc' });
  platform.createOrg({ id: 'org_b', name: 'Bravo' });
  admins['ada'] = platform.addAdmin('org_a', { name: 'Ada Admin', email: 'ada@a.test' }).id;
  admins['ann'] = platform.addAdmin('org_a', { name: 'Ann Other', email: 'ann@a.test' }).id;
  admins['bob'] = platform.addAdmin('org_b', { name: 'Bob B', email: 'bob@b.test' }).id;
});

/** A browser signed in through the platform's Setup link: its session cookie as a Cookie header. */
async function signIn(orgId: string, adminId: string): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: `/settings/${orgId}?launch=${encodeURIComponent(platform.launchToken(orgId, adminId))}` });
  expect(res.statusCode).toBe(303);
  return String(res.headers['set-cookie']).split(';')[0]!;
}

/** The install link the settings page gets for its session (or, with the operator token, an operator's). */
async function installLinkOf(orgId: string, credential: { cookie: string } | { authorization: string }): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: `/api/orgs/${orgId}/slack`, headers: credential });
  expect(res.statusCode).toBe(200);
  return (res.json() as { installUrl: string }).installUrl;
}

const open = (url: string, cookie?: string) => t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
const operator = { authorization: `Bearer ${secrets.adminApiToken}` };

/** A refusal as the browser shows it: a page with its code that says what to do, no install started. */
function expectRefused(res: Awaited<ReturnType<typeof open>>, status: number, code: string, says: RegExp) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['x-error-code']).toBe(code);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers.location).toBeUndefined();
  expect(res.headers['set-cookie']).toBeUndefined();
  expect(res.body).toContain('Slack was not connected');
  expect(res.body).toMatch(says);
}

const startsSlack = (res: Awaited<ReturnType<typeof open>>) => {
  expect(res.statusCode).toBe(302);
  expect(String(res.headers.location)).toContain(slack.authorizeUrl);
};

describe('an org admin’s install link', () => {
  it('starts the install in the browser holding its session, once: opened again, it says to click Connect Slack again', async () => {
    const session = await signIn('org_a', admins['ada']!);
    const link = await installLinkOf('org_a', { cookie: session });
    startsSlack(await open(link, session));
    expectRefused(await open(link, session), 400, 'install_link_used', /used already.*click Connect Slack again/s);
    // A fresh link (what Connect asks for on each click) works.
    startsSlack(await open(await installLinkOf('org_a', { cookie: session }), session));
  });

  it('from another browser (no session, another admin’s, another org’s) is refused, and still works afterwards in its own', async () => {
    const session = await signIn('org_a', admins['ada']!);
    const link = await installLinkOf('org_a', { cookie: session });
    expectRefused(await open(link), 401, 'install_link_signed_out', /not signed in.*click Setup for the Slack integration in this browser/s);
    expectRefused(await open(link, `tb_admin=${'x'.repeat(43)}`), 401, 'install_link_signed_out', /has ended/);
    const ann = await signIn('org_a', admins['ann']!);
    expectRefused(await open(link, ann), 403, 'install_link_other_session', /another session.*Click Connect Slack on the settings page open in this browser/s);
    const bob = await signIn('org_b', admins['bob']!);
    const other = await open(link, bob);
    expectRefused(other, 403, 'install_link_other_session', /Click Connect Slack/);
    // The way back it offers is the browser's own org's page; nothing of org_a's beyond the link's own.
    expect(other.body).toContain('href="/settings/org_b"');
    expect(other.body).not.toMatch(/Acme|Ada/);
    // None of these used it up.
    startsSlack(await open(link, session));
  });

  it('dies with its session: after Sign out it is refused, with or without the old cookie', async () => {
    const session = await signIn('org_a', admins['ada']!);
    const link = await installLinkOf('org_a', { cookie: session });
    expect(await t.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: session, origin: ORIGIN } })).toMatchObject({ statusCode: 204 });
    expectRefused(await open(link, session), 401, 'install_link_signed_out', /has ended \(signed out/);
    expectRefused(await open(link), 401, 'install_link_signed_out', /click Setup/);
  });

  it('dies with a new Setup in the same browser (a newer session)', async () => {
    const first = await signIn('org_a', admins['ada']!);
    const link = await installLinkOf('org_a', { cookie: first });
    const res = await t.app.inject({
      method: 'GET',
      url: `/settings/org_a?launch=${encodeURIComponent(platform.launchToken('org_a', admins['ada']!))}`,
      headers: { cookie: first },
    });
    const second = String(res.headers['set-cookie']).split(';')[0]!;
    expectRefused(await open(link, second), 403, 'install_link_other_session', /newer Setup/);
  });

  it('is refused once older than 10 minutes, saying to click Connect Slack again', async () => {
    const session = await signIn('org_a', admins['ada']!);
    const link = await installLinkOf('org_a', { cookie: session });
    const fresh = await installLinkOf('org_a', { cookie: session });
    try {
      skewMs = INSTALL_TICKET_TTL_MS - 1000;
      startsSlack(await open(fresh, session));
      skewMs = INSTALL_TICKET_TTL_MS + 1000;
      expectRefused(await open(link, session), 400, 'invalid_install_link', /older than 10 minutes.*click Connect Slack again/s);
    } finally {
      skewMs = 0;
    }
  });

  it('its install records the admin who asked, by name, when Slack is connected', async () => {
    platform.createOrg({ id: 'org_c', name: 'Cyan' });
    const cy = platform.addAdmin('org_c', { name: 'Cy Admin', email: 'cy@c.test' }).id;
    const team = slack.createTeam({ name: 'Cyan Slack' });
    const installer = slack.createUser(team.id, { name: 'installer' });
    const session = await signIn('org_c', cy);
    const install = await open(await installLinkOf('org_c', { cookie: session }), session);
    const nonce = String(install.headers['set-cookie']).split(';')[0]!;
    const callback = new URL(slack.approveInstall(String(install.headers.location), { teamId: team.id, userId: installer.id }));
    expect((await open(`${callback.pathname}${callback.search}`, nonce)).statusCode).toBe(303);
    const changes = (await t.app.inject({ method: 'GET', url: '/api/orgs/org_c/changes', headers: { cookie: session } })).json();
    expect(changes.lastChanges.connection).toMatchObject({ action: 'slack.connected', actor: { kind: 'org-admin', userId: cy, userName: 'Cy Admin' } });
  });
});

describe('an operator’s install link', () => {
  it('works once, in any browser, and not twice', async () => {
    const link = await installLinkOf('org_b', operator);
    startsSlack(await open(link));
    expectRefused(await open(link), 400, 'install_link_used', /click Connect Slack again/);
    // Another browser (an admin's session) does not make it new.
    expectRefused(await open(link, await signIn('org_b', admins['bob']!)), 400, 'install_link_used', /used already/);
  });

  it('is refused once older than 10 minutes', async () => {
    const link = await installLinkOf('org_b', operator);
    try {
      skewMs = INSTALL_TICKET_TTL_MS + 1000;
      expectRefused(await open(link), 400, 'invalid_install_link', /older than 10 minutes/);
    } finally {
      skewMs = 0;
    }
  });
});
