// Slack emulator: the person's side of modals and the App Home. A message shortcut's trigger
// opening a modal (3 s, once), submitting it (view_submission with view.state.values in Slack's
// shape, the client's own refusals, and every documented answer: close, errors, update, push,
// clear, or an error shown), closing it (view_closed), opening the Home tab (app_home_opened).
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator } from '../../emulators/slack/index.ts';
import { payloadOf, slackErrorBody } from './emulator-test-helpers.ts';
import type { Channel, Installation, SlackEmulator, Team, User } from '../../emulators/slack/index.ts';
import { startTestReceiver } from '../../emulators/slack/test-receiver.ts';
import type { Answer, ReceivedRequest, TestReceiver } from '../../emulators/slack/test-receiver.ts';

const SECRET = 'signing-secret';
let t = 1_764_075_600_000;
const now = (): number => t;
let emu: SlackEmulator;
let rx: TestReceiver;
let team: Team;
let alice: User;
let bob: User;
let general: Channel;
let inst: Installation;
let bot: WebClient;

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
const opt = (text: string, value: string) => ({ text: plain(text), value });

/** The product's kind of modal: one input of each modelled type, some required, some with initial values. */
const FORM = {
  type: 'modal' as const,
  callback_id: 'book_meeting_modal',
  private_metadata: '{"conversationId":"c1"}',
  title: plain('Book a meeting'),
  submit: plain('Offer times'),
  close: plain('Cancel'),
  blocks: [
    // No block_id: Slack fills one in, shown in every response and payload.
    { type: 'section', text: { type: 'mrkdwn', text: 'Offer *Ann* a meeting' } },
    { type: 'input', block_id: 'note', label: plain('Note'), element: { type: 'plain_text_input', action_id: 'text', max_length: 20 } },
    {
      type: 'input', block_id: 'duration', label: plain('Meeting length'),
      element: { type: 'static_select', action_id: 'minutes', options: [opt('15 minutes', '15'), opt('30 minutes', '30')], initial_option: opt('30 minutes', '30') },
    },
    { type: 'input', block_id: 'fields', optional: true, label: plain('Ask for'), element: { type: 'checkboxes', action_id: 'fields', options: [opt('Email', 'email'), opt('Phone', 'phone'), opt('Name', 'name')] } },
    { type: 'input', block_id: 'mode', optional: true, label: plain('Where'), element: { type: 'radio_buttons', action_id: 'mode', options: [opt('Video', 'video'), opt('Phone', 'phone')] } },
    { type: 'input', block_id: 'owner', optional: true, label: plain('Whose calendar'), element: { type: 'users_select', action_id: 'user' } },
    { type: 'input', block_id: 'count', optional: true, label: plain('Attendees'), element: { type: 'number_input', action_id: 'n', is_decimal_allowed: false, min_value: '1', max_value: '10' } },
    { type: 'input', block_id: 'followup', optional: true, label: plain('Anything else'), element: { type: 'plain_text_input', action_id: 'text', multiline: true } },
  ],
};
const FILLED = { note: { text: 'Tuesday works' } };

const STEP2 = {
  type: 'modal' as const, callback_id: 'step2', title: plain('Confirm'), submit: plain('Confirm'), notify_on_close: true,
  blocks: [{ type: 'input', block_id: 'confirm', label: plain('Type yes'), element: { type: 'plain_text_input', action_id: 'yes' } }],
};
const INFO = { type: 'modal' as const, title: plain('Done'), close: plain('Close'), blocks: [{ type: 'section', block_id: 'msg', text: { type: 'mrkdwn', text: 'Sent.' } }] };

/** The error code and Slack's explanation messages of a failed call. */
async function slackError(p: Promise<unknown>): Promise<{ error: string; messages: string[] }> {
  const body = await slackErrorBody(p);
  return { error: String(body['error']), messages: (body['response_metadata'] as { messages?: string[] } | undefined)?.messages ?? [] };
}

beforeEach(async () => {
  t = 1_764_075_600_000;
  rx = await startTestReceiver(SECRET, now);
  emu = await startSlackEmulator({
    signingSecret: SECRET, clientId: '1.2', clientSecret: 'sec', now,
    interactivityUrl: `${rx.url}/slack/interactions`, eventsUrl: `${rx.url}/slack/events`,
    eventRetryDelaysMs: [], eventResponseTimeoutMs: 500,
  });
  team = emu.createTeam({ name: 'Acme', domain: 'acme' });
  alice = emu.createUser(team.id, { name: 'alice', realName: 'Alice A' });
  bob = emu.createUser(team.id, { name: 'bob' });
  general = emu.createChannel(team.id, { name: 'general', memberIds: [alice.id, bob.id] });
  inst = emu.install(team.id);
  emu.addToChannel(general.id, inst.botUserId);
  bot = new WebClient(inst.botToken, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
  await emu.idle();
  rx.requests.length = 0;
});

afterEach(async () => {
  await emu.close();
  await rx.close();
});

const interactions = (): ReceivedRequest[] => rx.requests.filter((r) => r.path === '/slack/interactions');
const events = (): Record<string, any>[] => rx.requests.filter((r) => r.path === '/slack/events').map((r) => {
  expect(r.signatureValid).toBe(true);
  return r.json() as Record<string, any>;
});

/** The app answers interactions with `fn` (events get an empty 200). */
function appAnswers(fn: (payload: Record<string, any>) => Answer): void {
  rx.respond((req) => (req.path === '/slack/interactions' ? fn(payloadOf(req)) : { status: 200 }));
}
const json = (body: unknown): Answer => ({ status: 200, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

async function openModal(view: object = FORM, userId = alice.id): Promise<Record<string, any>> {
  const res = await bot.views.open({ trigger_id: emu.issueTriggerId(team.id, userId), view: view as never });
  return res.view as Record<string, any>;
}
async function pushView(view: object, userId = alice.id): Promise<Record<string, any>> {
  const res = await bot.views.push({ trigger_id: emu.issueTriggerId(team.id, userId), view: view as never });
  return res.view as Record<string, any>;
}
const stackIds = (userId = alice.id): string[] => emu.openViews(team.id, userId).map((v) => v['id'] as string);

describe('message shortcut → views.open', () => {
  it('carries callback_id, trigger_id, channel, user and the message with thread_ts; its trigger opens a modal within 3 s, once', async () => {
    const parent = await emu.postAsUser({ teamId: team.id, channel: general.id, user: alice.id, text: 'can we meet?' });
    const reply = await emu.postAsUser({ teamId: team.id, channel: general.id, user: bob.id, text: 'sure', threadTs: parent });
    await emu.messageShortcut({ teamId: team.id, userId: alice.id, channel: general.id, messageTs: reply, callbackId: 'book_meeting' });
    const p = payloadOf(interactions()[0]!);
    expect(p).toMatchObject({
      type: 'message_action', callback_id: 'book_meeting', trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]+$/),
      team: { id: team.id, domain: 'acme' }, user: { id: alice.id, name: 'alice', team_id: team.id },
      channel: { id: general.id, name: 'general' }, message_ts: reply,
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

    t += 2999;
    const opened = await bot.views.open({ trigger_id: p['trigger_id'], view: FORM as never });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V/), type: 'modal', callback_id: 'book_meeting_modal', root_view_id: opened.view!.id, previous_view_id: null });
    // The person who used the shortcut sees the modal, nobody else.
    expect(stackIds()).toEqual([opened.view!.id]);
    expect(stackIds(bob.id)).toEqual([]);
    expect((await slackError(bot.views.open({ trigger_id: p['trigger_id'], view: FORM as never }))).error).toBe('exchanged_trigger_id');

    const late = payloadOf(interactions()[1]!)['trigger_id'] as string;
    t += 3001 - 2999;
    expect((await slackError(bot.views.open({ trigger_id: late, view: FORM as never }))).error).toBe('expired_trigger_id');
  });

  it('views.open fills in block_id and action_id where the view has none, and refuses a modal with inputs but no submit', async () => {
    const v = await openModal({ ...FORM, blocks: [...FORM.blocks, { type: 'actions', elements: [{ type: 'button', text: plain('Help') }] }] });
    expect(v['blocks'][0]).toEqual({ ...FORM.blocks[0], block_id: expect.any(String) });
    expect(v['blocks'][1]).toEqual(FORM.blocks[1]);
    expect(v['blocks'][8]).toEqual({ type: 'actions', block_id: expect.any(String), elements: [{ type: 'button', text: plain('Help'), action_id: expect.any(String) }] });
    const { submit: _s, ...noSubmit } = FORM;
    const err = await slackError(bot.views.open({ trigger_id: emu.issueTriggerId(team.id, alice.id), view: noSubmit as never }));
    expect(err).toEqual({ error: 'invalid_arguments', messages: ['[ERROR] submit is required when an input block is within the blocks array [json-pointer:/view/submit]'] });
  });
});

describe('submitView', () => {
  it('delivers the documented view_submission payload with view.state.values in Slack\'s shape; an empty 200 closes the modal', async () => {
    const opened = await openModal();
    const res = await emu.submitView({
      teamId: team.id, userId: alice.id, viewId: opened['id'],
      values: { note: { text: 'Tuesday works' }, fields: { fields: ['phone', 'email'] }, mode: { mode: 'video' }, owner: { user: bob.id }, count: { n: 3 } },
    });
    expect(res).toEqual({ status: 200, body: '', outcome: { action: 'closed', closedViewIds: [opened['id']], openViewIds: [] } });
    expect(interactions()).toHaveLength(1);
    const p = payloadOf(interactions()[0]!);
    expect(Object.keys(p).sort()).toEqual([
      'api_app_id', 'enterprise', 'is_enterprise_install', 'response_urls', 'team', 'token', 'trigger_id', 'type', 'user', 'view',
    ]);
    expect(p).toMatchObject({
      type: 'view_submission', team: { id: team.id, domain: 'acme' },
      user: { id: alice.id, username: 'alice', name: 'alice', team_id: team.id },
      api_app_id: 'A0TBRIDGE1', token: expect.any(String), trigger_id: expect.stringMatching(/^\d+\.\d+\.[0-9a-f]+$/),
      response_urls: [], is_enterprise_install: false, enterprise: null,
    });
    expect(Object.keys(p['view']).sort()).toEqual([
      'app_id', 'app_installed_team_id', 'blocks', 'bot_id', 'callback_id', 'clear_on_close', 'close', 'external_id', 'hash', 'id',
      'notify_on_close', 'previous_view_id', 'private_metadata', 'root_view_id', 'state', 'submit', 'team_id', 'title', 'type',
    ]);
    expect(p['view']).toMatchObject({
      id: opened['id'], team_id: team.id, type: 'modal', blocks: opened['blocks'], private_metadata: FORM.private_metadata,
      callback_id: 'book_meeting_modal', hash: opened['hash'], title: FORM.title, close: FORM.close, submit: FORM.submit,
      previous_view_id: null, root_view_id: opened['id'], app_id: 'A0TBRIDGE1', external_id: '', app_installed_team_id: team.id,
      bot_id: inst.botId, clear_on_close: false, notify_on_close: false,
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
      type: 'modal', title: plain('All'), submit: plain('Go'),
      blocks: [
        { type: 'input', block_id: 'ms', label: plain('l'), element: { type: 'multi_static_select', action_id: 'a', max_selected_items: 2, option_groups: [{ label: plain('g'), options: [opt('One', '1'), opt('Two', '2'), opt('Three', '3')] }] } },
        { type: 'input', block_id: 'mu', label: plain('l'), element: { type: 'multi_users_select', action_id: 'a' } },
        { type: 'input', block_id: 'cs', label: plain('l'), element: { type: 'conversations_select', action_id: 'a', response_url_enabled: true } },
        { type: 'input', block_id: 'ch', label: plain('l'), element: { type: 'channels_select', action_id: 'a' } },
        { type: 'input', block_id: 'dp', label: plain('l'), element: { type: 'datepicker', action_id: 'a' } },
        { type: 'input', block_id: 'tp', label: plain('l'), element: { type: 'timepicker', action_id: 'a' } },
        { type: 'input', block_id: 'em', label: plain('l'), element: { type: 'email_text_input', action_id: 'a' } },
        { type: 'input', block_id: 'url', label: plain('l'), element: { type: 'url_text_input', action_id: 'a' } },
        { type: 'section', block_id: 'acc', text: { type: 'mrkdwn', text: 'Deadline' }, accessory: { type: 'datepicker', action_id: 'due', initial_date: '2025-12-01' } },
        { type: 'actions', block_id: 'acts', elements: [{ type: 'static_select', action_id: 'pick', options: [opt('A', 'a')] }, { type: 'button', action_id: 'help', text: plain('Help') }] },
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
        ms: { a: ['3', '1'] }, mu: { a: [alice.id, bob.id] }, cs: { a: secret.id }, ch: { a: general.id }, dp: { a: '2025-12-24' },
        tp: { a: '09:30' }, em: { a: 'ann@example.com' }, url: { a: 'https://example.com/x' }, acts: { pick: 'a' },
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
    expect(p['response_urls']).toEqual([{ block_id: 'cs', action_id: 'a', channel_id: secret.id, response_url: expect.stringContaining(`${emu.url}/_emulator/response-url/`) }]);
  });

  it('refuses, as Slack\'s client would, and delivers nothing: unknown block or action, a value not among the options, bad input, a required input left empty', async () => {
    const opened = await openModal();
    const base = { teamId: team.id, userId: alice.id, viewId: opened['id'] as string };
    const generated = opened['blocks'][0].block_id as string;
    await expect(emu.submitView({ ...base, values: { nope: { text: 'x' } } })).rejects.toThrow(`no block nope in view ${opened['id']} (blocks: ${generated}, note, duration, fields, mode, owner, count, followup)`);
    await expect(emu.submitView({ ...base, values: { note: { nope: 'x' } } })).rejects.toThrow(`block note of view ${opened['id']} has no element with action_id nope (action_ids: text)`);
    await expect(emu.submitView({ ...base, values: { [generated]: { x: 'y' } } })).rejects.toThrow('(action_ids: none)');
    await expect(emu.submitView({ ...base, values: { ...FILLED, duration: { minutes: '45' } } })).rejects.toThrow('block duration / action minutes (static_select): "45" is not one of the element\'s options ("15", "30")');
    await expect(emu.submitView({ ...base, values: { ...FILLED, fields: { fields: ['email', 'fax'] } } })).rejects.toThrow('"fax" is not one of the element\'s options ("email", "phone", "name")');
    await expect(emu.submitView({ ...base, values: { ...FILLED, mode: { mode: ['video'] } } })).rejects.toThrow('expected a string, got ["video"]');
    await expect(emu.submitView({ ...base, values: { ...FILLED, owner: { user: 'U0NOBODY00' } } })).rejects.toThrow(`U0NOBODY00 is not an active user of ${team.id}`);
    await expect(emu.submitView({ ...base, values: { ...FILLED, count: { n: 11 } } })).rejects.toThrow('11 is above max_value 10');
    await expect(emu.submitView({ ...base, values: { ...FILLED, count: { n: '2.5' } } })).rejects.toThrow('"2.5" is not a whole number');
    await expect(emu.submitView({ ...base, values: { note: { text: 'x'.repeat(21) } } })).rejects.toThrow('21 characters, more than the element\'s max_length 20');
    await expect(emu.submitView(base)).rejects.toThrow(`Slack would not submit view ${opened['id']}: required input block note ("Note", plain_text_input) is empty`);
    await expect(emu.submitView({ ...base, values: { duration: { minutes: null } } }))
      .rejects.toThrow('required input blocks note ("Note", plain_text_input), duration ("Meeting length", static_select) are empty');
    expect(interactions()).toHaveLength(0);
    expect(emu.deliveries().filter((d) => d.kind === 'interaction')).toHaveLength(0);
    expect(stackIds()).toEqual([opened['id']]);
  });

  it('refuses a view the person cannot submit: unknown or closed, someone else\'s, not on top, a Home tab, one without a Submit button', async () => {
    const base = { teamId: team.id, userId: alice.id, values: FILLED };
    await expect(emu.submitView({ ...base, viewId: 'V0NOPE0000' })).rejects.toThrow(`no open view V0NOPE0000 in ${team.id}`);
    const first = await openModal();
    await expect(emu.submitView({ ...base, userId: bob.id, viewId: first['id'] })).rejects.toThrow(`view ${first['id']} is open for ${alice.id}, not ${bob.id}`);
    const second = await pushView(STEP2);
    await expect(emu.submitView({ ...base, viewId: first['id'] })).rejects.toThrow(`view ${first['id']} is not the one ${alice.id} sees: ${second['id']} is on top of it`);
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
    appAnswers((p) => (p['view'].state.values.note.text.value === 'soon' ? json({ response_action: 'errors', errors: { note: 'Name a day' } }) : { status: 200 }));
    const opened = await openModal();
    const base = { teamId: team.id, userId: alice.id, viewId: opened['id'] as string };
    const first = await emu.submitView({ ...base, values: { note: { text: 'soon' }, fields: { fields: ['email'] }, duration: { minutes: '15' } } });
    expect(first.outcome).toEqual({ action: 'errors', errors: { note: 'Name a day' }, openViewIds: [opened['id']] });
    expect(emu.openViews(team.id, alice.id)[0]).toMatchObject({ id: opened['id'], state: { values: { note: { text: { value: 'soon' } }, fields: { fields: { selected_options: [opt('Email', 'email')] } } } } });
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
      ...FORM, title: plain('Check and confirm'), submit: plain('Confirm'),
      blocks: [FORM.blocks[1]!, { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: '30 minutes with Ann' } }],
    };
    appAnswers(() => json({ response_action: 'update', view: CONFIRM }));
    const opened = await openModal();
    t += 1000;
    const res = await emu.submitView({ teamId: team.id, userId: alice.id, viewId: opened['id'], values: FILLED });
    expect(res.outcome).toMatchObject({ action: 'updated', openViewIds: [opened['id']], view: { id: opened['id'], title: CONFIRM.title, root_view_id: opened['id'] } });
    const [shown] = emu.openViews(team.id, alice.id);
    expect(shown!['hash']).not.toBe(opened['hash']);
    expect(shown!['blocks']).toEqual(CONFIRM.blocks);
    expect(shown!['state']).toEqual({ values: { note: { text: { type: 'plain_text_input', value: 'Tuesday works' } } } });
    // An update Slack cannot show: an error in the modal, which stays as it was.
    appAnswers(() => json({ response_action: 'update', view: { ...CONFIRM, title: plain('x'.repeat(25)) } }));
    const bad = await emu.submitView({ teamId: team.id, userId: alice.id, viewId: opened['id'] });
    expect(bad.outcome).toEqual({
      action: 'error_shown', reason: 'invalid_response', openViewIds: [opened['id']],
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
      action: 'error_shown', reason: 'invalid_response', openViewIds: third.outcome.openViewIds,
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
    expect(await submit()).toEqual({ status: 500, body: 'boom', outcome: { action: 'error_shown', reason: 'http_error', detail: 'the app answered HTTP 500', ...stays } });
    appAnswers(() => 'hang');
    expect((await submit()).outcome).toMatchObject({ action: 'error_shown', reason: 'http_timeout', ...stays });
    appAnswers(() => ({ status: 204 }));
    expect((await submit()).outcome).toMatchObject({ action: 'error_shown', reason: 'http_error', detail: 'the app answered HTTP 204; Slack expects 200' });
    appAnswers(() => ({ status: 200, body: 'ok' }));
    expect((await submit()).outcome).toMatchObject({ action: 'error_shown', reason: 'invalid_response', detail: 'the body is neither empty nor JSON: "ok"' });
    appAnswers(() => json({ response_action: 'close' }));
    expect((await submit()).outcome).toMatchObject({ action: 'error_shown', reason: 'invalid_response', detail: 'unknown response_action "close" (Slack knows errors, update, push, clear)' });
    appAnswers(() => json({ response_action: 'errors', errors: { duration: 'Pick one', [opened['blocks'][0].block_id]: 'x' } }));
    expect((await submit()).outcome).toMatchObject({ action: 'error_shown', reason: 'invalid_response', detail: expect.stringContaining('not input blocks') });
    emu.setInteractivityUrl('');
    expect((await submit()).outcome).toMatchObject({ action: 'error_shown', reason: 'not_delivered', ...stays });
    emu.setInteractivityUrl(`${rx.url}/slack/interactions`);
    // A JSON object without response_action is an acknowledgement like an empty body.
    appAnswers(() => json({}));
    expect((await submit()).outcome).toEqual({ action: 'closed', closedViewIds: [opened['id']], openViewIds: [] });
    expect(emu.deliveries().filter((d) => d.kind === 'interaction').map((d) => d.eventType)).toEqual(Array(7).fill('view_submission'));
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
      type: 'view_closed', team: { id: team.id, domain: 'acme' }, user: { id: alice.id, username: 'alice', name: 'alice', team_id: team.id },
      api_app_id: 'A0TBRIDGE1', is_cleared: true, is_enterprise_install: false, enterprise: null,
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
    expect(await emu.closeView({ teamId: team.id, userId: alice.id, viewId: root['id'] })).toEqual({ closedViewIds: [root['id']], openViewIds: [], notified: false, status: null, body: null });
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

describe('App Home', () => {
  it('openAppHome sends app_home_opened with the person\'s DM channel, and the published Home tab once there is one', async () => {
    const first = emu.openAppHome({ teamId: team.id, userId: alice.id });
    expect(first).toEqual({ channel: expect.stringMatching(/^D/), view: null, event: expect.any(Object) });
    expect(first.channel).toBe(emu.openAppDm(team.id, alice.id).id);
    await emu.idle();
    const [env] = events();
    expect(env).toMatchObject({ type: 'event_callback', team_id: team.id, api_app_id: 'A0TBRIDGE1' });
    expect(env!['event']).toEqual({ type: 'app_home_opened', user: alice.id, channel: first.channel, tab: 'home', event_ts: expect.stringMatching(/^\d+\.\d{6}$/) });

    const published = await bot.views.publish({ user_id: alice.id, view: { type: 'home', callback_id: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Hi' } }] } });
    const home = emu.homeView(team.id, alice.id);
    expect(home).toEqual(published.view);
    expect(home).toMatchObject({ type: 'home', callback_id: 'home', blocks: [{ type: 'section', block_id: expect.any(String) }], app_id: 'A0TBRIDGE1', bot_id: inst.botId });
    expect(emu.homeView(team.id, bob.id)).toBeNull();
    const second = emu.openAppHome({ teamId: team.id, userId: alice.id });
    expect(second.view).toEqual(home);
    await emu.idle();
    // The Messages tab carries no view.
    emu.openAppHome({ teamId: team.id, userId: alice.id, tab: 'messages' });
    await emu.idle();
    expect(events().slice(1).map((e) => e['event'])).toEqual([
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
    expect(await bad({ type: 'modal', title: plain('x'), blocks: [] })).toEqual({ error: 'invalid_arguments', messages: ['[ERROR] must be a valid enum value [json-pointer:/view/type]'] });
    expect(await bad({ type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }))
      .toEqual({ error: 'invalid_arguments', messages: ['[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]'] });
    expect(await bad({ type: 'home', blocks: [{ type: 'section' }] }))
      .toEqual({ error: 'invalid_arguments', messages: ['[ERROR] must provide either text or fields [json-pointer:/view/blocks/0]'] });
    expect(await bad({ type: 'home', blocks: [{ type: 'spaceship' }] }))
      .toEqual({ error: 'invalid_arguments', messages: ['[ERROR] invalid value for type [json-pointer:/view/blocks/0/type]'] });
    expect((await bad({ type: 'home', callback_id: 'c'.repeat(256), blocks: [] })).messages).toEqual(['[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]']);
    expect((await bad({ type: 'home', private_metadata: 'm'.repeat(3001), blocks: [] })).messages).toEqual(['[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]']);
    expect((await slackError(bot.views.publish({ user_id: 'U0NOBODY00', view: { type: 'home', blocks: [] } }))).error).toBe('user_not_found');
    expect(emu.homeView(team.id, alice.id)).toBeNull();

    const ok = await bot.views.publish({ user_id: alice.id, view: { type: 'home', blocks: Array.from({ length: 100 }, () => ({ type: 'divider' })) } });
    t += 1000;
    const again = await bot.views.publish({ user_id: alice.id, hash: ok.view!.hash!, view: { type: 'home', blocks: [{ type: 'divider' }] } });
    expect(again.view!.id).toBe(ok.view!.id);
    expect(emu.homeView(team.id, alice.id)!['blocks']).toHaveLength(1);
    expect((await slackError(bot.views.publish({ user_id: alice.id, hash: ok.view!.hash!, view: { type: 'home', blocks: [] } }))).error).toBe('hash_conflict');
  });

  it('input elements get Block Kit sanity in every view: known element types, option limits', async () => {
    const withInput = (element: object) => ({ ...FORM, blocks: [{ type: 'input', block_id: 'b', label: plain('l'), element }] });
    const err = (element: object) => slackError(bot.views.open({ trigger_id: emu.issueTriggerId(team.id, alice.id), view: withInput(element) as never }));
    expect((await err({ type: 'button', action_id: 'a', text: plain('x') })).messages).toEqual(['[ERROR] invalid value for type [json-pointer:/view/blocks/0/element/type]']);
    const eleven = Array.from({ length: 11 }, (_, i) => opt(`o${i}`, `v${i}`));
    expect((await err({ type: 'checkboxes', action_id: 'a', options: eleven })).messages).toEqual(['[ERROR] must be no more than 10 items [json-pointer:/view/blocks/0/element/options]']);
    expect((await err({ type: 'static_select', action_id: 'a', options: [] })).messages).toEqual(['[ERROR] must provide a non-empty array [json-pointer:/view/blocks/0/element/options]']);
    expect((await err({ type: 'static_select', action_id: 'a', options: [opt('x'.repeat(76), 'v')] })).messages).toEqual(['[ERROR] must be less than 76 characters [json-pointer:/view/blocks/0/element/options/0/text/text]']);
  });
});

describe('/_emulator/ HTTP control surface', () => {
  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: Record<string, any> }> {
    const res = await fetch(`${emu.url}/_emulator/${path}`, {
      method, ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  }

  it('submits and closes views, opens the App Home, shows what the person sees; errors are 400 with the message', async () => {
    const opened = await openModal();
    const who = `teamId=${team.id}&userId=${alice.id}`;
    expect((await call('GET', `views/open?${who}`)).json).toEqual({ views: [expect.objectContaining({ id: opened['id'] })] });
    expect(await call('POST', 'interactions/submit-view', { teamId: team.id, userId: alice.id, viewId: opened['id'], values: {} }))
      .toMatchObject({ status: 400, json: { ok: false, error: expect.stringContaining('required input block note') } });
    expect(await call('POST', 'interactions/submit-view', { teamId: team.id, userId: alice.id, viewId: opened['id'], values: { note: { text: 'x' }, duration: { minutes: '99' } } }))
      .toMatchObject({ status: 400, json: { ok: false, error: expect.stringContaining('"99" is not one of the element\'s options') } });
    appAnswers(() => json({ response_action: 'errors', errors: { note: 'Too short' } }));
    expect(await call('POST', 'interactions/submit-view', { teamId: team.id, userId: alice.id, viewId: opened['id'], values: FILLED })).toEqual({
      status: 200,
      json: { status: 200, body: JSON.stringify({ response_action: 'errors', errors: { note: 'Too short' } }), outcome: { action: 'errors', errors: { note: 'Too short' }, openViewIds: [opened['id']] } },
    });
    expect(await call('POST', 'interactions/close-view', { teamId: team.id, userId: alice.id, viewId: opened['id'] }))
      .toEqual({ status: 200, json: { closedViewIds: [opened['id']], openViewIds: [], notified: false, status: null, body: null } });
    expect((await call('GET', `views/open?${who}`)).json).toEqual({ views: [] });
    expect(await call('POST', 'interactions/close-view', { teamId: team.id, userId: alice.id, viewId: opened['id'] }))
      .toMatchObject({ status: 400, json: { error: expect.stringContaining(`no open view ${opened['id']}`) } });

    expect((await call('GET', `views/home?${who}`)).json).toEqual({ view: null });
    await bot.views.publish({ user_id: alice.id, view: { type: 'home', blocks: [{ type: 'divider' }] } });
    const home = (await call('GET', `views/home?${who}`)).json['view'];
    expect(home).toMatchObject({ type: 'home' });
    const opening = await call('POST', 'interactions/open-app-home', { teamId: team.id, userId: alice.id });
    expect(opening).toEqual({ status: 200, json: { channel: expect.stringMatching(/^D/), view: home, event: expect.objectContaining({ type: 'app_home_opened', tab: 'home', view: home }) } });
    expect((await call('POST', 'interactions/open-app-home', { teamId: team.id, userId: alice.id, tab: 'settings' })).status).toBe(400);
    expect((await call('GET', `views/home?teamId=${team.id}`)).json).toEqual({ ok: false, error: '"userId" (string) is required' });
  });
});
