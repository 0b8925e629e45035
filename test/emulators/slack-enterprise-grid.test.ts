// Slack emulator Enterprise Grid: an organization with two workspaces, org-wide W… users, the
// org-wide install (OAuth and installOrg), per-workspace grants with team_access_granted/revoked
// and auth.teams.list, team_id where Slack requires it, events and interactions as an org-wide
// install receives them, per-workspace rate limits, the control routes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator } from '../../emulators/slack/index.ts';
import type { Channel, Enterprise, Installation, SlackEmulator, Team, User } from '../../emulators/slack/index.ts';
import type { TestReceiver } from '../../emulators/slack/test-receiver.ts';
import { payloadOf, SECRET, slackErrorCode, startSlackWorkspace, stopSlackWorkspace, T0, webClient } from './emulator-test-helpers.ts';

let t = T0;
const now = (): number => t;
let emu: SlackEmulator;
let rx: TestReceiver;
let acme: Team;
let globex: Enterprise;
let sales: Team;
let support: Team;
let gina: User;
let sam: User;
let deals: Channel;
let help: Channel;

type Envelope = Record<string, any> & { event: Record<string, any> };
const envelopes = (): Envelope[] => rx.requests.filter((r) => r.path === '/slack/events').map((r) => r.json() as Envelope);
const eventsOfType = (type: string): Envelope[] => envelopes().filter((e) => e.event['type'] === type);

beforeEach(async () => {
  t = T0;
  ({ rx, emu, team: acme } = await startSlackWorkspace({ now, eventsPath: '/slack/events', interactivityPath: '/slack/interactions' }));
  globex = emu.createEnterprise({ name: 'Globex' });
  sales = emu.createTeam({ name: 'Globex Sales', enterpriseId: globex.id });
  support = emu.createTeam({ name: 'Globex Support', enterpriseId: globex.id });
  gina = emu.createUser(sales.id, { name: 'gina', email: 'gina@globex.example' });
  sam = emu.createUser(support.id, { name: 'sam', email: 'sam@globex.example' });
  deals = emu.createChannel(sales.id, { name: 'deals', memberIds: [gina.id] });
  help = emu.createChannel(support.id, { name: 'help', memberIds: [sam.id] });
});

afterEach(() => stopSlackWorkspace({ emu, rx }));

/** The org-wide install with both workspaces granted, its bot in #help, and the deliveries so far forgotten. */
async function orgInstalledWithBothWorkspaces(): Promise<Installation> {
  const org = emu.installOrg(globex.id);
  emu.grantTeamAccess(globex.id, [sales.id, support.id]);
  emu.addToChannel(help.id, org.botUserId);
  emu.addToChannel(deals.id, org.botUserId);
  await emu.idle();
  rx.requests.length = 0;
  return org;
}

describe('an Enterprise Grid organization', () => {
  it('gives people of its workspaces org-wide W… ids; addUserToTeam puts one in a second workspace, listed in both', async () => {
    expect(globex).toEqual({ id: expect.stringMatching(/^E[A-Z0-9]+$/), name: 'Globex', domain: 'globex' });
    expect(sales.enterpriseId).toBe(globex.id);
    expect(gina.id).toMatch(/^W[A-Z0-9]+$/);
    expect(emu.createUser(acme.id, { name: 'standalone' }).id).toMatch(/^U/);

    const org = emu.installOrg(globex.id);
    emu.grantTeamAccess(globex.id, [sales.id, support.id]);
    await emu.idle();
    rx.requests.length = 0;
    emu.addUserToTeam(gina.id, support.id);
    await emu.idle();
    // team_join in the workspace she joined, to the org-wide install that was granted it.
    expect(eventsOfType('team_join')).toEqual([
      expect.objectContaining({ team_id: support.id, event: expect.objectContaining({ user: expect.objectContaining({ id: gina.id }) }) }),
    ]);

    const bot = webClient(emu, org.botToken);
    const people = async (teamId: string) =>
      ((await bot.users.list({ team_id: teamId })).members as { id: string; is_bot: boolean }[])
        .filter((m) => !m.is_bot)
        .map((m) => m.id)
        .sort();
    expect(await people(sales.id)).toEqual([gina.id]);
    expect(await people(support.id)).toEqual([gina.id, sam.id].sort());
    // The org-wide app's bot user is listed in the workspaces it was added to.
    const supportMembers = (await bot.users.list({ team_id: support.id })).members as { id: string }[];
    expect(supportMembers.map((m) => m.id)).toContain(org.botUserId);

    expect(() => emu.addUserToTeam(emu.createUser(acme.id, { name: 'outsider' }).id, sales.id)).toThrow('is not an Enterprise Grid user');
    const initech = emu.createEnterprise({ name: 'Initech' });
    const other = emu.createTeam({ name: 'Initech HQ', enterpriseId: initech.id });
    expect(() => emu.addUserToTeam(gina.id, other.id)).toThrow(`is not a workspace of ${globex.id}`);
    expect(() => emu.createTeam({ name: 'Nowhere', enterpriseId: 'E0NOPE0000' })).toThrow('unknown enterprise E0NOPE0000');
  });
});

describe('the org-wide install', () => {
  function authorizeUrl(): string {
    const q = new URLSearchParams({ client_id: '1.2', scope: 'chat:write,channels:read,users:read', redirect_uri: 'https://bridge.example/cb', state: 'st' });
    return `${emu.authorizeUrl}?${q}`;
  }

  it('the authorize page offers the organization; Allow there installs org-wide and oauth.v2.access answers team null and the enterprise', async () => {
    const html = await (await fetch(authorizeUrl())).text();
    expect(html).toContain('Globex (the whole organization: org-wide install)');
    const form = new URLSearchParams(new URL(authorizeUrl()).searchParams);
    form.set('team_id', globex.id);
    form.set(`user_id_${globex.id}`, sam.id);
    form.set('decision', 'allow');
    const allow = await fetch(emu.authorizeUrl, {
      method: 'POST',
      body: form,
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(allow.status).toBe(302);
    const code = new URL(allow.headers.get('location')!).searchParams.get('code')!;
    const anon = webClient(emu, '');
    const access = await anon.oauth.v2.access({ client_id: '1.2', client_secret: 'sec', code, redirect_uri: 'https://bridge.example/cb' });
    expect(access).toMatchObject({
      ok: true,
      token_type: 'bot',
      access_token: expect.stringMatching(/^xoxb-/),
      bot_user_id: expect.stringMatching(/^W/),
      authed_user: { id: sam.id },
      team: null,
      enterprise: { id: globex.id, name: 'Globex' },
      is_enterprise_install: true,
    });
    const test = await webClient(emu, String(access.access_token)).auth.test();
    expect(test).toMatchObject({
      ok: true,
      team_id: globex.id,
      enterprise_id: globex.id,
      team: 'Globex',
      user_id: access.bot_user_id,
      is_enterprise_install: true,
    });
    // No workspace yet: the admin still has to add the app to workspaces.
    expect((await webClient(emu, String(access.access_token)).auth.teams.list()).teams).toEqual([]);
  });

  it('approveInstall({ enterpriseId, userId }) installs org-wide; a person of another organization cannot', async () => {
    const location = emu.approveInstall(authorizeUrl(), { enterpriseId: globex.id, userId: gina.id });
    expect(new URL(location).searchParams.get('code')).toBeTruthy();
    expect(() => emu.approveInstall(authorizeUrl(), { enterpriseId: globex.id, userId: emu.createUser(acme.id, { name: 'x' }).id })).toThrow(
      `cannot install on ${globex.id}`,
    );
  });

  it('rotates an org-wide token like a workspace one, and the refreshed token still belongs to the organization', async () => {
    const rot = await startSlackEmulator({ signingSecret: SECRET, clientId: '1.2', clientSecret: 'sec', now, tokenRotation: true });
    try {
      const org = rot.createEnterprise({ name: 'Globex' });
      const ws = rot.createTeam({ name: 'Globex Sales', enterpriseId: org.id });
      rot.createUser(ws.id, { name: 'gina' });
      const inst = rot.installOrg(org.id);
      expect(inst).toMatchObject({ teamId: org.id, enterpriseId: org.id, isEnterpriseInstall: true, grantedTeamIds: [], refreshToken: expect.any(String) });
      const refreshed = await webClient(rot, '').oauth.v2.access({
        client_id: '1.2',
        client_secret: 'sec',
        grant_type: 'refresh_token',
        refresh_token: inst.refreshToken!,
      });
      expect(refreshed).toMatchObject({ team: null, enterprise: { id: org.id, name: 'Globex' }, is_enterprise_install: true, expires_in: 43_200 });
      expect(await webClient(rot, String(refreshed.access_token)).auth.test()).toMatchObject({ team_id: org.id, is_enterprise_install: true });
    } finally {
      await rot.close();
    }
  });

  it('refuses an org-wide install of an app whose manifest is not org-ready', async () => {
    const plain = await startSlackEmulator({
      signingSecret: SECRET,
      clientId: '1.2',
      clientSecret: 'sec',
      now,
      manifest: { oauth_config: { scopes: { bot: ['chat:write'] } } },
    });
    try {
      const org = plain.createEnterprise({ name: 'Globex' });
      plain.createUser(plain.createTeam({ name: 'Sales', enterpriseId: org.id }).id, { name: 'gina' });
      expect(() => plain.installOrg(org.id)).toThrow('settings.org_deploy_enabled is not true');
      // Nor does its authorize page offer the organization.
      const q = new URLSearchParams({ client_id: '1.2', scope: 'chat:write', redirect_uri: 'https://bridge.example/cb' });
      expect(await (await fetch(`${plain.authorizeUrl}?${q}`)).text()).not.toContain('org-wide install');
    } finally {
      await plain.close();
    }
  });

  it('uninstalling it sends tokens_revoked and app_uninstalled for the organization, and its token answers token_revoked', async () => {
    const org = await orgInstalledWithBothWorkspaces();
    emu.uninstall(globex.id);
    await emu.idle();
    expect(envelopes().map((e) => e.event['type'])).toEqual(['tokens_revoked', 'app_uninstalled']);
    for (const e of envelopes()) {
      expect(e).toMatchObject({
        team_id: null,
        enterprise_id: globex.id,
        context_team_id: null,
        context_enterprise_id: globex.id,
        authorizations: [{ enterprise_id: globex.id, team_id: null, user_id: org.botUserId, is_bot: true, is_enterprise_install: true }],
      });
    }
    expect(await slackErrorCode(webClient(emu, org.botToken).auth.test())).toBe('token_revoked');
  });
});

describe('workspace grants', () => {
  it('an org token reaches no workspace until granted: team_id is required, ungranted workspaces and their channels do not exist for it', async () => {
    const org = emu.installOrg(globex.id);
    const bot = webClient(emu, org.botToken);
    expect(await slackErrorCode(bot.conversations.list())).toBe('missing_argument');
    expect(await slackErrorCode(bot.users.list({}))).toBe('missing_argument');
    expect(await slackErrorCode(bot.conversations.list({ team_id: sales.id }))).toBe('team_access_not_granted');
    expect(await slackErrorCode(bot.conversations.list({ team_id: acme.id }))).toBe('team_access_not_granted');
    expect(await slackErrorCode(bot.conversations.info({ channel: deals.id }))).toBe('channel_not_found');
    expect(await slackErrorCode(bot.chat.postMessage({ channel: deals.id, text: 'hi' }))).toBe('channel_not_found');
    expect(await slackErrorCode(bot.users.info({ user: gina.id }))).toBe('user_not_found');
    // Nothing that happens in an ungranted workspace reaches the app.
    await emu.postAsUser({ teamId: sales.id, channel: deals.id, user: gina.id, text: 'unheard' });
    emu.createChannel(sales.id, { name: 'unseen' });
    await emu.idle();
    expect(envelopes()).toEqual([]);
    await expect(emu.clickButton({ teamId: sales.id, userId: gina.id, channel: deals.id, messageTs: '1.0', actionId: 'x' })).rejects.toThrow(
      `installed org-wide on ${globex.id} but not granted ${sales.id}`,
    );
  });

  it('grantTeamAccess sends team_access_granted to the org install; auth.teams.list lists the granted workspaces page by page', async () => {
    const org = emu.installOrg(globex.id);
    emu.grantTeamAccess(globex.id, [sales.id, support.id]);
    // Granting a workspace again changes nothing and sends nothing.
    emu.grantTeamAccess(globex.id, [sales.id]);
    await emu.idle();
    const granted = eventsOfType('team_access_granted');
    expect(granted).toHaveLength(1);
    expect(granted[0]).toMatchObject({
      team_id: null,
      enterprise_id: globex.id,
      authorizations: [{ enterprise_id: globex.id, team_id: null, user_id: org.botUserId, is_bot: true, is_enterprise_install: true }],
      event: { type: 'team_access_granted', team_ids: [sales.id, support.id], event_ts: expect.any(String) },
    });

    const bot = webClient(emu, org.botToken);
    const first = await bot.auth.teams.list({ limit: 1 });
    const second = await bot.auth.teams.list({ limit: 1, cursor: first.response_metadata!.next_cursor! });
    const expected = [
      { id: sales.id, name: 'Globex Sales' },
      { id: support.id, name: 'Globex Support' },
    ].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect([...first.teams!, ...second.teams!]).toEqual(expected);
    expect(second.response_metadata?.next_cursor).toBe('');

    const inSupport = await bot.conversations.list({ team_id: support.id });
    expect((inSupport.channels as { id: string; context_team_id: string }[]).map((c) => [c.id, c.context_team_id])).toEqual([[help.id, support.id]]);
    expect((await bot.users.info({ user: sam.id })).user).toMatchObject({ id: sam.id, team_id: support.id });
    expect((await bot.users.lookupByEmail({ email: 'gina@globex.example' })).user).toMatchObject({ id: gina.id });
    expect(() => emu.grantTeamAccess(globex.id, [acme.id])).toThrow(`team ${acme.id} is not a workspace of ${globex.id}`);
  });

  it('revokeTeamAccess sends team_access_revoked; the workspace is out of reach again', async () => {
    const org = await orgInstalledWithBothWorkspaces();
    emu.revokeTeamAccess(globex.id, [support.id]);
    await emu.idle();
    expect(eventsOfType('team_access_revoked')).toEqual([expect.objectContaining({ event: expect.objectContaining({ team_ids: [support.id] }) })]);
    const bot = webClient(emu, org.botToken);
    expect(await slackErrorCode(bot.users.list({ team_id: support.id }))).toBe('team_access_not_granted');
    expect(await slackErrorCode(bot.conversations.info({ channel: help.id }))).toBe('channel_not_found');
    expect(await slackErrorCode(bot.users.info({ user: sam.id }))).toBe('user_not_found');
    expect((await bot.auth.teams.list()).teams).toEqual([{ id: sales.id, name: 'Globex Sales' }]);
    rx.requests.length = 0;
    await emu.postAsUser({ teamId: support.id, channel: help.id, user: sam.id, text: 'no one hears' });
    await emu.idle();
    expect(envelopes()).toEqual([]);
  });
});

describe('events and calls of an org-wide install', () => {
  it('a message in the second workspace reaches it with the workspace as team_id and the org install in authorizations', async () => {
    const org = await orgInstalledWithBothWorkspaces();
    const ts = await emu.postAsUser({ teamId: support.id, channel: help.id, user: sam.id, text: 'hello from support' });
    await emu.idle();
    const [msg] = eventsOfType('message');
    expect(msg).toMatchObject({
      team_id: support.id,
      enterprise_id: globex.id,
      context_team_id: support.id,
      context_enterprise_id: globex.id,
      is_ext_shared_channel: false,
      authorizations: [{ enterprise_id: globex.id, team_id: null, user_id: org.botUserId, is_bot: true, is_enterprise_install: true }],
      event: { type: 'message', channel: help.id, user: sam.id, ts, team: support.id, text: 'hello from support' },
    });
    expect(msg!.event['user_team']).toBeUndefined();

    // The app answers in the thread with the org token; the reply is the workspace's message.
    const bot = webClient(emu, org.botToken);
    const reply = await bot.chat.postMessage({ channel: help.id, thread_ts: ts, text: 'on it' });
    expect(reply.message).toMatchObject({ team: support.id, thread_ts: ts, user: org.botUserId });
    // A #name needs the workspace: the channel name is only unique within one.
    expect(await slackErrorCode(bot.chat.postMessage({ channel: '#help', text: 'x' }))).toBe('missing_argument');
    expect((await bot.chat.postMessage({ channel: '#help', team_id: support.id, text: 'x' } as never)).channel).toBe(help.id);
  });

  it('a workspace install on a Grid workspace names the organization but is not an enterprise install', async () => {
    const ws = emu.install(sales.id);
    emu.addToChannel(deals.id, ws.botUserId);
    await emu.idle();
    rx.requests.length = 0;
    await emu.postAsUser({ teamId: sales.id, channel: deals.id, user: gina.id, text: 'hi' });
    await emu.idle();
    expect(eventsOfType('message')[0]).toMatchObject({
      team_id: sales.id,
      enterprise_id: globex.id,
      authorizations: [{ enterprise_id: globex.id, team_id: sales.id, user_id: ws.botUserId, is_enterprise_install: false }],
    });
    expect(await webClient(emu, ws.botToken).auth.test()).toMatchObject({ team_id: sales.id, enterprise_id: globex.id, is_enterprise_install: false });
    // A workspace token ignores team_id (docs: "ignored if the API call is sent using a workspace-level token").
    const listed = await webClient(emu, ws.botToken).conversations.list({ team_id: support.id });
    expect((listed.channels as { id: string }[]).map((c) => c.id)).toEqual([deals.id]);
  });

  it('counts rate limits per workspace: a Tier 2 method exhausted in one workspace still answers in the other', async () => {
    const org = await orgInstalledWithBothWorkspaces();
    const bot = webClient(emu, org.botToken);
    for (let i = 0; i < 20; i++) await bot.conversations.list({ team_id: sales.id });
    await expect(bot.conversations.list({ team_id: sales.id })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 60 });
    expect((await bot.conversations.list({ team_id: support.id })).ok).toBe(true);
  });
});

describe('the app’s DM and App Home in a granted workspace', () => {
  it('conversations.open with an org token opens the DM in the person’s workspace; their message and App Home reach the org install', async () => {
    const org = await orgInstalledWithBothWorkspaces();
    const bot = webClient(emu, org.botToken);
    const dm = (await bot.conversations.open({ users: sam.id })).channel!.id!;
    await bot.chat.postMessage({ channel: dm, text: 'hello sam' });
    await emu.postAsUser({ teamId: support.id, channel: dm, user: sam.id, text: 'hi app' });
    const home = emu.openAppHome({ teamId: support.id, userId: sam.id });
    expect(home.channel).toBe(dm);
    await emu.idle();
    const im = eventsOfType('message').filter((e) => e.event['channel_type'] === 'im' && e.event['user'] === sam.id);
    expect(im).toEqual([
      expect.objectContaining({
        team_id: support.id,
        authorizations: [expect.objectContaining({ team_id: null, is_enterprise_install: true })],
        event: expect.objectContaining({ channel: dm, text: 'hi app' }),
      }),
    ]);
    expect(eventsOfType('app_home_opened')).toEqual([
      expect.objectContaining({ team_id: support.id, event: expect.objectContaining({ user: sam.id, channel: dm }) }),
    ]);
  });
});

describe('interactions with an org-wide install', () => {
  it('a button click in the second workspace has team null, the enterprise and user.team_id', async () => {
    const org = await orgInstalledWithBothWorkspaces();
    const bot = webClient(emu, org.botToken);
    const posted = await bot.chat.postMessage({
      channel: help.id,
      text: 'chat waiting',
      blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'join', text: { type: 'plain_text', text: 'Join' }, value: 'c1' }] }],
    });
    await emu.clickButton({ teamId: support.id, userId: sam.id, channel: help.id, messageTs: posted.ts!, actionId: 'join' });
    const p = payloadOf(rx.requests.find((r) => r.path === '/slack/interactions')!);
    expect(p).toMatchObject({
      type: 'block_actions',
      team: null,
      enterprise: { id: globex.id, name: 'Globex' },
      is_enterprise_install: true,
      user: { id: sam.id, username: 'sam', name: 'sam', team_id: support.id },
      channel: { id: help.id },
    });
  });

  it('a shortcut’s modal carries view.app_installed_team_id = the workspace, and so does its submission', async () => {
    const org = await orgInstalledWithBothWorkspaces();
    emu.addUserToTeam(gina.id, support.id);
    await emu.globalShortcut({ teamId: support.id, userId: gina.id, callbackId: 'new_chat' });
    const shortcut = payloadOf(rx.requests.filter((r) => r.path === '/slack/interactions').at(-1)!);
    expect(shortcut).toMatchObject({ type: 'shortcut', team: null, is_enterprise_install: true, user: { id: gina.id, team_id: support.id } });
    const view = {
      type: 'modal',
      callback_id: 'note',
      title: { type: 'plain_text', text: 'Note' },
      submit: { type: 'plain_text', text: 'Save' },
      blocks: [{ type: 'input', block_id: 'b', label: { type: 'plain_text', text: 'Text' }, element: { type: 'plain_text_input', action_id: 'a' } }],
    };
    const opened = await webClient(emu, org.botToken).views.open({ trigger_id: shortcut['trigger_id'], view: view as never });
    expect(opened.view).toMatchObject({ team_id: support.id, app_installed_team_id: support.id, bot_id: org.botId });
    await emu.submitView({ teamId: support.id, userId: gina.id, viewId: opened.view!.id!, values: { b: { a: 'hello' } } });
    const submission = payloadOf(rx.requests.filter((r) => r.path === '/slack/interactions').at(-1)!);
    expect(submission).toMatchObject({
      type: 'view_submission',
      team: null,
      enterprise: { id: globex.id },
      is_enterprise_install: true,
      user: { id: gina.id, team_id: support.id },
      view: { app_installed_team_id: support.id, state: { values: { b: { a: { value: 'hello' } } } } },
    });
  });
});

describe('control routes', () => {
  async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, any> }> {
    const res = await fetch(`${emu.url}/_emulator${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  }

  it('create an organization and its workspaces, install org-wide, grant, revoke, move a person; bad input is a 400 naming the problem', async () => {
    const org = await post('/enterprises', { name: 'Initech', id: 'E0INITECH1' });
    expect(org).toEqual({ status: 200, json: { id: 'E0INITECH1', name: 'Initech', domain: 'initech' } });
    const hq = await post('/teams', { name: 'Initech HQ', enterpriseId: 'E0INITECH1' });
    expect(hq.json).toMatchObject({ name: 'Initech HQ', enterpriseId: 'E0INITECH1' });
    const lab = (await post('/teams', { name: 'Initech Lab', enterpriseId: 'E0INITECH1' })).json;
    const peter = (await post('/users', { teamId: hq.json['id'], name: 'peter' })).json;
    expect(peter['id']).toMatch(/^W/);
    const inst = await post('/enterprises/E0INITECH1/install', { scopes: ['chat:write', 'users:read'] });
    expect(inst.json).toMatchObject({
      teamId: 'E0INITECH1',
      enterpriseId: 'E0INITECH1',
      isEnterpriseInstall: true,
      grantedTeamIds: [],
      installerUserId: peter['id'],
    });
    expect((await post('/enterprises/E0INITECH1/grants', { teamIds: [hq.json['id'], lab['id']] })).json['grantedTeamIds']).toEqual([hq.json['id'], lab['id']]);
    expect((await post('/enterprises/E0INITECH1/grants/revoke', { teamIds: [lab['id']] })).json['grantedTeamIds']).toEqual([hq.json['id']]);
    expect((await post(`/users/${peter['id']}/teams`, { teamId: lab['id'] })).json['teamIds']).toEqual([hq.json['id'], lab['id']]);
    const state = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as { enterprises: unknown[] };
    expect(state.enterprises).toContainEqual({ id: 'E0INITECH1', name: 'Initech', domain: 'initech' });
    const q = new URLSearchParams({ client_id: '1.2', scope: 'chat:write', redirect_uri: 'https://bridge.example/cb' });
    const approved = await post('/approve-install', { authorizeUrl: `${emu.authorizeUrl}?${q}`, enterpriseId: 'E0INITECH1', userId: peter['id'] });
    expect(approved.json['location']).toContain('code=');

    expect(await post('/enterprises', { name: 'X', colour: 'red' })).toEqual({
      status: 400,
      json: { ok: false, error: 'unknown field "colour" (expected: name, id, domain)' },
    });
    expect(await post('/enterprises', {})).toEqual({ status: 400, json: { ok: false, error: '"name" (string) is required' } });
    expect(await post('/enterprises', { name: 'Bad', id: 'T123' })).toMatchObject({
      status: 400,
      json: { error: expect.stringContaining('enterprise id must look like E') },
    });
    expect(await post('/enterprises/E0INITECH1/grants', { teamIds: [] })).toMatchObject({
      status: 400,
      json: { error: '"teamIds" (non-empty array of ids) is required' },
    });
    expect(await post('/enterprises/E0INITECH1/grants', { teamIds: [acme.id] })).toMatchObject({
      status: 400,
      json: { error: `team ${acme.id} is not a workspace of E0INITECH1` },
    });
    expect(await post(`/enterprises/${globex.id}/grants`, { teamIds: [sales.id] })).toMatchObject({
      status: 400,
      json: { error: `app is not installed org-wide on ${globex.id}` },
    });
    expect(await post('/enterprises/E0NOPE0000/install', {})).toMatchObject({ status: 400, json: { error: 'unknown enterprise E0NOPE0000' } });
    expect(await post(`/users/${peter['id']}/teams`, { teamId: sales.id })).toMatchObject({
      status: 400,
      json: { error: `team ${sales.id} is not a workspace of E0INITECH1, the organization of ${peter['id']}` },
    });
    expect(
      await post('/approve-install', { authorizeUrl: `${emu.authorizeUrl}?${q}`, enterpriseId: 'E0INITECH1', teamId: acme.id, userId: peter['id'] }),
    ).toMatchObject({
      status: 400,
      json: { error: 'give "teamId" (a workspace install) or "enterpriseId" (org-wide), not both' },
    });
  });
});
