// The modals of the message shortcuts ("Book a meeting", "Collect info") and the reading of
// their submissions. Pure: Block Kit in, Block Kit out. The modal carries which conversation it
// is about in private_metadata, so the submission needs no other state.
import type { SlackView } from '../slack-api.ts';
import { FORM_FIELDS, type FormField } from '../../platform/platform-api.ts';
import { labelOf, listWithin, shown, shownInBold } from './mrkdwn.ts';
import { SLACK_LIMITS, clip } from './slack-limits.ts';

export const BOOK_MEETING_SHORTCUT = 'book_meeting';
export const COLLECT_INFO_SHORTCUT = 'collect_info';
export const BOOK_MEETING_VIEW = 'book_meeting_modal';
export const COLLECT_INFO_VIEW = 'collect_info_modal';

export const MEETING_MINUTES = [15, 30, 45, 60] as const;
export const DEFAULT_MEETING_MINUTES = 30;
/** Slack: at most 100 options in a static_select. */
const MAX_OPTIONS = 100;

export interface ShortcutContext {
  orgId: string;
  conversationId: string;
  channelId: string;
  threadTs: string;
}

const fieldLabel: Record<FormField, string> = { email: 'Email', phone: 'Phone', name: 'Name', company: 'Company', title: 'Job title' };
const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
const option = (text: string, value: string) => ({ text: plain(text), value });

export function bookMeetingModal(input: {
  context: ShortcutContext;
  visitorName: string;
  calendars: Array<{ agentId: string; name: string }>;
  defaultAgentId: string;
}): SlackView {
  const calendars = [
    ...input.calendars.filter((c) => c.agentId === input.defaultAgentId),
    ...input.calendars.filter((c) => c.agentId !== input.defaultAgentId),
  ].slice(0, MAX_OPTIONS);
  // An option's value is at most 150 characters: a calendar whose agent id is longer cannot be offered.
  const calendarOptions = calendars
    .filter((c) => c.agentId.length > 0 && c.agentId.length <= SLACK_LIMITS.optionValue)
    .map((c) => option(clip(c.name.trim() || c.agentId, SLACK_LIMITS.optionText), c.agentId));
  return {
    type: 'modal',
    callback_id: BOOK_MEETING_VIEW,
    private_metadata: JSON.stringify(input.context),
    title: plain('Book a meeting'),
    submit: plain('Offer times'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Offer *${shownInBold(input.visitorName, 300)}* a meeting: they pick a time in the calendar you choose, right in the chat.`,
        },
      },
      {
        type: 'input',
        block_id: 'duration',
        label: plain('Meeting length'),
        element: {
          type: 'static_select',
          action_id: 'minutes',
          options: MEETING_MINUTES.map((m) => option(`${m} minutes`, String(m))),
          initial_option: option(`${DEFAULT_MEETING_MINUTES} minutes`, String(DEFAULT_MEETING_MINUTES)),
        },
      },
      calendarOptions.length > 0
        ? {
            type: 'input',
            block_id: 'calendar',
            label: plain('Whose calendar'),
            element: { type: 'static_select', action_id: 'agent', options: calendarOptions, initial_option: calendarOptions[0] },
          }
        : // Slack refuses a select without options: say why there is nothing to choose.
          { type: 'context', elements: [{ type: 'mrkdwn', text: 'No calendar can be offered: no mapped agent has an id Slack can carry.' }] },
    ],
  };
}

export function collectInfoModal(input: { context: ShortcutContext; visitorName: string; alreadyKnown: FormField[] }): SlackView {
  const options = FORM_FIELDS.map((f) => option(fieldLabel[f], f));
  const initial = options.filter((o) => !input.alreadyKnown.includes(o.value as FormField));
  return {
    type: 'modal',
    callback_id: COLLECT_INFO_VIEW,
    private_metadata: JSON.stringify(input.context),
    title: plain('Collect info'),
    submit: plain('Ask the visitor'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Ask *${shownInBold(input.visitorName, 300)}* to fill in a short form in the chat. Their answers appear in this thread.`,
        },
      },
      {
        type: 'input',
        block_id: 'fields',
        label: plain('What to ask for'),
        element: { type: 'checkboxes', action_id: 'fields', options, ...(initial.length > 0 ? { initial_options: initial } : {}) },
      },
    ],
  };
}

/** A submitted modal's values as Slack sends them (view.state.values). */
type StateValues = Record<string, Record<string, { selected_option?: { value?: string } | null; selected_options?: Array<{ value?: string }> }>>;

export type MeetingChoice = { durationMinutes: number; agentId: string };

export function readMeetingSubmission(values: StateValues): MeetingChoice | null {
  const minutes = Number(values['duration']?.['minutes']?.selected_option?.value);
  const agentId = values['calendar']?.['agent']?.selected_option?.value;
  if (!MEETING_MINUTES.includes(minutes as (typeof MEETING_MINUTES)[number]) || !agentId) return null;
  return { durationMinutes: minutes, agentId };
}

export function readFormSubmission(values: StateValues): FormField[] | null {
  const chosen = (values['fields']?.['fields']?.selected_options ?? []).map((o) => o.value);
  const fields = FORM_FIELDS.filter((f) => chosen.includes(f));
  return fields.length > 0 ? fields : null;
}

export function readShortcutContext(privateMetadata: string | undefined): ShortcutContext | null {
  try {
    const parsed = JSON.parse(privateMetadata ?? '') as Partial<ShortcutContext>;
    return parsed.orgId && parsed.conversationId && parsed.channelId && parsed.threadTs
      ? { orgId: parsed.orgId, conversationId: parsed.conversationId, channelId: parsed.channelId, threadTs: parsed.threadTs }
      : null;
  } catch {
    return null;
  }
}

/** Each answer is cut to this in the thread; the platform keeps the whole form. */
const ANSWER_LIMIT = 500;

/** The visitor's answers as the thread shows them: as many as fit in one post, the rest counted. */
export function formAnswersText(visitorName: string, values: Record<string, string>): string {
  const head = `:memo: *${shownInBold(visitorName, 200)}* filled in the form:`;
  const entries = Object.entries(values);
  if (entries.length === 0) return `${head}\n_(nothing)_`;
  const lines = entries.map(([k, v]) => `*${shown(labelOf(fieldLabel, k), 100)}:* ${shown(String(v), ANSWER_LIMIT)}`);
  return `${head}\n${listWithin(lines, SLACK_LIMITS.messageText - head.length - 1, '\n')}`;
}

export function fieldList(fields: FormField[]): string {
  return fields
    .filter((f) => Object.hasOwn(fieldLabel, f))
    .map((f) => fieldLabel[f].toLowerCase())
    .join(', ');
}
