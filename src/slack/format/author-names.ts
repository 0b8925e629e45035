// The names Threadbridge shows for the people and bots of a chat. A visitor or a platform bot is
// outside the reps' workspace, yet its posts appear under the name it chose (chat.postMessage's
// `username`, with chat:write.customize): that name always ends in a marker, "(visitor)" or
// "(bot)", so it can never equal a member's name or Slackbot's. Every outside name is first
// cleaned of what could hide, fake or reorder that marker. Pure.
import type { Message } from '../../platform/webhook-events.ts';
import { SLACK_LIMITS, clip } from './slack-limits.ts';

type AuthorType = Message['author']['type'];

/**
 * The marker a type's posts carry, or null for the org's own people and the platform itself:
 * agents' names are set by the org's admins on the platform (trusted) and are shown as they are.
 */
const MARKERS: Record<AuthorType, string | null> = { visitor: 'visitor', bot: 'bot', agent: null, system: null };
/** The name shown when an author's name is empty after cleaning. */
const UNNAMED: Record<AuthorType, string> = { visitor: 'Visitor', bot: 'Bot', agent: 'agent', system: 'system' };

// Line and paragraph breaks, tabs and other control characters: a name is one line.
const BREAKS = /[\p{Cc}\p{Zl}\p{Zp}]/gu;
// Format characters (zero-width spaces and joiners, bidi embeddings, overrides and isolates, soft
// hyphens, tag characters) and the letters that render as blank (Hangul fillers, braille blank,
// combining grapheme joiner): they hide text or reorder what follows, the marker included.
// biome-ignore lint/suspicious/noMisleadingCharacterClass: each filler is listed to be removed on its own, combined or not
const INVISIBLE = /[\p{Cf}\u034F\u115F\u1160\u3164\uFFA0\u2800]/gu;
// Stacked combining marks ("Zalgo") can spill over the text around them; three suffice for any script.
const STACKED_MARKS = /(\p{M}{3})\p{M}+/gu;

/**
 * An outside name as one clean line: breaks and unusual spaces become one space, invisible and
 * direction-changing characters are dropped, runs of spaces are collapsed, and the ends trimmed.
 * May be empty.
 */
export function cleanName(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(BREAKS, ' ')
    .replace(INVISIBLE, '')
    .replace(STACKED_MARKS, '$1')
    .replace(/\p{Zs}+/gu, ' ')
    .trim();
}

/** The author's cleaned name, or the name its type goes by when it has none. */
export function authorName(author: Pick<Message['author'], 'type' | 'name'>): string {
  return cleanName(author.name) || UNNAMED[author.type];
}

/** The marker ("visitor", "bot") this author's name carries wherever it stands as a post's author, or null. */
export function authorMarker(author: Pick<Message['author'], 'type'>): string | null {
  return MARKERS[author.type];
}

/**
 * The name a post by this author is shown under (chat.postMessage's `username`): a visitor's or
 * bot's cleaned name with its marker, "Vera (visitor)", within Slack's 80 characters (the name
 * is cut, never the marker); an agent's cleaned name as it is.
 */
export function postUsername(author: Pick<Message['author'], 'type' | 'name'>): string {
  const marker = authorMarker(author);
  const name = authorName(author);
  if (!marker) return clip(name, SLACK_LIMITS.username);
  const suffix = ` (${marker})`;
  return `${clip(name, SLACK_LIMITS.username - suffix.length)}${suffix}`;
}
