// Slack emulator: the App Home from the person's side (app_home_opened, the published Home tab,
// views.publish's checks, Block Kit sanity of input elements in every view), and the /_emulator/
// HTTP control surface for views and the App Home.
import { describe, expect, it } from 'vitest';
import {
  alice,
  appAnswers,
  bob,
  bot,
  emu,
  events,
  FILLED,
  FORM,
  inst,
  json,
  openModal,
  opt,
  plain,
  slackError,
  team,
  useModalsWorkspace,
} from './slack-modals-fixture.ts';

const clock = useModalsWorkspace();

describe('App Home', () => {
  it("openAppHome sends app_home_opened with the person's DM channel, and the published Home tab once there is one", async () => {
    const first = emu.openAppHome({ teamId: team.id, userId: alice.id });
    expect(first).toEqual({ channel: expect.stringMatching(/^D/), view: null, event: expect.any(Object) });
    expect(first.channel).toBe(emu.openAppDm(team.id, alice.id).id);
    await emu.idle();
    const [env] = events();
    expect(env).toMatchObject({ type: 'event_callback', team_id: team.id, api_app_id: 'A0TBRIDGE1' });
    expect(env!['event']).toEqual({
      type: 'app_home_opened',
      user: alice.id,
      channel: first.channel,
      tab: 'home',
      event_ts: expect.stringMatching(/^\d+\.\d{6}$/),
    });

    const published = await bot.views.publish({
      user_id: alice.id,
      view: { type: 'home', callback_id: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Hi' } }] },
    });
    const home = emu.homeView(team.id, alice.id);
    expect(home).toEqual(published.view);
    expect(home).toMatchObject({
      type: 'home',
      callback_id: 'home',
      blocks: [{ type: 'section', block_id: expect.any(String) }],
      app_id: 'A0TBRIDGE1',
      bot_id: inst.botId,
    });
    expect(emu.homeView(team.id, bob.id)).toBeNull();
    const second = emu.openAppHome({ teamId: team.id, userId: alice.id });
    expect(second.view).toEqual(home);
    await emu.idle();
    // The Messages tab carries no view.
    emu.openAppHome({ teamId: team.id, userId: alice.id, tab: 'messages' });
    await emu.idle();
    expect(
      events()
        .slice(1)
        .map((e) => e['event']),
    ).toEqual([
      { type: 'app_home_opened', user: alice.id, channel: first.channel, tab: 'home', view: home, event_ts: expect.any(String) },
      { type: 'app_home_opened', user: alice.id, channel: first.channel, tab: 'messages', event_ts: expect.any(String) },
    ]);
  });

  it('needs no scope, only a live install with its bot user; people only', async () => {
    emu.install(team.id, { scopes: ['chat:write'] });
    expect(emu.openAppHome({ teamId: team.id, userId: bob.id }).event).toMatchObject({ type: 'app_home_opened', user: bob.id });
    await emu.idle();
    expect(events()).toHaveLength(1);
    expect(() => emu.openAppHome({ teamId: team.id, userId: inst.botUserId })).toThrow('is a bot user');
    expect(() => emu.openAppHome({ teamId: team.id, userId: 'U0NOBODY00' })).toThrow(`unknown user U0NOBODY00 in ${team.id}`);
    emu.uninstall(team.id);
    expect(() => emu.openAppHome({ teamId: team.id, userId: bob.id })).toThrow(`app is not installed on ${team.id}`);
  });

  it('views.publish validates a home view: type home, at most 100 blocks, Block Kit sanity; updates in place with hash checks', async () => {
    const bad = (view: object) => slackError(bot.views.publish({ user_id: alice.id, view: view as never }));
    expect(await bad({ type: 'modal', title: plain('x'), blocks: [] })).toEqual({
      error: 'invalid_arguments',
      messages: ['[ERROR] must be a valid enum value [json-pointer:/view/type]'],
    });
    expect(await bad({ type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) })).toEqual({
      error: 'invalid_arguments',
      messages: ['[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]'],
    });
    expect(await bad({ type: 'home', blocks: [{ type: 'section' }] })).toEqual({
      error: 'invalid_arguments',
      messages: ['[ERROR] must provide either text or fields [json-pointer:/view/blocks/0]'],
    });
    expect(await bad({ type: 'home', blocks: [{ type: 'spaceship' }] })).toEqual({
      error: 'invalid_arguments',
      messages: ['[ERROR] invalid value for type [json-pointer:/view/blocks/0/type]'],
    });
    expect((await bad({ type: 'home', callback_id: 'c'.repeat(256), blocks: [] })).messages).toEqual([
      '[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]',
    ]);
    expect((await bad({ type: 'home', private_metadata: 'm'.repeat(3001), blocks: [] })).messages).toEqual([
      '[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]',
    ]);
    expect((await slackError(bot.views.publish({ user_id: 'U0NOBODY00', view: { type: 'home', blocks: [] } }))).error).toBe('user_not_found');
    expect(emu.homeView(team.id, alice.id)).toBeNull();

    const ok = await bot.views.publish({ user_id: alice.id, view: { type: 'home', blocks: Array.from({ length: 100 }, () => ({ type: 'divider' })) } });
    clock.advance(1000);
    const again = await bot.views.publish({ user_id: alice.id, hash: ok.view!.hash!, view: { type: 'home', blocks: [{ type: 'divider' }] } });
    expect(again.view!.id).toBe(ok.view!.id);
    expect(emu.homeView(team.id, alice.id)!['blocks']).toHaveLength(1);
    expect((await slackError(bot.views.publish({ user_id: alice.id, hash: ok.view!.hash!, view: { type: 'home', blocks: [] } }))).error).toBe('hash_conflict');
  });

  it('input elements get Block Kit sanity in every view: known element types, option limits', async () => {
    const withInput = (element: object) => ({ ...FORM, blocks: [{ type: 'input', block_id: 'b', label: plain('l'), element }] });
    const err = (element: object) => slackError(bot.views.open({ trigger_id: emu.issueTriggerId(team.id, alice.id), view: withInput(element) as never }));
    expect((await err({ type: 'button', action_id: 'a', text: plain('x') })).messages).toEqual([
      '[ERROR] invalid value for type [json-pointer:/view/blocks/0/element/type]',
    ]);
    const eleven = Array.from({ length: 11 }, (_, i) => opt(`o${i}`, `v${i}`));
    expect((await err({ type: 'checkboxes', action_id: 'a', options: eleven })).messages).toEqual([
      '[ERROR] must be no more than 10 items [json-pointer:/view/blocks/0/element/options]',
    ]);
    expect((await err({ type: 'static_select', action_id: 'a', options: [] })).messages).toEqual([
      '[ERROR] must provide a non-empty array [json-pointer:/view/blocks/0/element/options]',
    ]);
    expect((await err({ type: 'static_select', action_id: 'a', options: [opt('x'.repeat(76), 'v')] })).messages).toEqual([
      '[ERROR] must be less than 76 characters [json-pointer:/view/blocks/0/element/options/0/text/text]',
    ]);
  });
});

describe('/_emulator/ HTTP control surface', () => {
  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: Record<string, any> }> {
    const res = await fetch(`${emu.url}/_emulator/${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  }

  it('submits and closes views, opens the App Home, shows what the person sees; errors are 400 with the message', async () => {
    const opened = await openModal();
    const who = `teamId=${team.id}&userId=${alice.id}`;
    expect((await call('GET', `views/open?${who}`)).json).toEqual({ views: [expect.objectContaining({ id: opened['id'] })] });
    expect(await call('POST', 'interactions/submit-view', { teamId: team.id, userId: alice.id, viewId: opened['id'], values: {} })).toMatchObject({
      status: 400,
      json: { ok: false, error: expect.stringContaining('required input block note') },
    });
    expect(
      await call('POST', 'interactions/submit-view', {
        teamId: team.id,
        userId: alice.id,
        viewId: opened['id'],
        values: { note: { text: 'x' }, duration: { minutes: '99' } },
      }),
    ).toMatchObject({ status: 400, json: { ok: false, error: expect.stringContaining('"99" is not one of the element\'s options') } });
    appAnswers(() => json({ response_action: 'errors', errors: { note: 'Too short' } }));
    expect(await call('POST', 'interactions/submit-view', { teamId: team.id, userId: alice.id, viewId: opened['id'], values: FILLED })).toEqual({
      status: 200,
      json: {
        status: 200,
        body: JSON.stringify({ response_action: 'errors', errors: { note: 'Too short' } }),
        outcome: { action: 'errors', errors: { note: 'Too short' }, openViewIds: [opened['id']] },
      },
    });
    expect(await call('POST', 'interactions/close-view', { teamId: team.id, userId: alice.id, viewId: opened['id'] })).toEqual({
      status: 200,
      json: { closedViewIds: [opened['id']], openViewIds: [], notified: false, status: null, body: null },
    });
    expect((await call('GET', `views/open?${who}`)).json).toEqual({ views: [] });
    expect(await call('POST', 'interactions/close-view', { teamId: team.id, userId: alice.id, viewId: opened['id'] })).toMatchObject({
      status: 400,
      json: { error: expect.stringContaining(`no open view ${opened['id']}`) },
    });

    expect((await call('GET', `views/home?${who}`)).json).toEqual({ view: null });
    await bot.views.publish({ user_id: alice.id, view: { type: 'home', blocks: [{ type: 'divider' }] } });
    const home = (await call('GET', `views/home?${who}`)).json['view'];
    expect(home).toMatchObject({ type: 'home' });
    const opening = await call('POST', 'interactions/open-app-home', { teamId: team.id, userId: alice.id });
    expect(opening).toEqual({
      status: 200,
      json: { channel: expect.stringMatching(/^D/), view: home, event: expect.objectContaining({ type: 'app_home_opened', tab: 'home', view: home }) },
    });
    expect((await call('POST', 'interactions/open-app-home', { teamId: team.id, userId: alice.id, tab: 'settings' })).status).toBe(400);
    expect((await call('GET', `views/home?teamId=${team.id}`)).json).toEqual({ ok: false, error: '"userId" (string) is required' });
  });
});
