// Slack emulator: submitting a modal from the person's side (view_submission with
// view.state.values in Slack's shape, the client's own refusals, and every documented answer:
// close, errors, update, push, clear, or an error shown).
import { describe, expect, it } from 'vitest';
import { payloadOf } from './emulator-test-helpers.ts';
import {
  alice,
  appAnswers,
  bob,
  bot,
  emu,
  FILLED,
  FORM,
  general,
  INFO,
  inst,
  interactions,
  json,
  openModal,
  opt,
  plain,
  pushView,
  rx,
  slackError,
  stackIds,
  STEP2,
  team,
  useModalsWorkspace,
} from './slack-modals-fixture.ts';

const clock = useModalsWorkspace();

describe('submitView', () => {
  it("delivers the documented view_submission payload with view.state.values in Slack's shape; an empty 200 closes the modal", async () => {
    const opened = await openModal();
    const res = await emu.submitView({
      teamId: team.id,
      userId: alice.id,
      viewId: opened['id'],
      values: { note: { text: 'Tuesday works' }, fields: { fields: ['phone', 'email'] }, mode: { mode: 'video' }, owner: { user: bob.id }, count: { n: 3 } },
    });
    expect(res).toEqual({ status: 200, body: '', outcome: { action: 'closed', closedViewIds: [opened['id']], openViewIds: [] } });
    expect(interactions()).toHaveLength(1);
    const p = payloadOf(interactions()[0]!);
    expect(Object.keys(p).sort()).toEqual([
      'api_app_id',
      'enterprise',
      'is_enterprise_install',
      'response_urls',
      'team',
      'token',
      'trigger_id',
      'type',
      'user',
      'view',
    ]);
    expect(p).toMatchObject({
      type: 'view_submission',
      team: { id: team.id, domain: 'acme' },
      user: { id: alice.id, username: 'alice', name: 'alice', team_id: team.id },
      api_app_id: 'A0TBRIDGE1',
      token: expect.any(String),
      trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]+$/),
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    });
    expect(Object.keys(p['view']).sort()).toEqual([
      'app_id',
      'app_installed_team_id',
      'blocks',
      'bot_id',
      'callback_id',
      'clear_on_close',
      'close',
      'external_id',
      'hash',
      'id',
      'notify_on_close',
      'previous_view_id',
      'private_metadata',
      'root_view_id',
      'state',
      'submit',
      'team_id',
      'title',
      'type',
    ]);
    expect(p['view']).toMatchObject({
      id: opened['id'],
      team_id: team.id,
      type: 'modal',
      blocks: opened['blocks'],
      private_metadata: FORM.private_metadata,
      callback_id: 'book_meeting_modal',
      hash: opened['hash'],
      title: FORM.title,
      close: FORM.close,
      submit: FORM.submit,
      previous_view_id: null,
      root_view_id: opened['id'],
      app_id: 'A0TBRIDGE1',
      external_id: '',
      app_installed_team_id: team.id,
      bot_id: inst.botId,
      clear_on_close: false,
      notify_on_close: false,
    });
    expect(p['view'].state.values).toEqual({
      note: { text: { type: 'plain_text_input', value: 'Tuesday works' } },
      // Untouched: its initial option, as the element lists it.
      duration: { minutes: { type: 'static_select', selected_option: opt('30 minutes', '30') } },
      // In the order picked, each option as the element lists it.
      fields: { fields: { type: 'checkboxes', selected_options: [opt('Phone', 'phone'), opt('Email', 'email')] } },
      mode: { mode: { type: 'radio_buttons', selected_option: opt('Video', 'video') } },
      owner: { user: { type: 'users_select', selected_user: bob.id } },
      count: { n: { type: 'number_input', value: '3' } },
      // An optional input left empty is there with null.
      followup: { text: { type: 'plain_text_input', value: null } },
    });
    expect(emu.deliveries().filter((d) => d.kind === 'interaction')).toMatchObject([{ eventType: 'view_submission', status: 200, reason: 'ok' }]);
    // The modal is gone: the app can no longer update it.
    expect(emu.openViews(team.id, alice.id)).toEqual([]);
    expect((await slackError(bot.views.update({ view_id: opened['id'], view: FORM as never }))).error).toBe('not_found');
    // The submission's trigger_id opens a new modal (e.g. a confirmation) within 3 s.
    expect((await bot.views.open({ trigger_id: p['trigger_id'], view: INFO as never })).ok).toBe(true);
  });

  it('models the other element types: multi selects, conversations, channels, dates, times, email and URL inputs; stateful elements outside input blocks', async () => {
    const secret = emu.createChannel(team.id, { name: 'secret', isPrivate: true, memberIds: [alice.id] });
    const view = {
      type: 'modal',
      title: plain('All'),
      submit: plain('Go'),
      blocks: [
        {
          type: 'input',
          block_id: 'ms',
          label: plain('l'),
          element: {
            type: 'multi_static_select',
            action_id: 'a',
            max_selected_items: 2,
            option_groups: [{ label: plain('g'), options: [opt('One', '1'), opt('Two', '2'), opt('Three', '3')] }],
          },
        },
        { type: 'input', block_id: 'mu', label: plain('l'), element: { type: 'multi_users_select', action_id: 'a' } },
        { type: 'input', block_id: 'cs', label: plain('l'), element: { type: 'conversations_select', action_id: 'a', response_url_enabled: true } },
        { type: 'input', block_id: 'ch', label: plain('l'), element: { type: 'channels_select', action_id: 'a' } },
        { type: 'input', block_id: 'dp', label: plain('l'), element: { type: 'datepicker', action_id: 'a' } },
        { type: 'input', block_id: 'tp', label: plain('l'), element: { type: 'timepicker', action_id: 'a' } },
        { type: 'input', block_id: 'em', label: plain('l'), element: { type: 'email_text_input', action_id: 'a' } },
        { type: 'input', block_id: 'url', label: plain('l'), element: { type: 'url_text_input', action_id: 'a' } },
        {
          type: 'section',
          block_id: 'acc',
          text: { type: 'mrkdwn', text: 'Deadline' },
          accessory: { type: 'datepicker', action_id: 'due', initial_date: '2025-12-01' },
        },
        {
          type: 'actions',
          block_id: 'acts',
          elements: [
            { type: 'static_select', action_id: 'pick', options: [opt('A', 'a')] },
            { type: 'button', action_id: 'help', text: plain('Help') },
          ],
        },
      ],
    };
    const opened = await openModal(view);
    const base = { teamId: team.id, userId: alice.id, viewId: opened['id'] };
    await expect(emu.submitView({ ...base, values: { ms: { a: ['1', '2', '3'] } } })).rejects.toThrow('3 picked, more than max_selected_items 2');
    await expect(emu.submitView({ ...base, values: { ch: { a: secret.id } } })).rejects.toThrow('is not a public channel');
    await expect(emu.submitView({ ...base, values: { dp: { a: '2025-02-30' } } })).rejects.toThrow('is not a date (YYYY-MM-DD)');
    await expect(emu.submitView({ ...base, values: { tp: { a: '25:00' } } })).rejects.toThrow('is not a time (HH:mm)');
    await expect(emu.submitView({ ...base, values: { em: { a: 'not-an-email' } } })).rejects.toThrow('is not an email address');
    await expect(emu.submitView({ ...base, values: { url: { a: 'ftp://x' } } })).rejects.toThrow('is not a URL');
    await expect(emu.submitView({ ...base, values: { acts: { help: 'x' } } })).rejects.toThrow('block acts / action help (button): holds no state');
    const res = await emu.submitView({
      ...base,
      values: {
        ms: { a: ['3', '1'] },
        mu: { a: [alice.id, bob.id] },
        cs: { a: secret.id },
        ch: { a: general.id },
        dp: { a: '2025-12-24' },
        tp: { a: '09:30' },
        em: { a: 'ann@example.com' },
        url: { a: 'https://example.com/x' },
        acts: { pick: 'a' },
      },
    });
    expect(res.outcome.action).toBe('closed');
    const p = payloadOf(interactions()[0]!);
    expect(p['view'].state.values).toEqual({
      ms: { a: { type: 'multi_static_select', selected_options: [opt('Three', '3'), opt('One', '1')] } },
      mu: { a: { type: 'multi_users_select', selected_users: [alice.id, bob.id] } },
      cs: { a: { type: 'conversations_select', selected_conversation: secret.id, response_url_enabled: true } },
      ch: { a: { type: 'channels_select', selected_channel: general.id } },
      dp: { a: { type: 'datepicker', selected_date: '2025-12-24' } },
      tp: { a: { type: 'timepicker', selected_time: '09:30' } },
      em: { a: { type: 'email_text_input', value: 'ann@example.com' } },
      url: { a: { type: 'url_text_input', value: 'https://example.com/x' } },
      // Outside input blocks: only elements holding a value (here an initial date and a pick).
      acc: { due: { type: 'datepicker', selected_date: '2025-12-01' } },
      acts: { pick: { type: 'static_select', selected_option: opt('A', 'a') } },
    });
    // response_url_enabled on a conversation select in an input block: a response_url for it.
    expect(p['response_urls']).toEqual([
      { block_id: 'cs', action_id: 'a', channel_id: secret.id, response_url: expect.stringContaining(`${emu.url}/_emulator/response-url/`) },
    ]);
  });

  it("refuses, as Slack's client would, and delivers nothing: unknown block or action, a value not among the options, bad input, a required input left empty", async () => {
    const opened = await openModal();
    const base = { teamId: team.id, userId: alice.id, viewId: opened['id'] as string };
    const generated = opened['blocks'][0].block_id as string;
    await expect(emu.submitView({ ...base, values: { nope: { text: 'x' } } })).rejects.toThrow(
      `no block nope in view ${opened['id']} (blocks: ${generated}, note, duration, fields, mode, owner, count, followup)`,
    );
    await expect(emu.submitView({ ...base, values: { note: { nope: 'x' } } })).rejects.toThrow(
      `block note of view ${opened['id']} has no element with action_id nope (action_ids: text)`,
    );
    await expect(emu.submitView({ ...base, values: { [generated]: { x: 'y' } } })).rejects.toThrow('(action_ids: none)');
    await expect(emu.submitView({ ...base, values: { ...FILLED, duration: { minutes: '45' } } })).rejects.toThrow(
      'block duration / action minutes (static_select): "45" is not one of the element\'s options ("15", "30")',
    );
    await expect(emu.submitView({ ...base, values: { ...FILLED, fields: { fields: ['email', 'fax'] } } })).rejects.toThrow(
      '"fax" is not one of the element\'s options ("email", "phone", "name")',
    );
    await expect(emu.submitView({ ...base, values: { ...FILLED, mode: { mode: ['video'] } } })).rejects.toThrow('expected a string, got ["video"]');
    await expect(emu.submitView({ ...base, values: { ...FILLED, owner: { user: 'U0NOBODY00' } } })).rejects.toThrow(
      `U0NOBODY00 is not an active user of ${team.id}`,
    );
    await expect(emu.submitView({ ...base, values: { ...FILLED, count: { n: 11 } } })).rejects.toThrow('11 is above max_value 10');
    await expect(emu.submitView({ ...base, values: { ...FILLED, count: { n: '2.5' } } })).rejects.toThrow('"2.5" is not a whole number');
    await expect(emu.submitView({ ...base, values: { note: { text: 'x'.repeat(21) } } })).rejects.toThrow(
      "21 characters, more than the element's max_length 20",
    );
    await expect(emu.submitView(base)).rejects.toThrow(
      `Slack would not submit view ${opened['id']}: required input block note ("Note", plain_text_input) is empty`,
    );
    await expect(emu.submitView({ ...base, values: { duration: { minutes: null } } })).rejects.toThrow(
      'required input blocks note ("Note", plain_text_input), duration ("Meeting length", static_select) are empty',
    );
    expect(interactions()).toHaveLength(0);
    expect(emu.deliveries().filter((d) => d.kind === 'interaction')).toHaveLength(0);
    expect(stackIds()).toEqual([opened['id']]);
  });

  it("refuses a view the person cannot submit: unknown or closed, someone else's, not on top, a Home tab, one without a Submit button", async () => {
    const base = { teamId: team.id, userId: alice.id, values: FILLED };
    await expect(emu.submitView({ ...base, viewId: 'V0NOPE0000' })).rejects.toThrow(`no open view V0NOPE0000 in ${team.id}`);
    const first = await openModal();
    await expect(emu.submitView({ ...base, userId: bob.id, viewId: first['id'] })).rejects.toThrow(
      `view ${first['id']} is open for ${alice.id}, not ${bob.id}`,
    );
    const second = await pushView(STEP2);
    await expect(emu.submitView({ ...base, viewId: first['id'] })).rejects.toThrow(
      `view ${first['id']} is not the one ${alice.id} sees: ${second['id']} is on top of it`,
    );
    const home = await bot.views.publish({ user_id: alice.id, view: { type: 'home', blocks: [{ type: 'divider' }] } });
    await expect(emu.submitView({ ...base, viewId: home.view!.id! })).rejects.toThrow('is a Home tab');
    // A new modal replaces the old one: its views are gone.
    const info = await openModal(INFO);
    await expect(emu.submitView({ ...base, viewId: second['id'] })).rejects.toThrow(`no open view ${second['id']}`);
    await expect(emu.submitView({ ...base, viewId: info['id'], values: {} })).rejects.toThrow(`view ${info['id']} has no Submit button`);
    await expect(emu.submitView({ ...base, userId: inst.botUserId, viewId: info['id'] })).rejects.toThrow('is a bot user');
    emu.uninstall(team.id);
    await expect(emu.submitView({ ...base, viewId: info['id'] })).rejects.toThrow(`app is not installed on ${team.id}`);
    expect(interactions()).toHaveLength(0);
  });

  it('response_action "errors": the modal stays open with the messages; it keeps what the person entered for the next try', async () => {
    appAnswers((p) =>
      p['view'].state.values.note.text.value === 'soon' ? json({ response_action: 'errors', errors: { note: 'Name a day' } }) : { status: 200 },
    );
    const opened = await openModal();
    const base = { teamId: team.id, userId: alice.id, viewId: opened['id'] as string };
    const first = await emu.submitView({ ...base, values: { note: { text: 'soon' }, fields: { fields: ['email'] }, duration: { minutes: '15' } } });
    expect(first.outcome).toEqual({ action: 'errors', errors: { note: 'Name a day' }, openViewIds: [opened['id']] });
    expect(emu.openViews(team.id, alice.id)[0]).toMatchObject({
      id: opened['id'],
      state: { values: { note: { text: { value: 'soon' } }, fields: { fields: { selected_options: [opt('Email', 'email')] } } } },
    });
    const second = await emu.submitView({ ...base, values: { note: { text: 'Tuesday' } } });
    expect(second.outcome).toEqual({ action: 'closed', closedViewIds: [opened['id']], openViewIds: [] });
    expect(payloadOf(interactions()[1]!)['view'].state.values).toMatchObject({
      note: { text: { value: 'Tuesday' } },
      duration: { minutes: { selected_option: opt('15 minutes', '15') } },
      fields: { fields: { selected_options: [opt('Email', 'email')] } },
    });
  });

  it('response_action "update" replaces the view in place (same id, new hash), keeping entries whose block_id/action_id stay', async () => {
    const CONFIRM = {
      ...FORM,
      title: plain('Check and confirm'),
      submit: plain('Confirm'),
      blocks: [FORM.blocks[1]!, { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: '30 minutes with Ann' } }],
    };
    appAnswers(() => json({ response_action: 'update', view: CONFIRM }));
    const opened = await openModal();
    clock.advance(1000);
    const res = await emu.submitView({ teamId: team.id, userId: alice.id, viewId: opened['id'], values: FILLED });
    expect(res.outcome).toMatchObject({
      action: 'updated',
      openViewIds: [opened['id']],
      view: { id: opened['id'], title: CONFIRM.title, root_view_id: opened['id'] },
    });
    const [shown] = emu.openViews(team.id, alice.id);
    expect(shown!['hash']).not.toBe(opened['hash']);
    expect(shown!['blocks']).toEqual(CONFIRM.blocks);
    expect(shown!['state']).toEqual({ values: { note: { text: { type: 'plain_text_input', value: 'Tuesday works' } } } });
    // An update Slack cannot show: an error in the modal, which stays as it was.
    appAnswers(() => json({ response_action: 'update', view: { ...CONFIRM, title: plain('x'.repeat(25)) } }));
    const bad = await emu.submitView({ teamId: team.id, userId: alice.id, viewId: opened['id'] });
    expect(bad.outcome).toEqual({
      action: 'error_shown',
      reason: 'invalid_response',
      openViewIds: [opened['id']],
      detail: 'response_action "update" with an invalid view: [ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
    });
    expect(emu.openViews(team.id, alice.id)[0]!['title']).toEqual(CONFIRM.title);
  });

  it('response_action "push" stacks a view (3 at most); submitting the top one returns to the one below; "clear" closes them all', async () => {
    const opened = await openModal();
    appAnswers(() => json({ response_action: 'push', view: STEP2 }));
    const pushed = await emu.submitView({ teamId: team.id, userId: alice.id, viewId: opened['id'], values: FILLED });
    expect(pushed.outcome).toMatchObject({ action: 'pushed', view: { callback_id: 'step2', previous_view_id: opened['id'], root_view_id: opened['id'] } });
    const secondId = stackIds()[1]!;
    expect(pushed.outcome).toEqual({ action: 'pushed', view: expect.objectContaining({ id: secondId }), openViewIds: [opened['id'], secondId] });

    appAnswers(() => ({ status: 200 }));
    const done = await emu.submitView({ teamId: team.id, userId: alice.id, viewId: secondId, values: { confirm: { yes: 'yes' } } });
    expect(done.outcome).toEqual({ action: 'closed', closedViewIds: [secondId], openViewIds: [opened['id']] });
    expect(payloadOf(interactions()[1]!)['view']).toMatchObject({ id: secondId, previous_view_id: opened['id'], root_view_id: opened['id'] });

    // Up to 3 views, by views.push or a push answer; a fourth is refused either way.
    await pushView(STEP2);
    appAnswers(() => json({ response_action: 'push', view: STEP2 }));
    const third = await emu.submitView({ teamId: team.id, userId: alice.id, viewId: stackIds()[1]!, values: { confirm: { yes: 'y' } } });
    expect(third.outcome).toMatchObject({ action: 'pushed' });
    expect(third.outcome.openViewIds).toHaveLength(3);
    expect((await slackError(pushView(INFO))).error).toBe('push_limit_reached');
    const refused = await emu.submitView({ teamId: team.id, userId: alice.id, viewId: stackIds()[2]!, values: { confirm: { yes: 'y' } } });
    expect(refused.outcome).toEqual({
      action: 'error_shown',
      reason: 'invalid_response',
      openViewIds: third.outcome.openViewIds,
      detail: 'response_action "push" on a modal already holding 3 views (Slack: push_limit_reached)',
    });

    appAnswers(() => json({ response_action: 'clear' }));
    const all = stackIds();
    const cleared = await emu.submitView({ teamId: team.id, userId: alice.id, viewId: all[2]!, values: { confirm: { yes: 'y' } } });
    expect(cleared.outcome).toEqual({ action: 'cleared', closedViewIds: all, openViewIds: [] });
    expect(emu.openViews(team.id, alice.id)).toEqual([]);
  });

  it('shows an error and keeps the modal open when the app fails: non-200, too slow, unusable answers, no interactivity URL', async () => {
    const opened = await openModal();
    const submit = () => emu.submitView({ teamId: team.id, userId: alice.id, viewId: opened['id'], values: FILLED });
    const stays = { openViewIds: [opened['id']] };
    appAnswers(() => ({ status: 500, body: 'boom' }));
    expect(await submit()).toEqual({
      status: 500,
      body: 'boom',
      outcome: { action: 'error_shown', reason: 'http_error', detail: 'the app answered HTTP 500', ...stays },
    });
    appAnswers(() => 'hang');
    expect((await submit()).outcome).toMatchObject({ action: 'error_shown', reason: 'http_timeout', ...stays });
    appAnswers(() => ({ status: 204 }));
    expect((await submit()).outcome).toMatchObject({ action: 'error_shown', reason: 'http_error', detail: 'the app answered HTTP 204; Slack expects 200' });
    appAnswers(() => ({ status: 200, body: 'ok' }));
    expect((await submit()).outcome).toMatchObject({ action: 'error_shown', reason: 'invalid_response', detail: 'the body is neither empty nor JSON: "ok"' });
    appAnswers(() => json({ response_action: 'close' }));
    expect((await submit()).outcome).toMatchObject({
      action: 'error_shown',
      reason: 'invalid_response',
      detail: 'unknown response_action "close" (Slack knows errors, update, push, clear)',
    });
    appAnswers(() => json({ response_action: 'errors', errors: { duration: 'Pick one', [opened['blocks'][0].block_id]: 'x' } }));
    expect((await submit()).outcome).toMatchObject({ action: 'error_shown', reason: 'invalid_response', detail: expect.stringContaining('not input blocks') });
    emu.setInteractivityUrl('');
    expect((await submit()).outcome).toMatchObject({ action: 'error_shown', reason: 'not_delivered', ...stays });
    emu.setInteractivityUrl(`${rx.url}/slack/interactions`);
    // A JSON object without response_action is an acknowledgement like an empty body.
    appAnswers(() => json({}));
    expect((await submit()).outcome).toEqual({ action: 'closed', closedViewIds: [opened['id']], openViewIds: [] });
    expect(
      emu
        .deliveries()
        .filter((d) => d.kind === 'interaction')
        .map((d) => d.eventType),
    ).toEqual(Array(7).fill('view_submission'));
  });
});
