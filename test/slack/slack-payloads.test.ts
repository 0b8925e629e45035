// Slack payloads parsed where the worker takes the job (src/slack/slack-events.ts,
// slack-interactions.ts, src/jobs/processors/slack-payload.ts). The schemas accept what Slack
// sends (its documented examples, extra fields and all); a payload Threadbridge handles that does
// not parse is logged with its type and fails its job for good (dead-lettered, not retried), before
// anything is read or sent; one that is not Threadbridge's (another button, a modal closed) is
// not an error. The processors run on fake dependencies that fail the test if they are touched.
import { UnrecoverableError, type Job } from 'bullmq';
import { describe, expect, it, vi } from 'vitest';
import type { WorkerDeps } from '../../src/jobs/worker-deps.ts';
import { processSlackEvent } from '../../src/jobs/processors/slack-event.processor.ts';
import { processSlackInteraction } from '../../src/jobs/processors/slack-interaction.processor.ts';
import { classifyFailure, settleFailure } from '../../src/queues/job-errors.ts';
import type { DeadLetter } from '../../src/queues/dead-letters.ts';
import { appHomeOpenedSchema, directoryEventSchemas, directoryEventTypes, type SlackEventJob } from '../../src/slack/slack-events.ts';
import { blockActionsSchema, messageActionSchema, viewSubmissionSchema, type SlackInteractionJob } from '../../src/slack/slack-interactions.ts';
import { BOOK_MEETING_SHORTCUT, BOOK_MEETING_VIEW } from '../../src/slack/format/shortcut-views.ts';

const team = { id: 'T123ABC456', domain: 'acme', enterprise_id: 'E1' };
const user = { id: 'U123ABC456', username: 'alice', name: 'alice', team_id: 'T123ABC456' };

// Shaped after Slack's reference pages (interaction payloads, events), with the fields Threadbridge never reads.
const blockActions = {
  type: 'block_actions',
  user,
  api_app_id: 'A123',
  token: 'deprecated',
  team,
  enterprise: null,
  is_enterprise_install: false,
  container: { type: 'message', message_ts: '1702463410.208979', channel_id: 'C069FDS4JWV', is_ephemeral: false, thread_ts: '1702463400.000100' },
  trigger_id: '552.633.9a93',
  channel: { id: 'C069FDS4JWV', name: 'deals' },
  message: { type: 'message', ts: '1702463410.208979', text: 'Rate this lead', blocks: [] },
  state: { values: {} },
  response_url: 'https://hooks.slack.com/actions/T/1/x',
  actions: [
    { action_id: 'qualify_lead:hot', block_id: 'rate', text: { type: 'plain_text', text: 'Hot' }, value: 'hot', type: 'button', action_ts: '1702463412.1' },
  ],
};
const messageAction = {
  type: 'message_action',
  token: 'deprecated',
  action_ts: '1702463412.1',
  team,
  user,
  channel: { id: 'C069FDS4JWV', name: 'deals' },
  is_enterprise_install: false,
  enterprise: null,
  callback_id: BOOK_MEETING_SHORTCUT,
  trigger_id: '552.633.9a93',
  response_url: 'https://hooks.slack.com/app/x',
  message_ts: '1702463410.208979',
  message: { type: 'message', user: 'U2', ts: '1702463410.208979', thread_ts: '1702463400.000100', text: 'Can we talk?' },
};
const viewSubmission = {
  type: 'view_submission',
  team,
  user,
  api_app_id: 'A123',
  token: 'deprecated',
  trigger_id: '552.633.9a93',
  enterprise: null,
  is_enterprise_install: false,
  response_urls: [],
  view: {
    id: 'V123ABC456',
    team_id: 'T123ABC456',
    type: 'modal',
    blocks: [],
    private_metadata: '{}',
    callback_id: BOOK_MEETING_VIEW,
    hash: '1231232323.12321312',
    state: { values: { duration: { minutes: { type: 'static_select', selected_option: { value: '30' } } } } },
    title: { type: 'plain_text', text: 'Book a meeting' },
    clear_on_close: false,
    notify_on_close: false,
    root_view_id: 'V123ABC456',
    app_id: 'A123',
    external_id: '',
    bot_id: 'B1',
  },
};

describe('the schemas accept what Slack sends', () => {
  it('interactions: block_actions, message_action, view_submission, extra fields kept where the shape is open', () => {
    expect(blockActionsSchema.parse(blockActions).container).toEqual(blockActions.container);
    expect(messageActionSchema.parse(messageAction).message.thread_ts).toBe('1702463400.000100');
    const view = viewSubmissionSchema.parse(viewSubmission).view;
    expect({ id: view.id, hash: view.hash, callback_id: view.callback_id }).toEqual({
      id: 'V123ABC456',
      hash: '1231232323.12321312',
      callback_id: BOOK_MEETING_VIEW,
    });
    expect(view['root_view_id']).toBe('V123ABC456');
  });

  it('interactions of an org-wide (Enterprise Grid) install: team null, the organization and the user’s workspace', () => {
    const grid = { team: null, enterprise: { id: 'E0GRID', name: 'Acme Group' }, is_enterprise_install: true, user: { ...user, team_id: 'T0002' } };
    expect(blockActionsSchema.parse({ ...blockActions, ...grid }).container).toEqual(blockActions.container);
    expect(messageActionSchema.parse({ ...messageAction, ...grid }).message.thread_ts).toBe('1702463400.000100');
    const submitted = viewSubmissionSchema.parse({ ...viewSubmission, ...grid, view: { ...viewSubmission.view, app_installed_team_id: 'T0002' } });
    expect(submitted.view.callback_id).toBe(BOOK_MEETING_VIEW);
  });

  it('app_home_opened: with its tab and view, and without (as older clients send it)', () => {
    const full = {
      type: 'app_home_opened',
      user: 'U123ABC456',
      channel: 'D123ABC456',
      event_ts: '1515449522000016',
      tab: 'home',
      view: { id: 'V1', type: 'home', blocks: [] },
    };
    expect(appHomeOpenedSchema.parse(full)).toEqual(full);
    expect(appHomeOpenedSchema.safeParse({ type: 'app_home_opened', user: 'U1', event_ts: '1.2' }).success).toBe(true);
  });

  it('directory events: one schema per handled type, each taking Slack’s example', () => {
    expect(Object.keys(directoryEventSchemas).sort()).toEqual([...directoryEventTypes].sort());
    const channel = { id: 'C02ELGNBH', name: 'new_name', created: 1360782804, creator: 'U1', is_channel: true, name_normalized: 'new_name' };
    const examples: Record<string, object> = {
      channel_created: { channel },
      channel_rename: { channel },
      group_rename: { channel: { ...channel, id: 'G02ELGNBH', is_mpim: false } },
      channel_archive: { channel: 'C024BE91L', user: 'U024BE7LH' },
      channel_unarchive: { channel: 'C024BE91L', user: 'U024BE7LH' },
      channel_deleted: { channel: 'C024BE91L' },
      channel_left: { channel: 'C024BE91L', actor_id: 'U1', event_ts: '1.2' },
      channel_shared: { connected_team_id: 'E163Q94DX', channel: 'C123ABC456' },
      channel_unshared: { previously_connected_team_id: 'E163Q94DX', channel: 'C123ABC456', is_ext_shared: false },
      group_archive: { channel: 'G024BE91L' },
      group_unarchive: { channel: 'G024BE91L' },
      group_deleted: { channel: 'G024BE91L' },
      group_left: { channel: 'G024BE91L', actor_id: 'U1' },
      member_joined_channel: { user: 'W123ABC456', channel: 'C123ABC456', channel_type: 'C', team: 'T123ABC456', inviter: 'U123456789', enterprise: 'E1' },
      member_left_channel: { user: 'W123ABC456', channel: 'C123ABC456', channel_type: 'C', team: 'T123ABC456' },
      team_join: { user: { id: 'W1', name: 'nora', profile: { real_name: 'Nora' }, deleted: false } },
      user_change: { user: { id: 'W1', name: 'nora', profile: { display_name: 'nora' } }, cache_ts: 1 },
    };
    for (const type of directoryEventTypes) {
      const event = { type, event_ts: '1360782804.083113', ...examples[type] };
      expect(directoryEventSchemas[type]!.safeParse(event), type).toMatchObject({ success: true, data: event });
    }
  });
});

/** Dependencies that record what is logged and fail the test on anything else. */
function fakeDeps() {
  const logged: Array<{ level: string; fields: unknown; msg: unknown }> = [];
  const logger = {
    child: () => logger,
    ...Object.fromEntries(
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((level) => [
        level,
        (fields: unknown, msg?: unknown) => void logged.push({ level, fields, msg }),
      ]),
    ),
  };
  const untouched = (what: string) =>
    new Proxy(
      {},
      {
        get: (_, key) => {
          throw new Error(`${what}.${String(key)} touched`);
        },
      },
    );
  const findByTeam = vi.fn(async () => ({ teamId: 'T123ABC456', status: 'active', botUserId: 'UBOT', orgId: 'o1' }));
  const deps = {
    logger,
    now: () => new Date('2026-12-01T12:00:00Z'),
    // Past the tenant gate, the org's last Slack event is noted (the health check's): nothing of the payload.
    store: new Proxy(
      { installations: { findByTeam }, orgActivity: { noteSlackEvent: async () => undefined } },
      { get: (target, key) => (key === 'installations' || key === 'orgActivity' ? target[key] : untouched(`store.${String(key)}`)) },
    ),
    slack: untouched('slack'),
    platform: untouched('platform'),
    producer: untouched('producer'),
  } as unknown as WorkerDeps;
  return { deps, logged };
}

const interaction = (payload: object): SlackInteractionJob => ({ teamId: 'T123ABC456', payload: payload as SlackInteractionJob['payload'] });
const event = (inner: Record<string, unknown>): SlackEventJob => ({
  teamId: 'T123ABC456',
  eventId: 'Ev1',
  eventTime: null,
  event: inner as SlackEventJob['event'],
});

async function refused(run: () => Promise<void>): Promise<UnrecoverableError> {
  const error = await run().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnrecoverableError);
  expect(classifyFailure(error, 0.5).kind).toBe('fail');
  return error as UnrecoverableError;
}

describe('a Slack payload Threadbridge handles that does not parse', () => {
  const { container: _container, ...noContainer } = blockActions;
  const cases: Array<[string, object, string]> = [
    ['a rating click without its container', noContainer, 'container'],
    [
      'a Join click whose action id is not a string in another action',
      { ...blockActions, actions: [{ action_id: 'claim_chat' }, { action_id: 7 }] },
      'actions',
    ],
    ['a shortcut without its channel', { ...messageAction, channel: undefined }, 'channel'],
    ['a modal submission without its state', { ...viewSubmission, view: { ...viewSubmission.view, state: undefined } }, 'view.state'],
    ['a modal submission whose view id is a number', { ...viewSubmission, view: { ...viewSubmission.view, id: 42 } }, 'view.id'],
  ];
  it.each(cases)('%s: logged with its type and problems, failed for good, nothing read or sent', async (_name, payload, field) => {
    const { deps, logged } = fakeDeps();
    const error = await refused(() => processSlackInteraction(deps, interaction(payload)));
    const type = (payload as { type: string }).type;
    expect(error.message).toContain(`Slack interaction ${type} not understood`);
    expect(error.message).toContain(field);
    expect(logged).toEqual([{ level: 'warn', fields: { type, problems: expect.stringContaining(field) }, msg: 'Slack interaction not understood; dropped' }]);
  });

  it('events: an app_home_opened without a user, a rename whose name is not a string, a user_change without the user', async () => {
    for (const inner of [
      { type: 'app_home_opened', user: 7, tab: 'home' },
      { type: 'channel_rename', channel: { id: 'C1', name: { '.': 1 } } },
      { type: 'user_change', user: 'W1' },
    ]) {
      const { deps, logged } = fakeDeps();
      const error = await refused(() => processSlackEvent(deps, event(inner)));
      expect(error.message).toContain(`Slack event ${inner.type} not understood`);
      expect(logged.filter((l) => l.level === 'warn')).toEqual([
        { level: 'warn', fields: { type: inner.type, problems: expect.any(String) }, msg: 'Slack event not understood; dropped' },
      ]);
    }
  });

  it('is dead-lettered with why, and not retried', async () => {
    const { deps } = fakeDeps();
    const error = await refused(() => processSlackInteraction(deps, interaction(noContainer)));
    const job = {
      id: '7',
      name: 'block_actions',
      queueName: 'slack-interactions',
      attemptsMade: 0,
      opts: { attempts: 5 },
      data: interaction(noContainer),
    } as unknown as Job;
    const letters: DeadLetter[] = [];
    await expect(settleFailure(job, 'tok', error, async (l) => void letters.push(l))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(letters).toMatchObject([
      { queue: 'slack-interactions', jobId: '7', failedReason: expect.stringContaining('Slack interaction block_actions not understood'), attemptsMade: 1 },
    ]);
  });
});

describe('a Slack payload that is not Threadbridge’s', () => {
  it('is let go without an error: a Home tab link button, another app’s button, a modal closed, an unknown shortcut', async () => {
    for (const payload of [
      {
        ...blockActions,
        container: { type: 'view', view_id: 'V1' },
        view: { id: 'V1', type: 'home' },
        actions: [{ action_id: 'open_thread', type: 'button', url: 'https://x', action_ts: '1.2' }],
      },
      { ...blockActions, actions: [{ action_id: 'someone_else', type: 'static_select', selected_option: null }] },
      { type: 'view_closed', team, user, view: { id: 'V1', callback_id: BOOK_MEETING_VIEW }, is_cleared: false },
      { ...messageAction, callback_id: 'other_shortcut' },
    ]) {
      const { deps, logged } = fakeDeps();
      await processSlackInteraction(deps, interaction(payload));
      expect(logged).toEqual([{ level: 'debug', fields: { teamId: 'T123ABC456', type: payload.type }, msg: 'interaction not handled' }]);
    }
  });

  it('events: the Messages tab opened is not an error, and publishes nothing', async () => {
    const { deps, logged } = fakeDeps();
    await processSlackEvent(deps, event({ type: 'app_home_opened', user: 'U1', channel: 'D1', tab: 'messages', event_ts: '1.2' }));
    expect(logged.filter((l) => l.level === 'warn')).toEqual([]);
  });
});
