// The modal and App Home tests' workspace (slack-modals-*.test.ts, slack-app-home.test.ts): Acme
// with alice, bob and #general, the app installed and in #general, the setup's deliveries
// forgotten (useModalsWorkspace, which hands back the test's clock); the product's kind of modal
// (FORM) and the views pushed on it; what the receiver got, the app's answers to interactions, and
// opening or pushing a view as the app.
import { WebClient } from '@slack/web-api';
import { expect } from 'vitest';
import type { Answer, ReceivedRequest } from '../../emulators/slack/test-receiver.ts';
import { alice, bob, emu, general, inst, payloadOf, rx, slackErrorBody, team, useAcmeWorkspace, type TestClock } from './emulator-test-helpers.ts';

export { alice, bob, emu, general, inst, rx, team };
// Set by useModalsWorkspace before each test; the tests import it as a live binding.
export let bot: WebClient;

export const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
export const opt = (text: string, value: string) => ({ text: plain(text), value });

/** The product's kind of modal: one input of each modelled type, some required, some with initial values. */
export const FORM = {
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
      type: 'input',
      block_id: 'duration',
      label: plain('Meeting length'),
      element: {
        type: 'static_select',
        action_id: 'minutes',
        options: [opt('15 minutes', '15'), opt('30 minutes', '30')],
        initial_option: opt('30 minutes', '30'),
      },
    },
    {
      type: 'input',
      block_id: 'fields',
      optional: true,
      label: plain('Ask for'),
      element: { type: 'checkboxes', action_id: 'fields', options: [opt('Email', 'email'), opt('Phone', 'phone'), opt('Name', 'name')] },
    },
    {
      type: 'input',
      block_id: 'mode',
      optional: true,
      label: plain('Where'),
      element: { type: 'radio_buttons', action_id: 'mode', options: [opt('Video', 'video'), opt('Phone', 'phone')] },
    },
    { type: 'input', block_id: 'owner', optional: true, label: plain('Whose calendar'), element: { type: 'users_select', action_id: 'user' } },
    {
      type: 'input',
      block_id: 'count',
      optional: true,
      label: plain('Attendees'),
      element: { type: 'number_input', action_id: 'n', is_decimal_allowed: false, min_value: '1', max_value: '10' },
    },
    {
      type: 'input',
      block_id: 'followup',
      optional: true,
      label: plain('Anything else'),
      element: { type: 'plain_text_input', action_id: 'text', multiline: true },
    },
  ],
};
export const FILLED = { note: { text: 'Tuesday works' } };

export const STEP2 = {
  type: 'modal' as const,
  callback_id: 'step2',
  title: plain('Confirm'),
  submit: plain('Confirm'),
  notify_on_close: true,
  blocks: [{ type: 'input', block_id: 'confirm', label: plain('Type yes'), element: { type: 'plain_text_input', action_id: 'yes' } }],
};
export const INFO = {
  type: 'modal' as const,
  title: plain('Done'),
  close: plain('Close'),
  blocks: [{ type: 'section', block_id: 'msg', text: { type: 'mrkdwn', text: 'Sent.' } }],
};

/** The error code and Slack's explanation messages of a failed call. */
export async function slackError(p: Promise<unknown>): Promise<{ error: string; messages: string[] }> {
  const body = await slackErrorBody(p);
  return { error: String(body['error']), messages: (body['response_metadata'] as { messages?: string[] } | undefined)?.messages ?? [] };
}

/** Registers the hooks that start the workspace before each test and stop it after; returns the test's clock. */
export function useModalsWorkspace(): TestClock {
  return useAcmeWorkspace({
    workspace: {
      interactivityPath: '/slack/interactions',
      eventsPath: '/slack/events',
      emulator: { eventRetryDelaysMs: [], eventResponseTimeoutMs: 500 },
      alice: { name: 'alice', realName: 'Alice A' },
    },
    bob: { name: 'bob' },
    setUp: async () => {
      emu.addToChannel(general.id, inst.botUserId);
      bot = new WebClient(inst.botToken, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
      await emu.idle();
      rx.requests.length = 0;
    },
  });
}

export const interactions = (): ReceivedRequest[] => rx.requests.filter((r) => r.path === '/slack/interactions');
export const events = (): Record<string, any>[] =>
  rx.requests
    .filter((r) => r.path === '/slack/events')
    .map((r) => {
      expect(r.signatureValid).toBe(true);
      return r.json() as Record<string, any>;
    });

/** The app answers interactions with `fn` (events get an empty 200). */
export function appAnswers(fn: (payload: Record<string, any>) => Answer): void {
  rx.respond((req) => (req.path === '/slack/interactions' ? fn(payloadOf(req)) : { status: 200 }));
}
export const json = (body: unknown): Answer => ({ status: 200, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

export async function openModal(view: object = FORM, userId = alice.id): Promise<Record<string, any>> {
  const res = await bot.views.open({ trigger_id: emu.issueTriggerId(team.id, userId), view: view as never });
  return res.view as Record<string, any>;
}
export async function pushView(view: object, userId = alice.id): Promise<Record<string, any>> {
  const res = await bot.views.push({ trigger_id: emu.issueTriggerId(team.id, userId), view: view as never });
  return res.view as Record<string, any>;
}
export const stackIds = (userId = alice.id): string[] => emu.openViews(team.id, userId).map((v) => v['id'] as string);
