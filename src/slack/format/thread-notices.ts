// The short notices posted into a chat's threads (assignment, who took it, a meeting offered or
// booked, a form asked for or answered) and the explanations a rep gets when a shortcut or Join
// cannot act. Pure: data in, mrkdwn out. Every outside value (names, field values) is escaped and
// cut, and lists are counted past a point, so each text stays within Slack's 4,000 characters.
import type { FormField } from '../../platform/platform-api.ts';
import { slackTime } from './conversation-messages.ts';
import { mention, shown } from './mrkdwn.ts';
import { BOOK_MEETING_SHORTCUT, COLLECT_INFO_SHORTCUT, fieldList } from './shortcut-views.ts';
import { unmappedUserNotice } from './notices.ts';

const NAME_LIMIT = 200;

/** Someone in Slack (mentioned) or known only by name (escaped, cut). */
export type Person = { slackUserId: string } | { name: string };

function who(person: Person): string {
  return 'slackUserId' in person ? mention(person.slackUserId) : shown(person.name, NAME_LIMIT);
}

export function assignedText(assignee: Person): string {
  return `:bust_in_silhouette: Assigned to ${who(assignee)}.`;
}

export function tookChatText(by: Person, fromConsole: boolean): string {
  return `:white_check_mark: ${who(by)} took this chat${fromConsole ? ' from the chat console' : ''}. You can still write here: the visitor gets it.`;
}

export function alreadyTakenText(holderSlackUserId: string): string {
  return `${mention(holderSlackUserId)} already has this chat.`;
}

export function meetingOfferedText(input: { bySlackUserId: string; visitorName: string; durationMinutes: number; calendarOwner: Person | null }): string {
  const whose = input.calendarOwner ? `${who(input.calendarOwner)}'s` : 'their';
  return `:calendar: ${mention(input.bySlackUserId)} offered ${shown(input.visitorName, NAME_LIMIT)} a ${input.durationMinutes}-minute meeting on ${whose} calendar.`;
}

export function formRequestedText(input: { bySlackUserId: string; visitorName: string; fields: FormField[] }): string {
  return `:memo: ${mention(input.bySlackUserId)} asked ${shown(input.visitorName, NAME_LIMIT)} for: ${fieldList(input.fields)}.`;
}

export function meetingBookedText(input: { visitorName: string; with: Person; startsAt: string }): string {
  return `:white_check_mark: ${shown(input.visitorName, NAME_LIMIT)} booked a meeting with ${who(input.with)}: ${slackTime(input.startsAt)}.`;
}

const shortcutNames = new Map<string, string>([
  [BOOK_MEETING_SHORTCUT, 'Book a meeting'],
  [COLLECT_INFO_SHORTCUT, 'Collect info'],
]);

/** Why a message shortcut did nothing, as the rep who used it is told. */
export function shortcutRefusal(callbackId: string, why: 'not-in-chat' | 'unmapped' | 'ended' | 'too-slow'): string {
  const name = `*${shortcutNames.get(callbackId) ?? 'This shortcut'}*`;
  switch (why) {
    case 'not-in-chat':
      return `${name} works on the messages of a chat's thread: open the thread of the chat it is for, and use the shortcut on one of its messages.`;
    case 'unmapped':
      return unmappedUserNotice(`${name} is not available`);
    case 'ended':
      return `${name} is not available: this chat has ended, so the visitor is no longer there to see it.`;
    case 'too-slow':
      return `${name} took too long to open; please try again.`;
  }
}
