// The reminder texts: one chat's (in its thread), several chats' due together in one channel
// (one post listing them), and the escalation note. Pure: data in, mrkdwn out.
import { listWithin, mention, shown } from './mrkdwn.ts';
import { SLACK_LIMITS, linkTarget } from './slack-limits.ts';

/** Mentions take at most this much of a reminder; the rest of the people are counted. */
const MENTIONS_BUDGET = 1000;
const mentions = (ids: string[]) => listWithin(ids.map(mention), MENTIONS_BUDGET, ' ');

export function threadReminderText(slackUserIds: string[], waitedMinutes: number): string {
  const who = mentions(slackUserIds);
  return `${who ? `${who} ` : ''}:bell: This chat has been waiting ${waitedMinutes} min for an answer.`;
}

export interface WaitingChatLine {
  visitorName: string;
  waitedMinutes: number;
  /** The thread's permalink (in the same channel, so whoever reads this can open it). */
  link: string | null;
}

/** Several chats of one channel waiting at once: one post, each chat linked to its thread. */
export function channelReminderText(slackUserIds: string[], chats: WaitingChatLine[]): string {
  const who = mentions(slackUserIds);
  const lines = chats.map((c) => {
    const name = shown(c.visitorName, 200);
    const target = c.link ? linkTarget(c.link, 1000) : null;
    return `• ${target ? `<${target}|${name}>` : name}: waiting ${c.waitedMinutes} min`;
  });
  const head = `${who ? `${who} ` : ''}:bell: ${chats.length} chats are waiting for an answer; reply in each chat's thread:`;
  return `${head}\n${listWithin(lines, SLACK_LIMITS.messageText - head.length - 1, '\n')}`;
}

/** Where an escalation went: a channel, or the DMs of these people. */
export type EscalationTarget = { channelId: string } | { dmSlackUserIds: string[] };

export function escalationNoteText(waitedMinutes: number, target: EscalationTarget): string {
  const where =
    'channelId' in target
      ? /^[A-Za-z0-9]{1,40}$/.test(target.channelId)
        ? `<#${target.channelId}>`
        : 'another channel'
      : `${listWithin(target.dmSlackUserIds.map(mention), MENTIONS_BUDGET, ', ')} (in their DMs)`;
  return `:rotating_light: Still unanswered after ${waitedMinutes} min: escalated to ${where}, where it can be answered too.`;
}
