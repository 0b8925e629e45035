// The app's answer to someone writing to it in its DM outside a chat's thread: what it does,
// and their open chats. Pure: data in, mrkdwn text out.
import { shown } from './mrkdwn.ts';
import { linkTarget } from './slack-limits.ts';

export interface OpenChatLine {
  visitorName: string;
  waitingMinutes: number;
  /** A permalink the reader can open (their own DM's thread, or a channel's), or null. */
  link: string | null;
}

const ABOUT =
  "I bring your team's website and app chats into Slack: each chat gets its own thread, every message of it shows up there live, " +
  'and a reply in the thread reaches the visitor. Chats routed to you come to this DM or to your team’s channel.';

export function openChatsText(input: { mapped: boolean; unmappedNotice: string | null; chats: OpenChatLine[]; more: number }): string {
  if (!input.mapped) return `${ABOUT}\n\n${input.unmappedNotice ?? ''}`.trim();
  if (input.chats.length === 0) return `${ABOUT}\n\nYou have no open chats right now. To answer a chat, reply in its thread.`;
  const lines = input.chats.map((c) => {
    const name = shown(c.visitorName, 200);
    const target = c.link ? linkTarget(c.link, 1000) : null;
    const label = target ? `<${target}|${name}>` : name;
    return `• ${label}, started ${c.waitingMinutes} min ago`;
  });
  const more = input.more > 0 ? `\n…and ${input.more} more (see the app's Home tab).` : '';
  return `${ABOUT}\n\nYour open chats (reply in a chat's thread to answer):\n${lines.join('\n')}${more}`;
}
