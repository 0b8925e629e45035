// Slack emulator: opening and closing modals from the person's side. A message shortcut's trigger
// opening a modal (3 s, once) and views.open filling in ids; closing it (view_closed with
// notify_on_close, back one for a pushed view, everything with clear_on_close).
import { describe, expect, it } from 'vitest';
import { payloadOf } from './emulator-test-helpers.ts';
import {
  alice,
  bob,
  bot,
  emu,
  FORM,
  general,
  interactions,
  openModal,
  opt,
  plain,
  pushView,
  slackError,
  stackIds,
  STEP2,
  team,
  useModalsWorkspace,
} from './slack-modals-fixture.ts';

const clock = useModalsWorkspace();

describe('message shortcut → views.open', () => {
  it('carries callback_id, trigger_id, channel, user and the message with thread_ts; its trigger opens a modal within 3 s, once', async () => {
    const parent = await emu.postAsUser({ teamId: team.id, channel: general.id, user: alice.id, text: 'can we meet?' });
    const reply = await emu.postAsUser({ teamId: team.id, channel: general.id, user: bob.id, text: 'sure', threadTs: parent });
    await emu.messageShortcut({ teamId: team.id, userId: alice.id, channel: general.id, messageTs: reply, callbackId: 'book_meeting' });
    const p = payloadOf(interactions()[0]!);
    expect(p).toMatchObject({
      type: 'message_action',
      callback_id: 'book_meeting',
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]+$/),
      team: { id: team.id, domain: 'acme' },
      user: { id: alice.id, name: 'alice', team_id: team.id },
      channel: { id: general.id, name: 'general' },
      message_ts: reply,
      message: { type: 'message', ts: reply, user: bob.id, text: 'sure', thread_ts: parent, parent_user_id: alice.id },
      response_url: expect.stringContaining('/_emulator/response-url/'),
    });
    // The thread's parent itself carries thread_ts (= its ts) once it has replies.
    await emu.messageShortcut({ teamId: team.id, userId: alice.id, channel: general.id, messageTs: parent, callbackId: 'book_meeting' });
    expect(payloadOf(interactions()[1]!)['message']).toMatchObject({ ts: parent, thread_ts: parent, reply_count: 1 });
    // A message outside any thread has none.
    const lone = await emu.postAsUser({ teamId: team.id, channel: general.id, user: alice.id, text: 'lone' });
    await emu.messageShortcut({ teamId: team.id, userId: alice.id, channel: general.id, messageTs: lone, callbackId: 'book_meeting' });
    expect(payloadOf(interactions()[2]!)['message']).not.toHaveProperty('thread_ts');

    clock.advance(2999);
    const opened = await bot.views.open({ trigger_id: p['trigger_id'], view: FORM as never });
    expect(opened.view).toMatchObject({
      id: expect.stringMatching(/^V/),
      type: 'modal',
      callback_id: 'book_meeting_modal',
      root_view_id: opened.view!.id,
      previous_view_id: null,
    });
    // The person who used the shortcut sees the modal, nobody else.
    expect(stackIds()).toEqual([opened.view!.id]);
    expect(stackIds(bob.id)).toEqual([]);
    expect((await slackError(bot.views.open({ trigger_id: p['trigger_id'], view: FORM as never }))).error).toBe('exchanged_trigger_id');

    const late = payloadOf(interactions()[1]!)['trigger_id'] as string;
    clock.advance(3001 - 2999);
    expect((await slackError(bot.views.open({ trigger_id: late, view: FORM as never }))).error).toBe('expired_trigger_id');
  });

  it('views.open fills in block_id and action_id where the view has none, and refuses a modal with inputs but no submit', async () => {
    const v = await openModal({ ...FORM, blocks: [...FORM.blocks, { type: 'actions', elements: [{ type: 'button', text: plain('Help') }] }] });
    expect(v['blocks'][0]).toEqual({ ...FORM.blocks[0], block_id: expect.any(String) });
    expect(v['blocks'][1]).toEqual(FORM.blocks[1]);
    expect(v['blocks'][8]).toEqual({
      type: 'actions',
      block_id: expect.any(String),
      elements: [{ type: 'button', text: plain('Help'), action_id: expect.any(String) }],
    });
    const { submit: _s, ...noSubmit } = FORM;
    const err = await slackError(bot.views.open({ trigger_id: emu.issueTriggerId(team.id, alice.id), view: noSubmit as never }));
    expect(err).toEqual({
      error: 'invalid_arguments',
      messages: ['[ERROR] submit is required when an input block is within the blocks array [json-pointer:/view/submit]'],
    });
  });
});

describe('closeView', () => {
  it('with notify_on_close delivers view_closed (no trigger_id, is_cleared when the modal is gone, the state entered so far)', async () => {
    const opened = await openModal({ ...FORM, notify_on_close: true });
    const res = await emu.closeView({ teamId: team.id, userId: alice.id, viewId: opened['id'], values: { note: { text: 'draft' } } });
    expect(res).toEqual({ closedViewIds: [opened['id']], openViewIds: [], notified: true, status: 200, body: '' });
    const p = payloadOf(interactions()[0]!);
    expect(Object.keys(p).sort()).toEqual(['api_app_id', 'enterprise', 'is_cleared', 'is_enterprise_install', 'team', 'token', 'type', 'user', 'view']);
    expect(p).toMatchObject({
      type: 'view_closed',
      team: { id: team.id, domain: 'acme' },
      user: { id: alice.id, username: 'alice', name: 'alice', team_id: team.id },
      api_app_id: 'A0TBRIDGE1',
      is_cleared: true,
      is_enterprise_install: false,
      enterprise: null,
      view: { id: opened['id'], callback_id: 'book_meeting_modal', notify_on_close: true, private_metadata: FORM.private_metadata },
    });
    // Only elements holding something: what was typed and initial values.
    expect(p['view'].state.values).toEqual({
      note: { text: { type: 'plain_text_input', value: 'draft' } },
      duration: { minutes: { type: 'static_select', selected_option: opt('30 minutes', '30') } },
    });
    expect(emu.deliveries().filter((d) => d.kind === 'interaction')).toMatchObject([{ eventType: 'view_closed', status: 200 }]);
    expect(emu.openViews(team.id, alice.id)).toEqual([]);
  });

  it('without notify_on_close sends nothing; closing a pushed view goes back one, clear_on_close closes the whole modal', async () => {
    const root = await openModal();
    expect(await emu.closeView({ teamId: team.id, userId: alice.id, viewId: root['id'] })).toEqual({
      closedViewIds: [root['id']],
      openViewIds: [],
      notified: false,
      status: null,
      body: null,
    });
    expect(interactions()).toHaveLength(0);

    const again = await openModal();
    const second = await pushView(STEP2);
    await expect(emu.closeView({ teamId: team.id, userId: alice.id, viewId: again['id'] })).rejects.toThrow(`${second['id']} is on top of it`);
    const back = await emu.closeView({ teamId: team.id, userId: alice.id, viewId: second['id'] });
    expect(back).toMatchObject({ closedViewIds: [second['id']], openViewIds: [again['id']], notified: true });
    expect(payloadOf(interactions()[0]!)).toMatchObject({ type: 'view_closed', is_cleared: false, view: { id: second['id'], previous_view_id: again['id'] } });

    const third = await pushView({ ...STEP2, clear_on_close: true });
    const gone = await emu.closeView({ teamId: team.id, userId: alice.id, viewId: third['id'] });
    expect(gone).toMatchObject({ closedViewIds: [again['id'], third['id']], openViewIds: [] });
    expect(payloadOf(interactions()[1]!)).toMatchObject({ type: 'view_closed', is_cleared: true, view: { id: third['id'], clear_on_close: true } });
    await expect(emu.closeView({ teamId: team.id, userId: alice.id, viewId: third['id'] })).rejects.toThrow(`no open view ${third['id']}`);
  });
});
