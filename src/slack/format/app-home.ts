// The App Home tab a rep sees: their mapping status (and what to do when unmapped) and their
// open chats with the visitor, the account, how long it has waited, and a link to the thread.
// Pure: data in, a home view out.
import type { SlackView, SlackBlock } from '../slack-api.ts';
import { shown, shownInBold } from './mrkdwn.ts';
import { linkTarget } from './slack-limits.ts';

export interface HomeChat {
  visitorName: string;
  accountName: string | null;
  waitingMinutes: number;
  answered: boolean;
  threadLink: string | null;
}

/** Slack: at most 100 blocks in a Home tab; three per chat leaves room for the rest. */
const MAX_CHATS = 25;

export function appHomeView(input: { mapped: { agentName: string } | null; chats: HomeChat[]; moreChats: number }): SlackView {
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'Your chats' } }];
  if (!input.mapped) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: ":warning: *Your Slack account isn't linked to a chat agent*, so you can't answer visitors, book meetings or take chats from Slack.\nAsk an admin of the chat platform to enter your Slack username next to your agent in the Slack integration settings.",
      },
    });
    return { type: 'home', blocks };
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Linked to the chat agent *${shown(input.mapped.agentName, 300)}*.` }] });
  if (input.chats.length === 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'No open chats: chats you take (Join) or are assigned show up here.' } });
    return { type: 'home', blocks };
  }
  for (const chat of input.chats.slice(0, MAX_CHATS)) {
    const account = chat.accountName ? ` · ${shown(chat.accountName, 300)}` : '';
    const waited = chat.answered ? `open for ${chat.waitingMinutes} min` : `:hourglass_flowing_sand: waiting ${chat.waitingMinutes} min`;
    const target = chat.threadLink ? linkTarget(chat.threadLink, 1000) : null;
    const link = target ? ` · <${target}|Open thread>` : '';
    blocks.push(
      { type: 'section', text: { type: 'mrkdwn', text: `*${shownInBold(chat.visitorName, 300)}*${account}\n${waited}${link}` } },
      { type: 'divider' },
    );
  }
  const more = input.moreChats + Math.max(0, input.chats.length - MAX_CHATS);
  if (more > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `And ${more} more.` }] });
  return { type: 'home', blocks };
}
