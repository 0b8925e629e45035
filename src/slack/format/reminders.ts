// The reminder texts: one chat's (in its thread), several chats' due together in one channel
// (one post listing them), and the escalation note. Pure: data in, mrkdwn out.
import { escapeSlackText } from './escape.ts';

const mentions = (ids: string[]) => ids.map((id) => `<@${id}>`).join(' ');

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
    const name = escapeSlackText(c.visitorName);
    return `• ${c.link ? `<${c.link}|${name}>` : name}: waiting ${c.waitedMinutes} min`;
  });
  return `${who ? `${who} ` : ''}:bell: ${chats.length} chats are waiting for an answer; reply in each chat's thread:\n${lines.join('\n')}`;
}

export function escalationNoteText(waitedMinutes: number, where: string): string {
  return `:rotating_light: Still unanswered after ${waitedMinutes} min: escalated to ${where}, where it can be answered too.`;
}
