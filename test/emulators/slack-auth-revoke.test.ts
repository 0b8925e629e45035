// Slack emulator auth.revoke, through HTTP with the real @slack/web-api WebClient: the token is
// revoked (`revoked: true`) and answers token_revoked from then on, `test` revokes nothing, the
// bot leaves its channels, the app hears tokens_revoked and app_uninstalled, and a fresh install
// works again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel, Installation, SlackEmulator, Team, User } from '../../emulators/slack/index.ts';
import type { TestReceiver } from '../../emulators/slack/test-receiver.ts';
import { slackErrorCode, startSlackWorkspace, stopSlackWorkspace, T0, webClient } from './emulator-test-helpers.ts';

let t = T0;
const now = (): number => t;
let emu: SlackEmulator;
let rx: TestReceiver;
let team: Team;
let alice: User;
let general: Channel;
let inst: Installation;
/** Deliveries before the test's own action (the channel_created of the setup). */
let seen = 0;

const client = (token: string) => webClient(emu, token);
const eventTypes = () =>
  rx.requests
    .slice(seen)
    .filter((r) => r.path === '/slack/events')
    .map((r) => (r.json() as { event: { type: string } }).event.type);

beforeEach(async () => {
  t = T0;
  ({ rx, emu, team, alice } = await startSlackWorkspace({ now, eventsPath: '/slack/events', emulator: { eventRetryDelaysMs: [0] } }));
  inst = emu.install(team.id);
  general = emu.createChannel(team.id, { name: 'general', memberIds: [alice.id, inst.botUserId] });
  await emu.idle();
  seen = rx.requests.length;
});

afterEach(() => stopSlackWorkspace({ emu, rx }));

describe('auth.revoke', () => {
  it('revokes the token: revoked true, then token_revoked for every call with it, auth.revoke included', async () => {
    const c = client(inst.botToken);
    expect(await c.auth.revoke()).toMatchObject({ ok: true, revoked: true });
    expect(emu.calls({ method: 'auth.revoke' }).at(-1)).toMatchObject({ httpStatus: 200, teamId: team.id, response: { ok: true, revoked: true } });
    expect(await slackErrorCode(c.auth.test())).toBe('token_revoked');
    expect(await slackErrorCode(c.chat.postMessage({ channel: general.id, text: 'still here?' }))).toBe('token_revoked');
    expect(await slackErrorCode(c.auth.revoke())).toBe('token_revoked');
  });

  it('with test=1 revokes nothing and says so', async () => {
    const c = client(inst.botToken);
    expect(await c.auth.revoke({ test: true })).toMatchObject({ ok: true, revoked: false });
    expect((await c.auth.test()).user_id).toBe(inst.botUserId);
    await emu.idle();
    expect(eventTypes()).toEqual([]);
  });

  it('answers not_authed without a token and invalid_auth for an unknown one, as every method does', async () => {
    const anonymous = await fetch(`${emu.apiUrl}auth.revoke`, { method: 'POST' });
    expect(await anonymous.json()).toEqual({ ok: false, error: 'not_authed' });
    expect(await slackErrorCode(client('xoxb-unknown').auth.revoke())).toBe('invalid_auth');
  });

  it('takes the bot out of its channels and sends the app tokens_revoked (the bot user) and app_uninstalled', async () => {
    await client(inst.botToken).auth.revoke();
    await emu.idle();
    expect(eventTypes()).toEqual(['tokens_revoked', 'app_uninstalled']);
    const revoked = rx.requests.find((r) => (r.json() as { event: { type: string } }).event.type === 'tokens_revoked')!;
    expect(revoked.signatureValid).toBe(true);
    expect(revoked.json()).toMatchObject({
      type: 'event_callback',
      team_id: team.id,
      event: { type: 'tokens_revoked', tokens: { oauth: [], bot: [inst.botUserId] } },
    });
    // Slack's page: revoking a bot token removes the bot user's channel memberships.
    const again = emu.install(team.id);
    expect(again.botToken).not.toBe(inst.botToken);
    const info = await client(again.botToken).conversations.info({ channel: general.id });
    expect(info.channel?.is_member).toBe(false);
  });

  it('a later install gets a fresh token that works, while the revoked one stays revoked', async () => {
    await client(inst.botToken).auth.revoke();
    const again = emu.install(team.id);
    expect((await client(again.botToken).auth.test()).team_id).toBe(team.id);
    expect(await slackErrorCode(client(inst.botToken).auth.test())).toBe('token_revoked');
  });
});
