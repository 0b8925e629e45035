// The DM the Slack user who connected a workspace gets when something broke after setup: what
// broke, in the org's own words (its channel, its routing groups), what to do, and where the
// settings page's Health section is. Pure; every name is escaped and clipped.
import type { SlackBlock } from '../slack-api.ts';
import { escapeSlackText } from './escape.ts';
import { clip, SLACK_LIMITS } from './slack-limits.ts';

/** The problems told by DM (a lost connection is not: the app can no longer post). */
export type NoticedProblemKind = 'channel_archived' | 'app_removed_from_channel' | 'channel_refused' | 'chats_undeliverable';

export interface ProblemNoticeInput {
  kind: NoticedProblemKind;
  /** The channel kinds' channel: its name when the directory knows it. */
  channel: { id: string; name: string | null } | null;
  /** What the org uses the channel for: its routing groups' names, and whether it is the global channel. */
  usedBy: { groupNames: string[]; globalChannel: boolean };
  /** Slack's error code (channel_refused), the undeliverable reason in words (chats_undeliverable). */
  detail: string | null;
  /** chats_undeliverable: the undeliverable code (src/routing/undeliverable-reasons.ts). */
  subject: string;
  /** The settings page's Health section. */
  healthUrl: string;
}

const NAME_MAX = 80;
const DETAIL_MAX = 600;
const LISTED_GROUPS = 5;

export function problemNotice(input: ProblemNoticeInput): { text: string; blocks: SlackBlock[] } {
  const { what, todo } = describe(input);
  const link = input.healthUrl.length <= SLACK_LIMITS.url ? `<${input.healthUrl}|Settings → Health>` : escapeSlackText(input.healthUrl);
  const where =
    `Open the Slack integration’s settings from your chat platform (its Setup link for Slack), then the Health section: ${link}. ` +
    'You get this message at most once a day while the problem lasts.';
  // The way to the settings is never what gets cut.
  const body = clip(`*Chats may not reach Slack.* ${what}\n\n*What to do:* ${todo}`, SLACK_LIMITS.sectionText - where.length - 2);
  const text = `${body}\n\n${where}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

function describe(input: ProblemNoticeInput): { what: string; todo: string } {
  const channel = channelName(input.channel);
  const usage = usageOf(input.usedBy);
  const another = `or choose another channel for ${usage.short} in the settings`;
  switch (input.kind) {
    case 'channel_archived':
      return {
        what: `The Slack channel ${channel}, ${usage.long}, was archived: new chats can no longer be posted there.`,
        todo: `Unarchive ${channel} in Slack (the channel's settings → Unarchive), ${another}.`,
      };
    case 'app_removed_from_channel':
      return {
        what: `The app was removed from ${channel}, ${usage.long}: new chats can no longer be posted there, and replies written there are not heard.`,
        todo: `Add the app back to ${channel} (in Slack: the channel's details → Integrations → Add apps), ${another}.`,
      };
    case 'channel_refused': {
      const code = input.detail ? ` (Slack said \`${escapeSlackText(clip(input.detail, NAME_MAX))}\`)` : '';
      return {
        what: `Slack refused to post a new chat in ${channel}, ${usage.long}${code}.`,
        todo: `${refusalFix(input.detail, channel)}, ${another}.`,
      };
    }
    case 'chats_undeliverable': {
      const why = input.detail ? `: ${escapeSlackText(clip(input.detail, DETAIL_MAX))}` : '.';
      return { what: `A chat could not be delivered to anyone in Slack${why}`, todo: undeliverableFix(input.subject) };
    }
  }
}

function channelName(channel: ProblemNoticeInput['channel']): string {
  if (!channel) return 'a channel';
  // Slack renders a channel mention as its name, for those who may see it.
  return channel.name ? `#${escapeSlackText(clip(channel.name, NAME_MAX))}` : `<#${channel.id}>`;
}

function usageOf(usedBy: ProblemNoticeInput['usedBy']): { long: string; short: string } {
  const names = usedBy.groupNames.slice(0, LISTED_GROUPS).map((n) => `*${escapeSlackText(clip(n, NAME_MAX))}*`);
  const more = usedBy.groupNames.length > LISTED_GROUPS ? ` and ${usedBy.groupNames.length - LISTED_GROUPS} more` : '';
  const groups = names.length === 0 ? null : `${usedBy.groupNames.length > 1 ? 'routing groups' : 'routing group'} ${names.join(', ')}${more}`;
  if (groups && usedBy.globalChannel)
    return { long: `where chats of ${groups} and the global channel's chats are announced`, short: `${groups} and the global channel` };
  if (groups) return { long: `where chats of ${groups} are announced`, short: groups };
  if (usedBy.globalChannel) return { long: 'your global channel for new chats', short: 'the global channel' };
  return { long: 'where your chats were announced', short: 'your routing groups' };
}

function refusalFix(code: string | null, channel: string): string {
  switch (code) {
    case 'is_archived':
    case 'channel_is_archived':
      return `Unarchive ${channel} in Slack`;
    case 'not_in_channel':
      return `Add the app to ${channel} (in Slack: the channel's details → Integrations → Add apps)`;
    case 'channel_not_found':
      return `If ${channel} is private, add the app to it (the channel's details → Integrations → Add apps); if it was deleted, it cannot be used again`;
    default:
      return `Check that ${channel} still exists and that the app is in it`;
  }
}

function undeliverableFix(code: string): string {
  switch (code) {
    case 'no_target':
      return 'Give the chat’s routing group a Slack channel, turn the global channel on, or map the group’s agents to their Slack users; then use *Route again* in the Health section.';
    case 'slack_refused':
      return 'Slack refused every place the chat could go: check the channels listed in the Health section, then use *Route again* there.';
    case 'slack_not_connected':
    case 'slack_connection_lost':
      return 'Connect Slack again in the settings; waiting chats are then routed again.';
    case 'channel_shared_unconfirmed':
      return 'The channel became shared with another company (Slack Connect): in the settings, confirm its visitors’ details may be shown there, or choose another channel; held chats are then routed again.';
    default:
      return 'The Health section lists the chats and what fixes each; then use *Route again* there.';
  }
}
