// The Block Kit messages Threadbridge posts for a conversation: the parent message that opens
// its thread, and one message per chat message inside the thread. Pure: data in, blocks out.
import type { Conversation, Message } from '../../platform/webhook-events.ts';
import type { SlackBlock } from '../slack-api.ts';
import { escapeSlackText } from './escape.ts';
import { SLACK_LIMITS, clip, httpUrl, linkTarget } from './slack-limits.ts';
import { labelOf, listWithin, mention, shown, shownInBold } from './mrkdwn.ts';
import { authorMarker, authorName, cleanName, postUsername } from './author-names.ts';

// Slack: a section's text is at most 3,000 characters and a message at most 50 blocks.
const SECTION_LIMIT = SLACK_LIMITS.sectionText;
const FALLBACK_TEXT_LIMIT = 3000;
/**
 * Each outside value shown on a parent message or author line is cut to this many characters
 * (after escaping) with an ellipsis: the full value stays in the platform's transcript. Together
 * they keep each block within Slack's 3,000 whatever the platform sends.
 */
const NAME_LIMIT = 300;
const FACT_LIMIT = 400;
const PAGE_LIMIT = 600;
const REASON_LIMIT = 600;
const ATTACHMENT_NAME_LIMIT = 300;
const MIME_LIMIT = 100;
/** At most this many people are mentioned on one parent; the rest are counted. */
const MAX_MENTIONS = 40;

export interface SlackMessageBody {
  text: string;
  blocks: SlackBlock[];
  /** Shown as the post's author instead of the app (needs chat:write.customize). */
  username?: string;
  iconUrl?: string;
}

const sourceLabel: Record<Conversation['source'], string> = { web: 'website', mobile_app: 'mobile app' };

/** How a chat's visitor is named in text (cleaned: see author-names.ts): name, else email, else "A visitor". */
export function visitorDisplayName(conversation: Conversation | null): string {
  return cleanName(conversation?.visitor.name ?? '') || cleanName(conversation?.visitor.email ?? '') || 'A visitor';
}

/** Where the chat stands, shown on the parent message and kept current with chat.update. */
export type ParentStatus = { kind: 'waiting'; waitingMinutes?: number } | { kind: 'answered'; by: string } | { kind: 'ended' };

export interface ParentOptions {
  mentionUserIds: string[];
  reason: string;
  /** Group members with no Slack account mapped, named so nobody is silently left out. */
  unmappedNames?: string[];
  groupName?: string | null;
  status?: ParentStatus;
  /** Who pressed Join; without one (and while the chat is open) the Join button is shown. */
  claimedBySlackUserId?: string | null;
  /** A meeting the visitor booked. */
  meeting?: { agentName: string; startsAt: string } | null;
}

/** The Join button's action id (its value is unused: the message says which chat it is). */
export const CLAIM_ACTION_ID = 'claim_chat';

/** A time as Slack shows it in each reader's own time zone, with an ISO fallback. */
export function slackTime(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return Number.isFinite(seconds) ? `<!date^${seconds}^{date_short_pretty} at {time}|${shown(iso, 100)}>` : shown(iso, 100);
}

export function parentMessage(conversation: Conversation, options: ParentOptions): SlackMessageBody {
  const visitor = visitorDisplayName(conversation);
  const facts: string[] = [];
  if (conversation.visitor.email) facts.push(`*Email:* ${shown(conversation.visitor.email, FACT_LIMIT)}`);
  if (conversation.visitor.company) facts.push(`*Company:* ${shown(conversation.visitor.company, FACT_LIMIT)}`);
  if (conversation.account) facts.push(`*Account:* ${shown(conversation.account.name, FACT_LIMIT)}`);
  facts.push(`*From:* ${shown(labelOf(sourceLabel, conversation.source), 40)}`);
  if (conversation.pageUrl) facts.push(`*Page:* ${shown(conversation.pageUrl, PAGE_LIMIT)}`);
  if (options.groupName) facts.push(`*Routing group:* ${shown(options.groupName, FACT_LIMIT)}`);

  const mentionList = options.mentionUserIds.map(mention);
  const mentions =
    mentionList.length > MAX_MENTIONS ? `${mentionList.slice(0, MAX_MENTIONS).join(' ')} and ${mentionList.length - MAX_MENTIONS} more` : mentionList.join(' ');
  const head = `:speech_balloon: *New chat from ${shownInBold(visitor, NAME_LIMIT)}*${mentions ? `\n${mentions}` : ''}`;
  const unmappedLabel = '\nAlso in the group, not linked to Slack: ';
  const unmapped = options.unmappedNames?.length
    ? `${unmappedLabel}${listWithin(
        options.unmappedNames.map((n) => shown(n, 100)),
        SECTION_LIMIT - head.length - unmappedLabel.length,
      )}`
    : '';
  const blocks: SlackBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `${head}${unmapped}` } },
    { type: 'section', text: { type: 'mrkdwn', text: facts.join('\n') } },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Reply in this thread to answer the visitor. Sent here because: ${shown(options.reason, REASON_LIMIT)}.` }],
    },
  ];
  if (options.status) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: statusLine(options.status) }] });
  if (options.meeting) {
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: `:calendar: Meeting booked with ${shown(options.meeting.agentName, NAME_LIMIT)}: ${slackTime(options.meeting.startsAt)}` },
      ],
    });
  }
  if (options.claimedBySlackUserId) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `:raising_hand: ${mention(options.claimedBySlackUserId)} took this chat` }] });
  } else if (options.status?.kind !== 'ended') {
    blocks.push({
      type: 'actions',
      block_id: 'claim',
      elements: [{ type: 'button', action_id: CLAIM_ACTION_ID, text: { type: 'plain_text', text: 'Join' }, style: 'primary', value: 'claim' }],
    });
  }
  return { text: `New chat from ${shown(visitor, NAME_LIMIT)}`, blocks };
}

function statusLine(status: ParentStatus): string {
  switch (status.kind) {
    case 'waiting':
      return status.waitingMinutes
        ? `:hourglass_flowing_sand: Waiting for a rep for ${status.waitingMinutes} min`
        : ':hourglass_flowing_sand: Waiting for a rep';
    case 'answered':
      return `:white_check_mark: Answered by ${shown(status.by, NAME_LIMIT)}`;
    case 'ended':
      return ':checkered_flag: Chat ended';
  }
}

const authorLabel: Record<Message['author']['type'], string> = { visitor: 'visitor', agent: 'agent', bot: 'bot', system: 'system' };
const originLabel: Record<Message['origin'], string> = { web: 'website', mobile_app: 'mobile app', console: 'console', slack: 'Slack', bot: 'bot' };

/** The author as the fallback text (what notifications show) names them: the author line names the type, this the marker. */
function bylineOf(message: Message): string {
  const marker = authorMarker(message.author);
  return `${shown(authorName(message.author), NAME_LIMIT)}${marker ? ` (${marker})` : ''}`;
}

export function threadMessage(message: Message, options: { late?: boolean } = {}): SlackMessageBody {
  const type = shown(labelOf(authorLabel, message.author.type), 40);
  const name = authorName(message.author);
  const byline = bylineOf(message);
  const body = escapeSlackText(message.text);
  const chunks = splitText(body, SECTION_LIMIT);
  const blocks: SlackBlock[] = chunks.map((chunk) => ({ type: 'section', text: { type: 'mrkdwn', text: chunk } }));
  for (const attachment of message.attachments) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: attachmentLine(attachment) } });
  const context = `*${shownInBold(name, NAME_LIMIT)}* (${type}, ${shown(labelOf(originLabel, message.origin), 40)})${options.late ? ' · arrived late' : ''}`;
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context }] });
  const fallback = `${byline}: ${body}`;
  return { text: clip(fallback, FALLBACK_TEXT_LIMIT), blocks };
}

// Slack: at most 50 blocks a message.
const MESSAGE_BLOCK_LIMIT = 50;

/**
 * One chat message as the Slack posts that show it: under its author's name and avatar, and
 * split over several posts when its text needs more blocks than one post may hold, so nothing
 * is cut.
 */
export function threadPosts(message: Message, options: { late?: boolean } = {}): SlackMessageBody[] {
  const single = threadMessage(message, options);
  // A visitor's avatar is never shown: anyone could upload a rep's photo. Their posts carry the
  // app's own icon, which no visitor can set. Agents' and bots' avatars are the org's own, set on the platform.
  const avatar = message.author.avatarUrl && message.author.type !== 'visitor' ? linkTarget(message.author.avatarUrl) : null;
  const identity = {
    username: postUsername(message.author),
    ...(avatar ? { iconUrl: avatar } : {}),
  };
  if (single.blocks.length <= MESSAGE_BLOCK_LIMIT) return [{ ...single, ...identity }];
  // The context line (author) and attachments stay with the last part; earlier parts say more follows.
  const context = single.blocks.at(-1)!;
  const body = single.blocks.slice(0, -1);
  const perPart = MESSAGE_BLOCK_LIMIT - 1;
  const parts: SlackMessageBody[] = [];
  for (let i = 0; i < body.length; i += perPart) {
    const last = i + perPart >= body.length;
    const blocks = [
      ...body.slice(i, i + perPart),
      last ? context : { type: 'context', elements: [{ type: 'mrkdwn', text: '_continued below_' }] },
    ] as SlackBlock[];
    const words = blocks.flatMap((b) => ('text' in b && b.text && typeof b.text === 'object' && 'text' in b.text ? [String(b.text.text)] : [])).join('\n');
    // A part of nothing but blank lines (a message of them, split) still needs a text: Slack refuses an empty one.
    const text = words.trim() ? words : `${bylineOf(message)}: (blank lines)`;
    parts.push({ text: clip(text, FALLBACK_TEXT_LIMIT), blocks, ...identity });
  }
  return parts;
}

/**
 * Several consecutive chat messages as one Slack message, each still with its author line.
 * Returns the body and how many of `messages` it holds (those that fit in Slack's block limit;
 * always at least the first).
 */
export function combinedThreadMessage(messages: Message[]): { body: SlackMessageBody; count: number } {
  const parts: SlackMessageBody[] = [];
  let blocks = 0;
  for (const message of messages) {
    const part = threadMessage(message);
    if (parts.length > 0 && blocks + part.blocks.length > MESSAGE_BLOCK_LIMIT) break;
    parts.push(part);
    blocks += part.blocks.length;
  }
  return {
    body: { text: clip(parts.map((p) => p.text).join('\n'), FALLBACK_TEXT_LIMIT), blocks: parts.flatMap((p) => p.blocks) },
    count: parts.length,
  };
}

/** Splits at whitespace where possible so words stay whole; never drops text or yields an empty chunk. */
export function splitText(text: string, limit: number): string[] {
  if (text.length === 0) return ['_(empty message)_'];
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = rest.lastIndexOf('\n', limit);
    if (cut < limit / 2) cut = rest.lastIndexOf(' ', limit);
    if (cut < limit / 2) cut = limit;
    // Never cut inside an escape such as &amp;, nor between the two halves of an emoji.
    const amp = rest.lastIndexOf('&', cut);
    if (amp > cut - 5 && rest.indexOf(';', amp) >= cut) cut = amp;
    if (isHighSurrogate(rest.charCodeAt(cut - 1))) cut -= 1;
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[ \n]/, '');
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * One attachment: "name (host)" as a link when the URL is http(s) and within Slack's URL limit,
 * so a file called "invoice from your bank" that points at evil.example says so; otherwise
 * (javascript:, slack:, file:…, or a URL over 3,000 characters) its plain name, not a link.
 */
function attachmentLine(attachment: Message['attachments'][number]): string {
  const name = shown(cleanName(attachment.name) || 'attachment', ATTACHMENT_NAME_LIMIT);
  const about = ` (${shown(cleanName(attachment.mimeType), MIME_LIMIT)}, ${formatBytes(attachment.size)})`;
  const host = linkHost(attachment.url);
  const label = host ? `${name} (${shown(host, HOST_LIMIT)})` : name;
  const target = host ? linkTarget(attachment.url, SECTION_LIMIT - label.length - about.length - ':paperclip: <|>'.length) : null;
  return `:paperclip: ${target ? `<${target}|${label}>` : name}${about}`;
}

// A DNS name is at most 253 characters; a longer host is not shown as a link rather than cut.
const HOST_LIMIT = 253;

/**
 * The host an http(s) URL leads to, as the URL standard writes it: an internationalised name in
 * its ASCII (punycode) form, so a look-alike of a known name shows as the different name it is.
 * Null for other schemes, no host, or a host too long to show whole.
 */
function linkHost(url: string): string | null {
  const host = httpUrl(url)?.hostname;
  return host && host.length <= HOST_LIMIT ? host : null;
}

function formatBytes(size: number): string {
  if (!Number.isFinite(size) || size < 0) return 'size unknown';
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The thread's note when conversation.updated tells us more about the visitor or their account,
 * or null when nothing a rep would care about changed.
 */
export function identificationLine(before: Conversation | null, after: Conversation): string | null {
  const parts: string[] = [];
  const v0 = before?.visitor;
  const v1 = after.visitor;
  if (v1.name !== (v0?.name ?? null) || v1.email !== (v0?.email ?? null) || v1.company !== (v0?.company ?? null)) {
    const details = [v1.email, v1.company]
      .filter(Boolean)
      .map((d) => shown(d!, FACT_LIMIT))
      .join(', ');
    if (v1.name || v1.email) parts.push(`Visitor identified: *${shownInBold(visitorDisplayName(after), NAME_LIMIT)}*${details ? ` (${details})` : ''}`);
  }
  if (after.account && after.account.id !== before?.account?.id) parts.push(`Account matched: *${shown(after.account.name, FACT_LIMIT)}*`);
  if (after.routingGroupId !== (before?.routingGroupId ?? null) && before) parts.push('Routing group changed');
  return parts.length ? `:information_source: ${parts.join(' · ')}` : null;
}
