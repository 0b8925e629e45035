// Which org and which admin, over HTTP: the launch token's optional orgName and userName are kept
// with the session and told by GET /api/session (null from a platform that sends none, and the
// page shows the ids then); names that are not strings of at most 200 characters are refused. A
// Setup link opened in a browser signed in for another org, or as another admin, asks before
// switching: the prompt names both, takes nothing, and only its same-origin POST switches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintLaunchToken, type ChatPlatformEmulator, type LaunchPayload } from '../../emulators/chat-platform/index.ts';
import { newSecrets } from '../support/test-app.ts';
import { NO_SLACK, startChatPlatformFor, testAppPerFile } from '../support/http-test-app.ts';

const secrets = newSecrets();
const ORIGIN = 'http://threadbridge.test';
let platform: ChatPlatformEmulator;
const admins: Record<string, string> = {};

beforeAll(async () => {
  platform = await startChatPlatformFor(secrets);
});
afterAll(async () => {
  await platform?.close();
});
const t = testAppPerFile(() => ({ name: 'launch-switch', secrets, ...NO_SLACK, chatApiUrl: platform.url }));
beforeAll(() => {
  platform.createOrg({ id: 'org_a', name: 'Acme Inc' });
  platform.createOrg({ id: 'org_b', name: 'Bravo & Sons' });
  admins['ada'] = platform.addAdmin('org_a', { id: 'usr_ada', name: 'Ada Admin', email: 'ada@a.test' }).id;
  admins['ann'] = platform.addAdmin('org_a', { id: 'usr_ann', name: 'Ann Other', email: 'ann@a.test' }).id;
  admins['bob'] = platform.addAdmin('org_b', { id: 'usr_bob', name: 'Bob B', email: 'bob@b.test' }).id;
});

const nowSec = () => Math.floor(Date.now() / 1000);
const minted = (payload: Partial<LaunchPayload>) =>
  mintLaunchToken(secrets.adminLaunchSecret, {
    orgId: 'org_a',
    userId: 'usr_ada',
    role: 'admin',
    iat: nowSec(),
    exp: nowSec() + 300,
    nonce: `n-${Math.random()}`,
    ...payload,
  });

const launch = (orgId: string, token: string, cookie?: string) =>
  t.app.inject({ method: 'GET', url: `/settings/${orgId}?launch=${encodeURIComponent(token)}`, headers: cookie ? { cookie } : {} });
const cookieOf = (res: { headers: Record<string, unknown> }) => String(res.headers['set-cookie']).split(';')[0]!;

async function signIn(orgId: string, adminId: string, opts: { names?: boolean } = {}): Promise<string> {
  const res = await launch(orgId, platform.launchToken(orgId, adminId, opts));
  expect(res.statusCode).toBe(303);
  return cookieOf(res);
}
const whoAmI = async (cookie: string) => (await t.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).json();
const reaches = async (cookie: string, orgId: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/orgs/${orgId}/slack`, headers: { cookie } })).statusCode;

/** The prompt's form, as the browser would post it from Threadbridge's page. */
const postSwitch = (action: string, body: string, headers: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: action, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: body });
const formOf = (html: string) => ({
  action: /<form method="post" action="([^"]+)">/.exec(html)![1]!.replaceAll('&#38;', '&'),
  launch: /name="launch" value="([^"]+)"/.exec(html)![1]!,
});

describe('names from the launch token', () => {
  it('are kept with the session and told by GET /api/session', async () => {
    const cookie = await signIn('org_a', admins['ada']!);
    expect(await whoAmI(cookie)).toEqual({ kind: 'org-admin', org: { id: 'org_a', name: 'Acme Inc' }, user: { id: 'usr_ada', name: 'Ada Admin' } });
  });

  it('absent (an older platform release): the session opens, with no names, so the page shows the ids', async () => {
    const cookie = await signIn('org_a', admins['ada']!, { names: false });
    expect(await whoAmI(cookie)).toEqual({ kind: 'org-admin', org: { id: 'org_a', name: null }, user: { id: 'usr_ada', name: null } });
  });

  it('the operator token is told it is an operator', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/session', headers: { authorization: `Bearer ${secrets.adminApiToken}` } })).json()).toEqual({
      kind: 'operator',
    });
  });

  it.each([
    { name: 'an orgName of 201 characters', payload: { orgName: 'x'.repeat(201) }, field: 'orgName' },
    { name: 'a userName of 201 characters', payload: { userName: 'y'.repeat(201) }, field: 'userName' },
    { name: 'an orgName that is a number', payload: { orgName: 42 }, field: 'orgName' },
    { name: 'a userName that is an object', payload: { userName: { first: 'Ada' } }, field: 'userName' },
    { name: 'an orgName that is null', payload: { orgName: null }, field: 'orgName' },
  ])('$name is refused: 400 launch_invalid naming it, no session', async ({ payload, field }) => {
    const res = await launch('org_a', minted(payload));
    expect(res.statusCode).toBe(400);
    expect(res.headers['x-error-code']).toBe('launch_invalid');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body).toContain(`The chat platform sent a ${field} that is not text of at most 200 characters.`);
    expect(res.body).toContain('click Setup for the Slack integration again');
  });

  it('names of exactly 200 characters are accepted', async () => {
    const res = await launch('org_a', minted({ orgName: 'o'.repeat(200), userName: 'u'.repeat(200) }));
    expect(res.statusCode).toBe(303);
    expect(await whoAmI(cookieOf(res))).toMatchObject({ org: { name: 'o'.repeat(200) }, user: { name: 'u'.repeat(200) } });
  });
});

describe('a Setup link over a live session of someone else', () => {
  it('for another org: asks first, naming both; nothing changes until the POST switches', async () => {
    const ada = await signIn('org_a', admins['ada']!);
    const token = platform.launchToken('org_b', admins['bob']!);
    const prompt = await launch('org_b', token, ada);
    expect(prompt.statusCode).toBe(200);
    expect(prompt.headers['content-type']).toMatch(/^text\/html/);
    expect(prompt.headers['cache-control']).toBe('no-store');
    expect(prompt.headers['set-cookie']).toBeUndefined();
    expect(prompt.headers['content-security-policy']).toContain("form-action 'self'");
    // Not no-referrer (under which the form's POST carries `Origin: null`), yet never this URL's token.
    expect(prompt.headers['referrer-policy']).toBe('strict-origin');
    expect(prompt.body).toContain('<h1>Switch organization?</h1>');
    expect(prompt.body).toContain('signed in to the Slack integration settings of <strong>Acme Inc (org_a)</strong> as <strong>Ada Admin (usr_ada)</strong>');
    expect(prompt.body).toContain('is for <strong>Bravo &#38; Sons (org_b)</strong> as <strong>Bob B (usr_bob)</strong>');
    expect(prompt.body).toContain('Switch to Bravo &#38; Sons</button>');
    expect(prompt.body).toContain('<a id="stay" href="/settings/org_a">Stay in Acme Inc as Ada Admin</a>');
    // Asking took nothing: the old session still works, and the same link asks again.
    expect(await reaches(ada, 'org_a')).toBe(200);
    expect((await launch('org_b', token, ada)).statusCode).toBe(200);

    const form = formOf(prompt.body);
    expect(form.action).toBe('/settings/org_b/switch');
    const switched = await postSwitch(form.action, `launch=${encodeURIComponent(form.launch)}`, { cookie: ada, origin: ORIGIN });
    expect(switched.statusCode).toBe(303);
    expect(switched.headers.location).toBe('/settings/org_b');
    expect(switched.headers['set-cookie']).toMatch(/^tb_admin=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const bob = cookieOf(switched);
    expect(await whoAmI(bob)).toEqual({ kind: 'org-admin', org: { id: 'org_b', name: 'Bravo & Sons' }, user: { id: 'usr_bob', name: 'Bob B' } });
    expect(await reaches(bob, 'org_b')).toBe(200);
    // The old session ended, and the link is used now: neither the prompt nor the POST again.
    expect(await reaches(ada, 'org_a')).toBe(401);
    expect((await launch('org_b', token, bob)).statusCode).toBe(401);
    const again = await postSwitch(form.action, `launch=${encodeURIComponent(form.launch)}`, { cookie: bob, origin: ORIGIN });
    expect(again.headers['x-error-code']).toBe('launch_already_used');
  });

  it('for another admin of the same org: asks too', async () => {
    const ada = await signIn('org_a', admins['ada']!);
    const prompt = await launch('org_a', platform.launchToken('org_a', admins['ann']!), ada);
    expect(prompt.statusCode).toBe(200);
    expect(prompt.body).toContain('<h1>Switch admin?</h1>');
    expect(prompt.body).toContain('as <strong>Ada Admin (usr_ada)</strong>');
    expect(prompt.body).toContain('is for <strong>Acme Inc (org_a)</strong> as <strong>Ann Other (usr_ann)</strong>');
    expect(prompt.body).toContain('Switch as Ann Other</button>');
    const switched = await postSwitch('/settings/org_a/switch', `launch=${encodeURIComponent(formOf(prompt.body).launch)}`, { cookie: ada, origin: ORIGIN });
    expect(switched.statusCode).toBe(303);
    expect(await whoAmI(cookieOf(switched))).toMatchObject({ user: { id: 'usr_ann', name: 'Ann Other' } });
    expect(await reaches(ada, 'org_a')).toBe(401);
  });

  it('without names: the prompt shows the ids', async () => {
    const ada = await signIn('org_a', admins['ada']!, { names: false });
    const prompt = await launch('org_b', platform.launchToken('org_b', admins['bob']!, { names: false }), ada);
    expect(prompt.body).toContain('of <strong>org_a</strong> as <strong>usr_ada</strong>');
    expect(prompt.body).toContain('is for <strong>org_b</strong> as <strong>usr_bob</strong>');
  });

  it('names are text: HTML in them is escaped on the prompt', async () => {
    const ada = await signIn('org_a', admins['ada']!);
    const prompt = await launch(
      'org_b',
      minted({ orgId: 'org_b', userId: 'usr_bob', orgName: '<img src=x onerror=alert(1)>', userName: '"><script>x()</script>' }),
      ada,
    );
    expect(prompt.body).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(prompt.body).not.toMatch(/<img|<script>/);
  });

  it('a signed-out or ended session is no reason to ask: the launch opens the session at once', async () => {
    const ada = await signIn('org_a', admins['ada']!);
    await t.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: ada, origin: ORIGIN } });
    expect((await launch('org_b', platform.launchToken('org_b', admins['bob']!), ada)).statusCode).toBe(303);
  });

  it('a used Setup link is refused before asking', async () => {
    const token = platform.launchToken('org_b', admins['bob']!);
    expect((await launch('org_b', token)).statusCode).toBe(303);
    const ada = await signIn('org_a', admins['ada']!);
    const res = await launch('org_b', token, ada);
    expect(res.statusCode).toBe(401);
    expect(res.headers['x-error-code']).toBe('launch_already_used');
  });

  it.each([
    { name: 'another site’s Origin', origin: 'https://evil.example' },
    { name: 'no Origin', origin: undefined },
  ])('the switch POST with $name is refused (cross_site_request page), changing nothing and taking nothing', async ({ origin }) => {
    const ada = await signIn('org_a', admins['ada']!);
    const token = platform.launchToken('org_b', admins['bob']!);
    const res = await postSwitch('/settings/org_b/switch', `launch=${encodeURIComponent(token)}`, { cookie: ada, ...(origin ? { origin } : {}) });
    expect(res.statusCode).toBe(403);
    expect(res.headers['x-error-code']).toBe('cross_site_request');
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body).toContain('click Setup for the Slack integration again');
    expect(await reaches(ada, 'org_a')).toBe(200);
    // The token was not used up by the refused attempt.
    expect((await postSwitch('/settings/org_b/switch', `launch=${encodeURIComponent(token)}`, { cookie: ada, origin: ORIGIN })).statusCode).toBe(303);
  });

  it('the switch POST checks the token as the launch does, and refuses fields its form does not have', async () => {
    const ada = await signIn('org_a', admins['ada']!);
    const wrongOrg = await postSwitch('/settings/org_a/switch', `launch=${encodeURIComponent(platform.launchToken('org_b', admins['bob']!))}`, {
      cookie: ada,
      origin: ORIGIN,
    });
    expect(wrongOrg.headers['x-error-code']).toBe('launch_wrong_org');
    const extra = await postSwitch('/settings/org_b/switch', `launch=${encodeURIComponent(platform.launchToken('org_b', admins['bob']!))}&orgId=org_a`, {
      cookie: ada,
      origin: ORIGIN,
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.headers['x-error-code']).toBe('launch_invalid');
    expect(extra.body).toContain('The form sent fields it does not have: orgId.');
    const none = await postSwitch('/settings/org_b/switch', '', { cookie: ada, origin: ORIGIN });
    expect(none.headers['x-error-code']).toBe('launch_invalid');
    const json = await t.app.inject({
      method: 'POST',
      url: '/settings/org_b/switch',
      headers: { cookie: ada, origin: ORIGIN, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(json.statusCode).toBe(415);
    expect(json.headers['content-type']).toMatch(/^text\/html/);
    expect(await reaches(ada, 'org_a')).toBe(200);
  });
});
