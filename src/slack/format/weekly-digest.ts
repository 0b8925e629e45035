// The weekly digest an org's admin chose to get in a channel: last week's chats (Monday to
// Sunday, the org's calendar), how many were missed and answered within the answer time, where
// they were answered, and by routing group and by agent the first-response p50 / p90. Pure: a
// report in (src/routing/activity-figures.ts), a message within Slack's limits out.
import type { ActivityFigures, ActivityReport } from '../../routing/activity-figures.ts';
import type { SlackBlock } from '../slack-api.ts';
import { shown, shownInBold } from './mrkdwn.ts';
import { responseTime } from './durations.ts';
import { linkTarget } from './slack-limits.ts';

/** Rows listed by group and by agent; the rest are counted. Each row is one line of one section. */
const MAX_ROWS = 10;
/** A name in a row: the section (3,000) holds ten rows of it with their figures. */
const NAME_LIMIT = 80;

const DAY = new Intl.DateTimeFormat('en', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });
const dayLabel = (date: string) => DAY.format(new Date(`${date}T00:00:00Z`));
const share = (part: number, whole: number) => (whole === 0 ? '' : ` (${Math.round((part / whole) * 100)} %)`);
const percentiles = (f: ActivityFigures) => `p50 ${responseTime(f.firstResponseSeconds.p50)} · p90 ${responseTime(f.firstResponseSeconds.p90)}`;

export function weeklyDigestMessage(report: ActivityReport, settingsUrl: string | null): { text: string; blocks: SlackBlock[] } {
  const week = `${dayLabel(report.from)} – ${dayLabel(report.to)}`;
  const total = { chats: 0, answered: 0, missed: 0, inSlack: 0, inConsole: 0, within: 0 };
  for (const d of report.days) {
    total.chats += d.chats;
    total.answered += d.answered;
    total.missed += d.missed;
    total.inSlack += d.answeredInSlack;
    total.inConsole += d.answeredInConsole;
    total.within += d.answeredWithinAnswerTime;
  }
  const header: SlackBlock = { type: 'header', text: { type: 'plain_text', text: `Last week’s chats: ${week}` } };
  if (total.chats === 0) {
    return {
      text: `Last week (${week}): no chats.`,
      blocks: [header, { type: 'section', text: { type: 'mrkdwn', text: 'No chats last week: no visitor started a chat on your website.' } }],
    };
  }
  const blocks: SlackBlock[] = [
    header,
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Chats*\n${total.chats}` },
        { type: 'mrkdwn', text: `*Missed*\n${total.missed}${share(total.missed, total.chats)}` },
        { type: 'mrkdwn', text: `*Answered*\n${total.answered}${share(total.answered, total.chats)}` },
        { type: 'mrkdwn', text: `*Within the answer time*\n${total.within}${share(total.within, total.answered)}` },
        { type: 'mrkdwn', text: `*Answered in Slack / the console*\n${total.inSlack} / ${total.inConsole}` },
      ],
    },
  ];
  if (report.groups.length) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: rows('By routing group', report.groups, (g) => g.name ?? `group ${g.routingGroupId}`, groupLine) },
    });
  }
  if (report.agents.length) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: rows('By agent (answered first)', report.agents, (a) => a.name ?? `agent ${a.agentId}`, agentLine) },
    });
  }
  const target = settingsUrl ? linkTarget(settingsUrl, 1000) : null;
  const link = target ? ` Change or stop this digest in <${target}|the Slack integration settings>.` : '';
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Days in ${shown(report.timeZone, 64)}. Missed: ended with no answer. p50 / p90: half / nine in ten of the answered chats had their first answer within it (${shown(report.percentileError, 200)}).${link}`,
      },
    ],
  });
  return { text: `Last week (${week}): ${total.chats} chats, ${total.missed} missed, ${total.answered} answered.`, blocks };
}

const groupLine = (g: ActivityFigures) => `${g.chats} chats, ${g.missed} missed, ${percentiles(g)}`;
const agentLine = (a: ActivityFigures) => `${a.answered} answered, ${percentiles(a)}`;

function rows<T extends ActivityFigures>(title: string, items: T[], name: (item: T) => string, line: (item: T) => string): string {
  const listed = items.slice(0, MAX_ROWS).map((item) => `• *${shownInBold(name(item), NAME_LIMIT)}*: ${line(item)}`);
  const more = items.length - MAX_ROWS;
  return [`*${title}*`, ...listed, ...(more > 0 ? [`…and ${more} more`] : [])].join('\n');
}
