// Slack emulator OAuth v2: the authorize page (Allow/Cancel), approveInstall, and oauth.v2.access
// code exchange — single use, 10-minute expiry, client auth, redirect_uri match, token rotation.
import { WebClient } from '@slack/web-api';
import type { WebAPIPlatformError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator } from '../../emulators/slack/index.ts';
import type { SlackEmulator, Team, User } from '../../emulators/slack/index.ts';

const CLIENT_ID = '111.222';
const CLIENT_SECRET = 'shh';
const REDIRECT = 'https://bridge.example/slack/oauth/callback';
let t = 1_764_075_600_000;
const now = (): number => t;
let emu: SlackEmulator;
let team: Team;
let admin: User;

function authorizeUrl(extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ client_id: CLIENT_ID, scope: 'chat:write,channels:read', redirect_uri: REDIRECT, state: 'st-1', ...extra });
  return `${emu.authorizeUrl}?${q}`;
}

function anonymous(): WebClient {
  return new WebClient(undefined, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
}

async function errorOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as WebAPIPlatformError).data.error;
  }
  return undefined;
}

async function start(tokenRotation = false): Promise<void> {
  emu = await startSlackEmulator({ signingSecret: 's', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, now, tokenRotation });
  team = emu.createTeam({ name: 'Acme', domain: 'acme' });
  admin = emu.createUser(team.id, { name: 'admin' });
}

beforeEach(async () => {
  t = 1_764_075_600_000;
  await start();
});

afterEach(async () => {
  await emu.close();
});

describe('authorize page', () => {
  it('lists workspaces; Allow redirects with code and state, Cancel with error=access_denied', async () => {
    const page = await fetch(authorizeUrl());
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Acme');
    expect(html).toContain('Allow');
    const form = new URLSearchParams(new URL(authorizeUrl()).searchParams);
    form.set('team_id', team.id);
    form.set(`user_id_${team.id}`, admin.id);
    form.set('decision', 'allow');
    const allow = await fetch(emu.authorizeUrl, {
      method: 'POST',
      body: form,
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(allow.status).toBe(302);
    const loc = new URL(allow.headers.get('location')!);
    expect(`${loc.origin}${loc.pathname}`).toBe(REDIRECT);
    expect(loc.searchParams.get('state')).toBe('st-1');
    expect(loc.searchParams.get('code')).toBeTruthy();
    form.set('decision', 'cancel');
    const cancel = await fetch(emu.authorizeUrl, {
      method: 'POST',
      body: form,
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(cancel.headers.get('location')).toBe(`${REDIRECT}?error=access_denied&state=st-1`);
  });

  it('shows an error page for an unknown client_id', async () => {
    const res = await fetch(authorizeUrl({ client_id: 'wrong' }));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('client_id');
  });
});

describe('oauth.v2.access', () => {
  it('exchanges a code once for a working bot token, with Slack’s response shape', async () => {
    const landing = new URL(emu.approveInstall(authorizeUrl(), { teamId: team.id, userId: admin.id }));
    const code = landing.searchParams.get('code')!;
    const res = await anonymous().oauth.v2.access({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code, redirect_uri: REDIRECT });
    expect(res).toMatchObject({
      ok: true,
      app_id: 'A0TBRIDGE1',
      authed_user: { id: admin.id },
      scope: 'channels:read,chat:write',
      token_type: 'bot',
      access_token: expect.stringMatching(/^xoxb-/),
      bot_user_id: expect.stringMatching(/^U/),
      team: { id: team.id, name: 'Acme' },
      enterprise: null,
      is_enterprise_install: false,
    });
    expect(res).not.toHaveProperty('refresh_token');
    const bot = new WebClient(res.access_token, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
    expect((await bot.auth.test()).team_id).toBe(team.id);
    expect(await errorOf(anonymous().oauth.v2.access({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code, redirect_uri: REDIRECT }))).toBe(
      'invalid_code',
    );
    expect(emu.calls({ method: 'oauth.v2.access' })[0]!.params).not.toHaveProperty('client_secret');
  });

  it('grants exactly the scopes asked for, plus those a still-live earlier install holds; a revoked one’s are gone', async () => {
    // Scopes come from the authorize URL, not from the app's manifest (DEFAULT_MANIFEST here asks for more).
    const exchange = async (scope: string): Promise<string> => {
      const code = new URL(emu.approveInstall(authorizeUrl({ scope }), { teamId: team.id, userId: admin.id })).searchParams.get('code')!;
      return String((await anonymous().oauth.v2.access({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code, redirect_uri: REDIRECT })).scope);
    };
    expect(await exchange('chat:write')).toBe('chat:write');
    // Slack adds newly granted scopes to the live token (bolt-python#969: "associates newly added scopes to your token").
    expect(await exchange('channels:join,channels:read')).toBe('channels:join,channels:read,chat:write');
    emu.uninstall(team.id);
    expect(await exchange('im:history')).toBe('im:history');
  });

  it('accepts HTTP Basic client auth', async () => {
    const code = new URL(emu.approveInstall(authorizeUrl(), { teamId: team.id, userId: admin.id })).searchParams.get('code')!;
    const res = await fetch(`${emu.apiUrl}oauth.v2.access`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
      },
      body: new URLSearchParams({ code, redirect_uri: REDIRECT }),
    });
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
  });

  it('rejects expired codes, bad secrets, unknown clients, mismatched redirect_uri and odd grant types', async () => {
    const fresh = (): string => new URL(emu.approveInstall(authorizeUrl(), { teamId: team.id, userId: admin.id })).searchParams.get('code')!;
    const code = fresh();
    expect(await errorOf(anonymous().oauth.v2.access({ client_id: CLIENT_ID, client_secret: 'bad', code }))).toBe('bad_client_secret');
    expect(await errorOf(anonymous().oauth.v2.access({ client_id: 'nope', client_secret: CLIENT_SECRET, code }))).toBe('invalid_client_id');
    expect(
      await errorOf(anonymous().oauth.v2.access({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code, redirect_uri: 'https://evil.example/cb' })),
    ).toBe('bad_redirect_uri');
    expect(
      await errorOf(anonymous().oauth.v2.access({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code, grant_type: 'password' as 'authorization_code' })),
    ).toBe('invalid_grant_type');
    const late = fresh();
    t += 10 * 60_000 + 1;
    expect(await errorOf(anonymous().oauth.v2.access({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: late, redirect_uri: REDIRECT }))).toBe(
      'invalid_code',
    );
  });

  it('with token rotation returns refresh_token/expires_in; expired tokens answer token_expired; refresh mints a new one', async () => {
    await emu.close();
    await start(true);
    const code = new URL(emu.approveInstall(authorizeUrl(), { teamId: team.id, userId: admin.id })).searchParams.get('code')!;
    const res = await anonymous().oauth.v2.access({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code, redirect_uri: REDIRECT });
    expect(res).toMatchObject({ access_token: expect.stringMatching(/^xoxe\.xoxb-/), refresh_token: expect.stringMatching(/^xoxe-/), expires_in: 43_200 });
    const bot = new WebClient(res.access_token, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
    t += 43_200_000;
    expect(await errorOf(bot.auth.test())).toBe('token_expired');
    const refreshed = await anonymous().oauth.v2.access({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_type: 'refresh_token',
      refresh_token: res.refresh_token!,
    });
    expect(refreshed.access_token).not.toBe(res.access_token);
    expect(refreshed.refresh_token).toBe(res.refresh_token);
    const bot2 = new WebClient(refreshed.access_token, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
    expect((await bot2.auth.test()).ok).toBe(true);
    expect(
      await errorOf(
        anonymous().oauth.v2.access({
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          grant_type: 'refresh_token',
          refresh_token: 'xoxe-1-nope',
        }),
      ),
    ).toBe('invalid_refresh_token');
  });
});

describe('control surface over HTTP', () => {
  it('seeds a workspace, installs, posts as a human, and reads state, calls and messages', async () => {
    const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(`${emu.url}/_emulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return (await res.json()) as Record<string, unknown>;
    };
    const tm = await post('teams', { name: 'Beta' });
    const u = await post('users', { teamId: tm['id'], name: 'bea' });
    const ch = await post('channels', { teamId: tm['id'], name: 'support', memberIds: [u['id']] });
    const ins = await post('install', { teamId: tm['id'] });
    expect(ins['botToken']).toMatch(/^xoxb-/);
    const sent = await post('messages', { teamId: tm['id'], channel: ch['id'], user: u['id'], text: 'help' });
    expect(sent['ts']).toMatch(/^\d+\.\d{6}$/);
    const msgs = await (await fetch(`${emu.url}/_emulator/channels/${String(ch['id'])}/messages`)).json();
    expect(msgs).toMatchObject([{ text: 'help', user: u['id'] }]);
    const st = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as { teams: Team[] };
    expect(st.teams.map((x: Team) => x.name)).toContain('Beta');
    await new WebClient(String(ins['botToken']), { slackApiUrl: emu.apiUrl }).auth.test();
    const calls = await (await fetch(`${emu.url}/_emulator/calls?method=auth.test&team=${String(tm['id'])}`)).json();
    expect(calls).toHaveLength(1);
    expect((await post('users', { name: 'no team' }))['ok']).toBe(false);
  });
});
