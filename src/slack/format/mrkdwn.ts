// Composing mrkdwn from outside values: each escaped (never a mention, broadcast or link) and cut
// to a length, lists counted past what fits, mentions only of well-formed Slack ids. Pure.
import { escapeSlackText } from './escape.ts';
import { clip } from './slack-limits.ts';

/** An outside value as mrkdwn: escaped, then cut to `limit` characters. */
export function shown(raw: string, limit: number): string {
  return clip(escapeSlackText(raw), limit);
}

/**
 * Items joined with `separator`, as many as fit in `budget` characters, the rest counted
 * ("…and 12 more"): a list from outside (names, mentions, answers) never breaks a limit.
 */
export function listWithin(items: string[], budget: number, separator = ', '): string {
  const out: string[] = [];
  let used = 0;
  for (const [i, item] of items.entries()) {
    const left = items.length - i;
    const cost = (out.length ? separator.length : 0) + item.length;
    // Room is kept for the count of those that would not fit after this one.
    const reserve = left > 1 ? separator.length + `…and ${left - 1} more`.length : 0;
    if (used + cost + reserve > budget) return `${out.join(separator)}${out.length ? separator : ''}…and ${left} more`;
    out.push(item);
    used += cost;
  }
  return out.join(separator);
}

/**
 * The label a table gives `key`, reading own properties only: a key from outside ("constructor",
 * "toString", "__proto__") is never an inherited property read as a label; it is shown as sent.
 */
export function labelOf<K extends string>(table: Readonly<Record<K, string>>, key: string): string {
  return Object.hasOwn(table, key) ? table[key as K] : key;
}

/** A Slack user mention; ids come from Slack, but are checked so nothing else can hide in one. */
export function mention(slackUserId: string): string {
  return /^[A-Za-z0-9]{1,40}$/.test(slackUserId) ? `<@${slackUserId}>` : shown(slackUserId, 40);
}

/**
 * An outside value shown between `*…*` (a name in bold): as `shown`, with its own asterisks
 * turned into look-alikes (∗) so it cannot close the bold early and pass text after it off as
 * the line's own ("*Ada* (agent, console) *x* (visitor…)").
 */
export function shownInBold(raw: string, limit: number): string {
  return shown(raw.replace(/\*/g, '\u2217'), limit);
}
