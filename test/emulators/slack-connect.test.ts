// Slack emulator Slack Connect: a channel shared with another company's workspace (channel_shared,
// is_shared/is_ext_shared/shared_team_ids), that company's people added and posting, their
// messages' user_team/source_team and the envelope's is_ext_shared_channel, for a workspace install
// and for an org-wide one; what is refused, directly and over the control routes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel, Installation, SlackEmulator, Team, User } from '../../emulators/slack/index.ts';
import type { TestReceiver } from '../../emulators/slack/test-receiver.ts';
import { slackErrorCode, startSlackWorkspace, stopSlackWorkspace, T0, webClient } from './emulator-test-helpers.ts';

let t = T0;
const now = (): number => t;
let emu: SlackEmulator;
let rx: TestReceiver;
let acme: Team;
let alice: User;
let partner: Team;
let pat: User;
let deals: Channel;
let inst: Installation;

type Envelope = Record<string, any> & { event: Record<string, any> };
const envelopes = (): Envelope[] => rx.requests.filter((r) => r.path === '/slack/events').map((r) => r.json() as Envelope);
const eventsOfType = (type: string): Envelope[] => envelopes().filter((e) => e.event['type'] === type);

beforeEach(async () => {
  t = T0;
  ({ rx, emu, team: acme, alice } = await startSlackWorkspace({ now, eventsPath: '/slack/events' }));
  // The other company: an ordinary workspace of its own, without the app.
  partner = emu.createTeam({ name: 'Partner Co', domain: 'partner' });
  pat = emu.createUser(partner.id, { name: 'pat', email: 'pat@partner.example' });
  inst = emu.install(acme.id);
  deals = emu.createChannel(acme.id, { name: 'deals', memberIds: [alice.id, inst.botUserId] });
  await emu.idle();
  rx.requests.length = 0;
});

afterEach(() => stopSlackWorkspace({ emu, rx }));

describe('sharing a channel with another company', () => {
  it('sends channel_shared with the connected team, and conversations.info/list show the channel as externally shared', async () => {
    emu.shareChannel(deals.id, partner.id);
    await emu.idle();
    const [shared] = eventsOfType('channel_shared');
    expect(shared).toMatchObject({
      team_id: acme.id,
      is_ext_shared_channel: true,
      event: { type: 'channel_shared', connected_team_id: partner.id, channel: deals.id, event_ts: expect.any(String) },
    });
    const bot = webClient(emu, inst.botToken);
    const info = (await bot.conversations.info({ channel: deals.id })).channel;
    expect(info).toMatchObject({
      is_shared: true,
      is_ext_shared: true,
      is_org_shared: false,
      shared_team_ids: [acme.id, partner.id],
      conversation_host_id: acme.id,
      context_team_id: acme.id,
    });
    const listed = (await bot.conversations.list()).channels as { id: string; is_ext_shared: boolean }[];
    expect(listed.find((c) => c.id === deals.id)?.is_ext_shared).toBe(true);
    // Sharing it again changes nothing and sends nothing.
    emu.shareChannel(deals.id, partner.id);
    await emu.idle();
    expect(eventsOfType('channel_shared')).toHaveLength(1);
  });

  it('leaves channels that are not shared as they were: not shared, only their own workspace, no user_team', async () => {
    const quiet = emu.createChannel(acme.id, { name: 'quiet', memberIds: [alice.id, inst.botUserId] });
    const info = (await webClient(emu, inst.botToken).conversations.info({ channel: quiet.id })).channel as Record<string, unknown>;
    expect(info).toMatchObject({ is_shared: false, is_ext_shared: false, shared_team_ids: [acme.id] });
    expect(info['conversation_host_id']).toBeUndefined();
    await emu.postAsUser({ teamId: acme.id, channel: quiet.id, user: alice.id, text: 'inside' });
    await emu.idle();
    const msg = eventsOfType('message').at(-1)!;
    expect(msg.is_ext_shared_channel).toBe(false);
    expect(msg.event['user_team']).toBeUndefined();
    expect(msg.event['source_team']).toBeUndefined();
  });

  it('a person of the other company, once added, posts: the event names their team as user_team and source_team', async () => {
    emu.shareChannel(deals.id, partner.id);
    // Not in the channel yet: they cannot post in it.
    await expect(emu.postAsUser({ teamId: partner.id, channel: deals.id, user: pat.id, text: 'early' })).rejects.toThrow(
      `${pat.id} of ${partner.id} is not a member of the shared channel ${deals.id}`,
    );
    emu.addToChannel(deals.id, pat.id, alice.id);
    await emu.idle();
    expect(eventsOfType('member_joined_channel').at(-1)).toMatchObject({
      is_ext_shared_channel: true,
      event: { user: pat.id, channel: deals.id, inviter: alice.id },
    });
    expect(emu.messages(deals.id).at(-1)).toMatchObject({ subtype: 'channel_join', user: pat.id, user_team: partner.id, source_team: partner.id });
    rx.requests.length = 0;

    const ts = await emu.postAsUser({ teamId: partner.id, channel: deals.id, user: pat.id, text: 'can I answer here?' });
    await emu.idle();
    const [msg] = eventsOfType('message');
    expect(msg).toMatchObject({
      team_id: acme.id,
      is_ext_shared_channel: true,
      authorizations: [{ enterprise_id: null, team_id: acme.id, user_id: inst.botUserId, is_enterprise_install: false }],
      event: { type: 'message', channel: deals.id, user: pat.id, ts, team: partner.id, user_team: partner.id, source_team: partner.id },
    });
    // People of the host workspace carry their own team in a shared channel too.
    await emu.postAsUser({ teamId: acme.id, channel: deals.id, user: alice.id, text: 'yes', threadTs: ts });
    await emu.idle();
    expect(eventsOfType('message').at(-1)!.event).toMatchObject({ user: alice.id, user_team: acme.id, source_team: acme.id, thread_ts: ts });

    // The app's own messages there name the host workspace.
    const reply = await webClient(emu, inst.botToken).chat.postMessage({ channel: deals.id, thread_ts: ts, text: 'welcome' });
    expect(reply.message).toMatchObject({ user_team: acme.id, source_team: acme.id });

    // The app can look the external person up (they share a channel with it); history shows their team.
    const bot = webClient(emu, inst.botToken);
    expect((await bot.users.info({ user: pat.id })).user).toMatchObject({ id: pat.id, team_id: partner.id });
    const history = (await bot.conversations.history({ channel: deals.id })).messages as Record<string, unknown>[];
    expect(history.find((m) => m['ts'] === ts)).toMatchObject({ user: pat.id, user_team: partner.id });
  });

  it('the app cannot look up people of another company who share no channel with it', async () => {
    expect(await slackErrorCode(webClient(emu, inst.botToken).users.info({ user: pat.id }))).toBe('user_not_found');
    expect(await slackErrorCode(webClient(emu, inst.botToken).users.lookupByEmail({ email: 'pat@partner.example' }))).toBe('users_not_found');
  });

  it('refuses what Slack Connect does not allow: strangers, the host itself, a workspace of the same organization, unknown teams', async () => {
    const stranger = emu.createUser(emu.createTeam({ name: 'Elsewhere' }).id, { name: 'sy' });
    expect(() => emu.addToChannel(deals.id, stranger.id)).toThrow(`unknown user ${stranger.id} in ${acme.id}`);
    expect(() => emu.shareChannel(deals.id, acme.id)).toThrow(`channel ${deals.id} is already in ${acme.id}`);
    expect(() => emu.shareChannel(deals.id, 'T0NOPE0000')).toThrow('unknown team T0NOPE0000');
    expect(() => emu.shareChannel('C0NOPE0000', partner.id)).toThrow('unknown channel C0NOPE0000');
    const org = emu.createEnterprise({ name: 'Globex' });
    const sales = emu.createTeam({ name: 'Sales', enterpriseId: org.id });
    const support = emu.createTeam({ name: 'Support', enterpriseId: org.id });
    const inSales = emu.createChannel(sales.id, { name: 'deals' });
    expect(() => emu.shareChannel(inSales.id, support.id)).toThrow('that is an org-shared channel, not Slack Connect');
    // A person posting in a channel of a workspace that is neither theirs nor shared with it.
    await expect(emu.postAsUser({ teamId: partner.id, channel: inSales.id, user: pat.id, text: 'x' })).rejects.toThrow(
      `channel ${inSales.id} is not in ${partner.id}`,
    );
  });
});

describe('Slack Connect with an org-wide install', () => {
  it('a Grid workspace’s channel shared with another company: the org install hears the partner with is_ext_shared_channel', async () => {
    const globex = emu.createEnterprise({ name: 'Globex' });
    const sales = emu.createTeam({ name: 'Globex Sales', enterpriseId: globex.id });
    const gina = emu.createUser(sales.id, { name: 'gina' });
    const org = emu.installOrg(globex.id);
    emu.grantTeamAccess(globex.id, [sales.id]);
    const shared = emu.createChannel(sales.id, { name: 'partners', memberIds: [gina.id, org.botUserId] });
    emu.shareChannel(shared.id, partner.id);
    emu.addToChannel(shared.id, pat.id);
    await emu.idle();
    expect(eventsOfType('channel_shared').at(-1)).toMatchObject({ team_id: sales.id, enterprise_id: globex.id, event: { connected_team_id: partner.id } });
    rx.requests.length = 0;
    await emu.postAsUser({ teamId: partner.id, channel: shared.id, user: pat.id, text: 'hello from outside' });
    await emu.idle();
    expect(eventsOfType('message')[0]).toMatchObject({
      team_id: sales.id,
      enterprise_id: globex.id,
      is_ext_shared_channel: true,
      authorizations: [{ enterprise_id: globex.id, team_id: null, is_enterprise_install: true }],
      event: { user: pat.id, user_team: partner.id, source_team: partner.id },
    });
    const info = (await webClient(emu, org.botToken).conversations.info({ channel: shared.id })).channel;
    expect(info).toMatchObject({ is_ext_shared: true, shared_team_ids: [sales.id, partner.id] });
  });

  it('a partner of another Grid organization is named by its enterprise id in channel_shared (the channel_shared page: the id "may start with E")', async () => {
    const initech = emu.createEnterprise({ name: 'Initech' });
    const hq = emu.createTeam({ name: 'Initech HQ', enterpriseId: initech.id });
    emu.shareChannel(deals.id, hq.id);
    await emu.idle();
    expect(eventsOfType('channel_shared').at(-1)!.event).toMatchObject({ connected_team_id: initech.id, channel: deals.id });
  });
});

describe('control routes', () => {
  async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, any> }> {
    const res = await fetch(`${emu.url}/_emulator${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  }

  it('shares a channel, adds the partner and posts as them; bad input is a 400 naming the problem', async () => {
    const shared = await post(`/channels/${deals.id}/share`, { teamId: partner.id });
    expect(shared).toMatchObject({ status: 200, json: { id: deals.id, sharedTeamIds: [partner.id] } });
    expect(await post(`/channels/${deals.id}/members`, { userId: pat.id })).toEqual({ status: 200, json: { ok: true } });
    const posted = await post('/messages', { teamId: partner.id, channel: deals.id, user: pat.id, text: 'hi' });
    expect(posted.json).toMatchObject({ ok: true, ts: expect.any(String) });
    expect(emu.messages(deals.id).at(-1)).toMatchObject({ user: pat.id, user_team: partner.id, source_team: partner.id, team: partner.id });

    expect(await post(`/channels/${deals.id}/share`, {})).toEqual({ status: 400, json: { ok: false, error: '"teamId" (string) is required' } });
    expect(await post(`/channels/${deals.id}/share`, { teamId: partner.id, public: true })).toEqual({
      status: 400,
      json: { ok: false, error: 'unknown field "public" (expected: teamId)' },
    });
    expect(await post('/channels/C0NOPE0000/share', { teamId: partner.id })).toEqual({ status: 400, json: { ok: false, error: 'unknown channel C0NOPE0000' } });
  });
});
