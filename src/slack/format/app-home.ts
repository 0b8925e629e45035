// The App Home tab a rep sees: their mapping status (and what to do when unmapped), their open
// chats with the visitor, the account, how long it has waited, and a link to the thread; under
// them, their own last 7 days (chats answered, median first response, missed chats of their
// groups). Pure: data in, a home view out.
import type { SlackView, SlackBlock } from '../slack-api.ts';
import { listWithin, shown, shownInBold } from './mrkdwn.ts';
import { responseTime } from './durations.ts';
import { linkTarget } from './slack-limits.ts';

export interface HomeChat {
  visitorName: string;
  accountName: string | null;
  waitingMinutes: number;
  answered: boolean;
  threadLink: string | null;
}

/** The rep's own last 7 days (src/routing/activity-figures.ts): null when the figures could not be read. */
export interface HomeWeek {
  /** Chats the rep answered first. */
  answered: number;
  /** Median time to their first answer; null when they answered none. */
  medianFirstResponseSeconds: number | null;
  /** Chats of the rep's routing groups that ended with no answer. */
  missedInGroups: number;
  /** The rep's routing groups, by name. */
  groupNames: string[];
}

/** Slack: at most 100 blocks in a Home tab; two per chat leaves room for the rest (the week takes three). */
const MAX_CHATS = 25;
/** The group names listed next to the missed chats; the rest are counted. */
const GROUP_NAMES_BUDGET = 600;

export function appHomeView(input: { mapped: { agentName: string } | null; chats: HomeChat[]; moreChats: number; week?: HomeWeek | null }): SlackView {
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
    return { type: 'home', blocks: [...blocks, ...weekBlocks(input.week ?? null)] };
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
  return { type: 'home', blocks: [...blocks, ...weekBlocks(input.week ?? null)] };
}

/** "Your last 7 days": three figures side by side, and what they count. */
function weekBlocks(week: HomeWeek | null): SlackBlock[] {
  if (!week) return [];
  const groups = week.groupNames.length
    ? `in ${listWithin(
        week.groupNames.map((n) => shown(n, 100)),
        GROUP_NAMES_BUDGET,
      )}`
    : 'you are in no routing group';
  return [
    { type: 'header', text: { type: 'plain_text', text: 'Your last 7 days' } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Chats answered*\n${week.answered}` },
        { type: 'mrkdwn', text: `*Median first response*\n${responseTime(week.medianFirstResponseSeconds)}` },
        { type: 'mrkdwn', text: `*Missed chats of your groups*\n${week.missedInGroups}` },
      ],
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Chats you answered first, today and the 6 days before. Missed: ended with no answer from anyone, ${groups}.`,
        },
      ],
    },
  ];
}
